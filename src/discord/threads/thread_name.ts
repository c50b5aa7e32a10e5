/**
 * The name of a thread the bot opens, made from the message that asked:
 * mentions of users, roles and channels, custom emoji markup, `@everyone`
 * and `@here`, markdown markers, control and invisible characters and line
 * breaks are taken out or neutralised, whitespace is collapsed, and the
 * result is cut at a word boundary to Discord's 100 characters (counted in
 * UTF-16 units, never splitting a surrogate pair). Nothing usable left
 * gives "Conversation with <name>".
 *
 * @module
 */

/** Discord's longest thread name. */
export const MAX_THREAD_NAME = 100;

// Control characters are what it removes.
const CONTROL_OR_INVISIBLE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

/** A safe thread name for `content` written by `author_name`. */
export function threadName(content: string, author_name: string): string {
  let text = content
    .replace(/<a?:([A-Za-z0-9_]{1,32}):\d+>/g, ":$1:")
    .replace(/<(@[!&]?|#)\d+>/g, " ")
    .replace(/<\/[\w -]+:\d+>/g, " ")
    .replace(/@(everyone|here)\b/gi, "$1")
    .replace(CONTROL_OR_INVISIBLE, " ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/[*_~`|>#]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:[\s,;.!?-]|:(?![A-Za-z0-9_]+:))+/, "");
  if (text === "") {
    text = `Conversation with ${
      author_name.replace(CONTROL_OR_INVISIBLE, "").trim() || "someone"
    }`;
  }
  return cut(text, MAX_THREAD_NAME);
}

function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = limit - 1; // room for the ellipsis
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  const space = text.lastIndexOf(" ", end);
  if (space >= limit / 2) end = space;
  return `${text.slice(0, end).trimEnd()}…`;
}
