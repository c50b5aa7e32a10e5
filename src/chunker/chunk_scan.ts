/**
 * One forward pass over the text a chunk may take: the places where it could
 * end (with their kind: paragraph, line, sentence, word), the fence open at
 * each, and the spans a cut must not fall inside (Discord tokens, URLs,
 * fence lines). The pass is linear in the window and reads nothing at or
 * after `horizon`.
 *
 * @module
 */

import {
  applyFenceLine,
  type Fence,
  mayCloseFence,
  startsFenceRun,
} from "./chunk_fence.ts";
import {
  discordTokenLength,
  endsSentence,
  isCjkSentenceGap,
  isWhitespace,
  startsUrl,
} from "./chunk_text.ts";

/** Cut kinds, best first. */
export const PARAGRAPH = 0;
/** A single line break. */
export const LINE = 1;
/** After a sentence's terminal mark. */
export const SENTENCE = 2;
/** Whitespace between words. */
export const WORD = 3;

/** Where a chunk starts, and what is open there. */
export interface Cursor {
  /** Index of the chunk's first code unit (content or a line's indentation). */
  readonly start: number;
  /** The code fence open at `start`, reopened at the top of the chunk. */
  readonly fence: Fence | null;
  /** Whether `start` begins a line, so that a fence line there counts. */
  readonly atLineStart: boolean;
}

/** What one pass over a chunk's window found. */
export interface WindowScan {
  /** Possible chunk ends (exclusive, content before, whitespace after), ascending. */
  readonly ends: number[];
  /** The kind of each end: PARAGRAPH, LINE, SENTENCE or WORD. */
  readonly kinds: number[];
  /** The fence open at each end, as closing the chunk there would find it. */
  readonly fences: (Fence | null)[];
  /** Protected spans as flat [start, end) pairs, ascending by start. */
  readonly spans: number[];
  /** Newline positions where the fence state changed, ascending. */
  readonly events: number[];
  /** The fence state after each event. */
  readonly eventFences: (Fence | null)[];
  /** Index of the first non-whitespace code unit at or after the start. */
  firstContent: number;
}

const LF = 0x0a;
const LT = 0x3c;
const BACKTICK = 0x60;
const TILDE = 0x7e;

/**
 * Scans from `cur.start` for ends up to `maxEnd`, reading on (below
 * `horizon`) only to finish what started before `maxEnd`: a whitespace run,
 * a URL, a fence line. Ends whose chunk would exceed `limit` with the
 * reopened and closing fence lines are left out, as are ends right after a
 * fence opener, right before the line that closes the fence, and right
 * before text that would read as a fence at the top of the next chunk.
 */
export function scanWindow(
  text: string,
  cur: Cursor,
  maxEnd: number,
  horizon: number,
  limit: number,
): WindowScan {
  const scan: WindowScan = {
    ends: [],
    kinds: [],
    fences: [],
    spans: [],
    events: [],
    eventFences: [],
    firstContent: -1,
  };
  const start = cur.start;
  const room = limit - (cur.fence?.reopen.length ?? 0);
  const spans = scan.spans;
  let fence = cur.fence;
  let lineStart = cur.atLineStart ? start : -1;
  let lineHasContent = false;
  let lastContentEnd = start;
  let fenceSpan = -1;
  let urlSpan = -1;
  let runStart = -1;
  let newlines = 0;
  let openedAt = -1;
  let closedAt = -1;
  let prevContent = false;

  function emit(e: number, breaks: number, next: number): void {
    let kind = breaks >= 2
      ? PARAGRAPH
      : breaks === 1
      ? LINE
      : endsSentence(text, e, start)
      ? SENTENCE
      : WORD;
    if (breaks > 0 && closedAt >= e && closedAt < next) kind = PARAGRAPH;
    if (fence !== null) {
      if (openedAt >= e && openedAt < next) return;
      if (
        breaks > 0 && fence.close !== "" &&
        mayCloseFence(text, next, horizon, fence)
      ) return;
    }
    if (breaks === 0 && startsFenceRun(text, next, horizon)) return;
    if (e - start + (fence?.close.length ?? 0) > room) return;
    scan.ends.push(e);
    scan.kinds.push(kind);
    scan.fences.push(fence);
  }

  let i = start;
  for (; i < horizon; i++) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      if (urlSpan >= 0) {
        spans[urlSpan + 1] = i;
        urlSpan = -1;
      }
      if (prevContent && i <= maxEnd) {
        runStart = i;
        newlines = 0;
      }
      prevContent = false;
      if (c !== LF) continue;
      if (runStart >= 0) newlines++;
      if (lineStart >= 0) {
        const before = fence;
        fence = applyFenceLine(fence, text, lineStart, i, limit);
        if (fence !== before) {
          scan.events.push(i);
          scan.eventFences.push(fence);
          if (fence === null) closedAt = i;
          else openedAt = i;
        }
      }
      if (fenceSpan >= 0) {
        spans[fenceSpan + 1] = lastContentEnd;
        fenceSpan = -1;
      }
      lineStart = i + 1;
      lineHasContent = false;
      continue;
    }
    if (runStart >= 0) {
      emit(runStart, newlines, i);
      runStart = -1;
    }
    if (i >= maxEnd && urlSpan < 0 && fenceSpan < 0) break;
    if (scan.firstContent < 0) scan.firstContent = i;
    if (!lineHasContent) {
      lineHasContent = true;
      if (
        lineStart >= 0 && i < maxEnd && (c === BACKTICK || c === TILDE) &&
        startsFenceRun(text, i, horizon)
      ) {
        fenceSpan = spans.length;
        spans.push(i, horizon);
      }
    }
    if (i < maxEnd) {
      if (c === LT) {
        const length = discordTokenLength(text, i, horizon);
        if (length > 0) spans.push(i, i + length);
      } else if (
        (c | 0x20) === 0x68 && urlSpan < 0 && startsUrl(text, i, horizon)
      ) {
        urlSpan = spans.length;
        spans.push(i, horizon);
      } else if (prevContent && isCjkSentenceGap(text, i)) {
        emit(i, 0, i);
      }
    }
    lastContentEnd = i + 1;
    prevContent = true;
  }
  if (runStart >= 0) emit(runStart, newlines, i);
  return scan;
}

/** The fence open at a position `e` in the middle of a line, from the scan's events. */
export function fenceAt(
  scan: WindowScan,
  e: number,
  initial: Fence | null,
): Fence | null {
  for (let k = scan.events.length - 1; k >= 0; k--) {
    if ((scan.events[k] ?? 0) < e) return scan.eventFences[k] ?? null;
  }
  return initial;
}

/**
 * The start of the outermost protected span that `e` falls strictly inside,
 * or -1 when a cut at `e` splits none.
 */
export function protectedSpanAround(
  spans: readonly number[],
  e: number,
): number {
  for (let k = 0; k < spans.length; k += 2) {
    const from = spans[k] ?? 0;
    if (from >= e) break;
    if ((spans[k + 1] ?? 0) > e) return from;
  }
  return -1;
}
