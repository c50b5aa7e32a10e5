/**
 * The chunker's decisions, shared by `splitMessage` and `StreamChunker`:
 * where the next chunk starts after a cut (the whitespace gap), and where it
 * ends. A decision reads the text only from the chunk's start to a horizon
 * `limit + LOOKAHEAD` code units later (or the end of a finished text), so a
 * stream that has received that much decides exactly as the whole text
 * would, and the work per chunk is linear in `limit`.
 *
 * @module
 */

import { applyFenceLine, type Fence, startsFenceRun } from "./chunk_fence.ts";
import {
  type Cursor,
  fenceAt,
  PARAGRAPH,
  protectedSpanAround,
  scanWindow,
  type WindowScan,
  WORD,
} from "./chunk_scan.ts";
import {
  GraphemeBoundaries,
  isHighSurrogate,
  isLowSurrogate,
  isQuickBoundary,
  isWhitespace,
} from "./chunk_text.ts";

/** How far past a chunk's longest possible end the chunker reads before it decides. */
export const LOOKAHEAD = 128;
/** The smallest message limit the chunker accepts. */
export const MIN_CHUNK_LIMIT = 8;

const LF = 0x0a;
/** Indentation kept at the top of a chunk; a longer one is trimmed. */
const MAX_INDENT = 64;

/** One decided chunk. */
export interface Cut {
  /** The message text: reopened fence, the input's text, closing fence. */
  readonly chunk: string;
  /** Index in the input just after the chunk's text. */
  readonly end: number;
  /** The code fence open at `end`. */
  readonly fence: Fence | null;
}

/** The whitespace between a cut and the next chunk, read as it arrives. */
export interface Gap {
  /** Where the gap starts: the end of the previous chunk. */
  from: number;
  /** How far it has been read; the first non-whitespace once found. */
  pos: number;
  /** Index just after the last line break read, or -1. */
  lastBreak: number;
  /** Whether this is the whitespace before the first chunk. */
  readonly initial: boolean;
}

/** Throws a RangeError unless `limit` is an integer of at least MIN_CHUNK_LIMIT. */
export function assertChunkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < MIN_CHUNK_LIMIT) {
    throw new RangeError(
      `Cannot split text into chunks of at most ${limit} characters: the limit must be an integer of at least ${MIN_CHUNK_LIMIT}`,
    );
  }
}

/** Starts reading the gap that follows a chunk ending at `from`. */
export function openGap(from: number, initial: boolean): Gap {
  return { from, pos: from, lastBreak: -1, initial };
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
    if (c === LF) gap.lastBreak = i + 1;
    else if (!isWhitespace(c)) break;
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
  const atLineStart = gap.initial ||
    (start > gap.from && text.charCodeAt(start - 1) === LF);
  return { start, fence, atLineStart };
}

/**
 * Decides the chunk starting at `cur` from `text[cur.start, end)`, or
 * returns null when more text is needed (`eof` false and less than
 * `limit + LOOKAHEAD` code units available).
 */
export function decideChunk(
  text: string,
  cur: Cursor,
  end: number,
  eof: boolean,
  limit: number,
): Cut | null {
  const horizon = cur.start + limit + LOOKAHEAD;
  if (end > horizon) return cutChunk(text, cur, horizon, limit);
  if (!eof) return null;
  return lastChunk(text, cur, end, limit) ?? cutChunk(text, cur, end, limit);
}

/**
 * The rest of the text from `cur` to `end` as one chunk (trailing whitespace
 * dropped, a fence still open closed), or null when it does not fit.
 */
export function lastChunk(
  text: string,
  cur: Cursor,
  end: number,
  limit: number,
): Cut | null {
  const prefix = cur.fence?.reopen ?? "";
  const room = limit - prefix.length;
  let fence = cur.fence;
  let lineStart = cur.atLineStart ? cur.start : -1;
  let contentEnd = cur.start;
  for (let i = cur.start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      if (lineStart >= 0) fence = applyFenceLine(fence, text, lineStart, i, limit);
      lineStart = i + 1;
    } else if (!isWhitespace(c)) {
      contentEnd = i + 1;
      if (contentEnd - cur.start > room) return null;
    }
  }
  if (lineStart >= 0 && lineStart < end) {
    fence = applyFenceLine(fence, text, lineStart, end, limit);
  }
  if (contentEnd < end && !isQuickBoundary(text, contentEnd)) {
    // Keep whitespace that belongs to the last grapheme (after a Prepend mark).
    contentEnd = new GraphemeBoundaries(text, cur.start, end).atOrAfter(contentEnd);
  }
  const close = fence?.close ?? "";
  if (contentEnd - cur.start + close.length > room) return null;
  const chunk = prefix + text.slice(cur.start, contentEnd) + close;
  return { chunk, end: contentEnd, fence };
}

