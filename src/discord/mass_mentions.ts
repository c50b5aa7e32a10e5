/**
 * `@everyone` and `@here` in model text, made harmless: a zero-width joiner
 * after the `@` keeps them readable but no longer a mention, so nobody is
 * pinged even by a Discord-compatible server or proxy that ignores
 * `allowed_mentions` (which every message still carries). When the joiners
 * would push a full message past Discord's limit, the `@` becomes a
 * fullwidth `＠` instead (the same length), so the chunking stays exact.
 *
 * @module
 */

/** U+200D ZERO WIDTH JOINER. */
const ZWJ = "\u200D";

const MASS_MENTION = /@(everyone|here)/gi;

/** The text with every `@everyone` and `@here` neutralised, at most `limit` characters if it was. */
export function neutraliseMassMentions(text: string, limit = 2000): string {
  const joined = text.replace(MASS_MENTION, `@${ZWJ}$1`);
  if (joined.length <= limit || text.length > limit) return joined;
  return text.replace(MASS_MENTION, "\uFF20$1");
}
