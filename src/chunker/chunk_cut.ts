/**
 * The chunker's decision of where a chunk ends, shared by `splitMessage`
 * and `StreamChunker` (where it starts is decided in `chunk_gap.ts`). A
 * decision reads the text only from the chunk's start to a horizon
 * `limit + LOOKAHEAD` code units later (or the end of a finished text), so
 * a stream that has received that much decides exactly as the whole text
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

/** One decided chunk. */
export interface Cut {
  /** The message text: reopened fence, the input's text, closing fence. */
  readonly chunk: string;
  /** Index in the input just after the chunk's text. */
  readonly end: number;
  /** The code fence open at `end`. */
  readonly fence: Fence | null;
}

/** Throws a RangeError unless `limit` is an integer of at least MIN_CHUNK_LIMIT. */
export function assertChunkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < MIN_CHUNK_LIMIT) {
    throw new RangeError(
      `Cannot split text into chunks of at most ${limit} characters: the limit must be an integer of at least ${MIN_CHUNK_LIMIT}`,
    );
  }
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
      if (lineStart >= 0) {
        fence = applyFenceLine(fence, text, lineStart, i, limit);
      }
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
    contentEnd = new GraphemeBoundaries(text, cur.start, end).atOrAfter(
      contentEnd,
    );
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
  const fit = (spans: readonly number[]) => {
    let e = Math.min(horizon, cur.start + room);
    for (;;) {
      const max = ceiling(e);
      if (e > max) {
        e = max;
        continue;
      }
      const safe = safeBefore(text, e, lo, spans, graphemes, horizon);
      if (safe === e || safe < 0) return safe;
      e = safe;
    }
  };
  // A URL or token larger than the room is cut at a grapheme boundary.
  let e = fit(scan.spans);
  if (e < 0) e = fit([]);
  if (e < 0) {
    // So is a single grapheme: cut it at a code point.
    e = Math.min(horizon, cur.start + room);
    while (e > ceiling(e)) e = ceiling(e);
    if (
      e < horizon && isLowSurrogate(text.charCodeAt(e)) &&
      isHighSurrogate(text.charCodeAt(e - 1))
    ) e--;
    if (e <= lo) e = lo + (isHighSurrogate(text.charCodeAt(lo)) ? 2 : 1);
  }
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