/**
 * Cuts the chunk starting at `cur`, reading below `horizon` only. Prefers,
 * in the last third of the room, a paragraph break, then a line break, a
 * sentence end, a space; then the same in the second third; then the latest
 * such end anywhere; then any grapheme boundary outside protected spans;
 * and only when a single grapheme, URL or token is larger than the room, a
 * code point boundary.
 */
export function cutChunk(
  text: string,
  cur: Cursor,
  horizon: number,
  limit: number,
): Cut {
  const prefix = cur.fence?.reopen ?? "";
  const room = limit - prefix.length;
  const maxEnd = Math.min(horizon, cur.start + room);
  const scan = scanWindow(text, cur, maxEnd, horizon, limit);
  const graphemes = new GraphemeBoundaries(text, cur.start, horizon);
  const safe = (e: number) =>
    protectedSpanAround(scan.spans, e) < 0 && graphemes.atOrBefore(e) === e;
  const picked = pickEnd(scan, cur.start, room, safe);
  const { end, fence } = picked >= 0
    ? { end: scan.ends[picked] ?? 0, fence: scan.fences[picked] ?? null }
    : cutAnywhere(text, cur, scan, graphemes, horizon, room);
  const chunk = prefix + text.slice(cur.start, end) + (fence?.close ?? "");
  return { chunk, end, fence };
}

function pickEnd(
  scan: WindowScan,
  start: number,
  room: number,
  safe: (e: number) => boolean,
): number {
  const near = start + Math.ceil((room * 2) / 3);
  const mid = start + Math.ceil(room / 3);
  let nearPick = -1;
  let nearKind = WORD + 1;
  let midPick = -1;
  let midKind = WORD + 1;
  for (let k = scan.ends.length - 1; k >= 0; k--) {
    const e = scan.ends[k] ?? 0;
    const kind = scan.kinds[k] ?? WORD;
    if (e >= near) {
      if (kind < nearKind && safe(e)) {
        nearPick = k;
        nearKind = kind;
        if (kind === PARAGRAPH) return k;
      }
      continue;
    }
    if (nearPick >= 0) return nearPick;
    if (e >= mid) {
      if (kind < midKind && safe(e)) {
        midPick = k;
        midKind = kind;
      }
      continue;
    }
    if (midPick >= 0) return midPick;
    if (safe(e)) return k;
  }
  return nearPick >= 0 ? nearPick : midPick;
}

function cutAnywhere(
  text: string,
  cur: Cursor,
  scan: WindowScan,
  graphemes: GraphemeBoundaries,
  horizon: number,
  room: number,
): { end: number; fence: Fence | null } {
  const lo = Math.max(cur.start, scan.firstContent);
  const ceiling = (e: number) =>
    cur.start + room - (fenceAt(scan, e, cur.fence)?.close.length ?? 0);
  let e = Math.min(horizon, cur.start + room);
  for (;;) {
    const max = ceiling(e);
    if (e > max) {
      e = max;
      continue;
    }
    const safe = safeBefore(text, e, lo, scan.spans, graphemes, horizon);
    if (safe === e) return { end: e, fence: fenceAt(scan, e, cur.fence) };
    if (safe < 0) break;
    e = safe;
  }
  // One grapheme, URL or token fills the room: cut it at a code point.
  e = Math.min(horizon, cur.start + room);
  while (e > ceiling(e)) e = ceiling(e);
  if (
    e < horizon && isLowSurrogate(text.charCodeAt(e)) &&
    isHighSurrogate(text.charCodeAt(e - 1))
  ) e--;
  if (e <= lo) e = lo + (isHighSurrogate(text.charCodeAt(lo)) ? 2 : 1);
  return { end: e, fence: fenceAt(scan, e, cur.fence) };
}

function safeBefore(
  text: string,
  e: number,
  lo: number,
  spans: readonly number[],
  graphemes: GraphemeBoundaries,
  horizon: number,
): number {
  while (e > lo) {
    const a = text.charCodeAt(e - 1);
    const b = e < horizon ? text.charCodeAt(e) : -1;
    if (
      isWhitespace(a) || isWhitespace(b) || startsFenceRun(text, e, horizon) ||
      (isLowSurrogate(b) && isHighSurrogate(a))
    ) {
      e--;
      continue;
    }
    const span = protectedSpanAround(spans, e);
    if (span >= 0) {
      e = span;
      continue;
    }
    const boundary = graphemes.atOrBefore(e);
    if (boundary === e) return e;
    e = boundary;
  }
  return -1;
}
