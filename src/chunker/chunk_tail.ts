/**
 * The growing last chunk of a stream, kept up to date as text arrives with
 * O(piece) work per piece: its text up to the last non-whitespace, and the
 * code fence open at its end (so the preview can close it).
 *
 * @module
 */

import { applyFenceLine, type Fence } from "./chunk_fence.ts";
import type { Cursor } from "./chunk_scan.ts";
import { isHighSurrogate, isWhitespace } from "./chunk_text.ts";

const LF = 0x0a;
const BACKTICK = 0x60;
const TILDE = 0x7e;

/**
 * The text from a cursor onward as one chunk: the reopened fence, the text
 * without trailing whitespace, and a close for a fence still open. It knows
 * when that no longer fits the limit; deciding the cut is not its job.
 */
export class TailPreview {
  readonly #limit: number;
  readonly #prefix: string;
  #fence: Fence | null;
  #body = "";
  #trailing = "";
  #lastUnit = -1;
  #atLineStart: boolean;
  #lineHasContent = false;
  #fenceLine: string | null = null;

  /** Starts an empty preview for the chunk that begins at `cursor`. */
  constructor(cursor: Cursor, limit: number) {
    this.#limit = limit;
    this.#prefix = cursor.fence?.reopen ?? "";
    this.#fence = cursor.fence;
    this.#atLineStart = cursor.atLineStart;
  }

  /** Appends the next piece of the chunk's text. */
  feed(piece: string): void {
    let lastContent = -1;
    let lineFrom = 0;
    for (let k = 0; k < piece.length; k++) {
      const c = piece.charCodeAt(k);
      if (c === LF) {
        if (this.#fenceLine !== null) {
          const line = this.#fenceLine + piece.slice(lineFrom, k);
          this.#fence = applyFenceLine(
            this.#fence,
            line,
            0,
            line.length,
            this.#limit,
          );
          this.#fenceLine = null;
        }
        this.#atLineStart = true;
        this.#lineHasContent = false;
        continue;
      }
      if (isWhitespace(c)) continue;
      lastContent = k;
      if (this.#lineHasContent) continue;
      this.#lineHasContent = true;
      if (this.#atLineStart && (c === BACKTICK || c === TILDE)) {
        this.#fenceLine = "";
        lineFrom = k;
      }
    }
    if (this.#fenceLine !== null) this.#fenceLine += piece.slice(lineFrom);
    if (lastContent < 0) {
      this.#trailing += piece;
      return;
    }
    this.#body += this.#trailing + piece.slice(0, lastContent + 1);
    this.#trailing = piece.slice(lastContent + 1);
    this.#lastUnit = piece.charCodeAt(lastContent);
  }

  /**
   * The chunk as it stands, or null when it has no content yet or no longer
   * fits the limit. A trailing half of a surrogate pair is left out.
   */
  text(): string | null {
    let body = this.#body;
    if (body.length === 0) return null;
    const line = this.#fenceLine;
    const fence = line === null
      ? this.#fence
      : applyFenceLine(this.#fence, line, 0, line.length, this.#limit);
    const close = fence?.close ?? "";
    if (this.#prefix.length + body.length + close.length > this.#limit) {
      return null;
    }
    if (isHighSurrogate(this.#lastUnit)) {
      body = body.slice(0, -1).trimEnd();
      if (body.length === 0) return null;
    }
    return this.#prefix + body + close;
  }
}
