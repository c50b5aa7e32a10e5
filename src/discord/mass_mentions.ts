/**
 * `@everyone` and `@here` in model text, made harmless: a zero-width joiner
 * after the `@` keeps them readable but no longer a mention, so nobody is
 * pinged even by a Discord-compatible server or proxy that ignores
 * `allowed_mentions` (which every message still carries).
 *
 * @module
 */

/** U+200D ZERO WIDTH JOINER. */
const ZWJ = "\u200D";

/** The text with every `@everyone` and `@here` neutralised. */
export function neutraliseMassMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWJ}$1`);
}
