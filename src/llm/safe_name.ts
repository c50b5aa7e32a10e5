/**
 * User-controlled names (nicknames, thread, channel and server names,
 * speaker labels) as they may appear in a system prompt or a history line:
 * one line, no control or invisible formatting characters, no template
 * braces, whitespace collapsed, at most `NAME_MAX_CHARS` characters. A name
 * can then neither start a new line of instructions nor smuggle in a
 * `{{variable}}` or a fake end of the rules.
 *
 * @module
 */

/** Longest name shown to the model. */
export const NAME_MAX_CHARS = 64;

// Controls (Cc), format characters such as bidi overrides and zero-width spaces (Cf),
// line and paragraph separators (Zl, Zp), and the braces templates use.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}{}]/gu;

// Printable ASCII without braces, single spaces between words: already safe.
const PLAIN = /^[!-z|~]+(?: [!-z|~]+)*$/;

/** The name made safe; `fallback` when nothing is left. */
export function safeName(
  name: string,
  fallback = "someone",
  max = NAME_MAX_CHARS,
): string {
  // Most names need no cleaning: one test instead of four replacements.
  if (name.length <= max && PLAIN.test(name)) return name;
  const clean = name.replace(/[\r\n\t\v\f\u2028\u2029]+/g, " ")
    .replace(UNSAFE, "")
    .replace(/\s+/g, " ")
    .trim();
  if (clean === "") return fallback;
  const chars = [...clean];
  if (chars.length <= max) return clean;
  return `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}
