/**
 * The whitespace gap between two chunks: read as it arrives, then turned
 * into the cursor where the next chunk starts. Whitespace at a cut is
 * dropped, except the indentation of the line the next chunk starts with.
 *
 * @module
 */

import type { Fence } from "./chunk_fence.ts";
import type { Cursor } from "./chunk_scan.ts";
import { GraphemeBoundaries, isWhitespace } from "./chunk_text.ts";

const LF = 0x0a;
/** Indentation kept at the top of a chunk; a longer one is trimmed. */
const MAX_INDENT = 64;

/** The whitespace between a cut and the next chunk, read as it arrives. */
export interface Gap {
  /** Where the gap starts: the end of the previous chunk. */
  from: number;
  /** How far it has been read; the first non-whitespace once found. */
  pos: number;
  /** Index just after the last line break read, or -1 (also once trimmed away). */
  lastBreak: number;
  /** Whether a line break has been read, so the next chunk starts a line. */
  sawBreak: boolean;
  /** Whether this is the whitespace before the first chunk. */
  readonly initial: boolean;
}

/** Starts reading the gap that follows a chunk ending at `from`. */
export function openGap(from: number, initial: boolean): Gap {
  return { from, pos: from, lastBreak: -1, sawBreak: false, initial };
}

/**
 * Reads the gap on up to `end`. "ready": the next chunk's start is known;
 * "more": more text is needed; "done": the text (ended, `eof`) has no more
 * content.
 */
export function readGap(
  text: string,
  gap: Gap,
  end: number,
  eof: boolean,
): "ready" | "more" | "done" {
  let i = gap.pos;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      gap.lastBreak = i + 1;
      gap.sawBreak = true;
    } else if (!isWhitespace(c)) break;
  }
  gap.pos = i;
  if (i >= end) return eof ? "done" : "more";
  return eof || i + 2 <= end ? "ready" : "more";
}

/**
 * Where the next chunk starts once its gap is "ready": after the gap's last
 * line break, keeping the next line's indentation (up to a quarter of the
 * limit), else at the first non-whitespace, or one space earlier when that
 * space and the character after it form one grapheme.
 */
export function cursorAfterGap(
  text: string,
  gap: Gap,
  end: number,
  fence: Fence | null,
  limit: number,
): Cursor {
  const maxIndent = Math.min(MAX_INDENT, Math.floor(limit / 4));
  let start = gap.pos;
  if (gap.lastBreak >= 0 && gap.pos - gap.lastBreak <= maxIndent) {
    start = gap.lastBreak;
  } else if (gap.pos > gap.from) {
    const hi = Math.min(end, gap.pos + 2);
    const graphemes = new GraphemeBoundaries(text, gap.pos - 1, hi);
    if (graphemes.atOrBefore(gap.pos) !== gap.pos) start = gap.pos - 1;
  }
  // Only whitespace lies between the last line break and `start`.
  const atLineStart = gap.initial || gap.sawBreak;
  return { start, fence, atLineStart };
}
