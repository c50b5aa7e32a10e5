/**
 * Code fences as the chunker sees them: CommonMark-style lines of three or
 * more backticks or tildes (any indentation), an info string whose first
 * word is the language, closed by a line of the same character at least as
 * long with nothing after it. A fence open at a cut is closed at the end of
 * the chunk and reopened, with its language, at the start of the next.
 *
 * @module
 */

import { isWhitespace } from "./chunk_text.ts";

const BACKTICK = 0x60;
const TILDE = 0x7e;
/** Languages longer than this are not repeated when a fence is reopened. */
const MAX_LANGUAGE = 32;

/** A code fence that is open at some point of the text. */
export interface Fence {
  /** The fence character: a backtick or a tilde (char code). */
  readonly char: number;
  /** How many fence characters open it; a closer needs at least as many. */
  readonly length: number;
  /**
   * The line that reopens it at the start of the next chunk, newline
   * included (e.g. "```ts\n"); empty for a fence too long to repeat.
   */
  readonly reopen: string;
  /** What closes it at the end of a chunk (e.g. "\n```"); empty when `reopen` is. */
  readonly close: string;
}

/**
 * Whether three fence characters (backticks or tildes) start at `i`, so that
 * a chunk starting or a line continuing there would read as a fence.
 */
export function startsFenceRun(text: string, i: number, end: number): boolean {
  if (i + 3 > end) return false;
  const c = text.charCodeAt(i);
  return (c === BACKTICK || c === TILDE) && text.charCodeAt(i + 1) === c &&
    text.charCodeAt(i + 2) === c;
}

/**
 * The fence state after the complete line `text[start, end)` (without its
 * newline), given the state before it. Fences whose reopen and close lines
 * together would take more than half of `limit` are tracked but not
 * repeated across chunks.
 */
export function applyFenceLine(
  fence: Fence | null,
  text: string,
  start: number,
  end: number,
  limit: number,
): Fence | null {
  let i = start;
  while (i < end && isWhitespace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  if (i >= end || (c !== BACKTICK && c !== TILDE)) return fence;
  let j = i;
  while (j < end && text.charCodeAt(j) === c) j++;
  const length = j - i;
  if (length < 3) return fence;
  const info = text.slice(j, end).trim();
  if (fence !== null) {
    const closes = c === fence.char && length >= fence.length && info === "";
    return closes ? null : fence;
  }
  if (c === BACKTICK && info.includes("`")) return null;
  return openFence(c, length, info, limit);
}

function openFence(
  char: number,
  length: number,
  info: string,
  limit: number,
): Fence {
  const marker = String.fromCharCode(char).repeat(length);
  const word = info.split(/\s/, 1)[0] ?? "";
  const language = word.length <= MAX_LANGUAGE ? word : "";
  const reopen = `${marker}${language}\n`;
  const close = `\n${marker}`;
  if (reopen.length + close.length > Math.floor(limit / 2)) {
    return { char, length, reopen: "", close: "" };
  }
  return { char, length, reopen, close };
}

/**
 * Whether the line starting at `i` (its first non-blank character) begins
 * with a run that could close `fence`. Only the start of the line is read,
 * below `end`; it is the test for "the next line closes the fence".
 */
export function mayCloseFence(
  text: string,
  i: number,
  end: number,
  fence: Fence,
): boolean {
  if (i + fence.length > end) return false;
  for (let k = i; k < i + fence.length; k++) {
    if (text.charCodeAt(k) !== fence.char) return false;
  }
  return true;
}
