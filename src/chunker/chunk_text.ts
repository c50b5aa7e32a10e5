/**
 * Character-level facts the chunker relies on: whitespace, surrogates,
 * grapheme cluster boundaries (found by segmenting a little text around the
 * asked position, never the whole message), sentence ends, and the Discord
 * tokens and URLs that a cut must not fall inside.
 *
 * Every function reads `text` only below the `end` it is given, so that a
 * decision made on a growing stream equals the one made on the whole text.
 *
 * @module
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

const LF = 0x0a;
const CR = 0x0d;
/** How far back a local grapheme look-up searches for a certain boundary. */
const LOCAL_WINDOW = 64;

/** Whether a UTF-16 code unit is whitespace as `String.prototype.trim` sees it. */
export function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) || code === 0x2028 ||
    code === 0x2029 || code === 0x202f || code === 0x205f ||
    code === 0x3000 || code === 0xfeff;
}

/** Whether a UTF-16 code unit is the first half of a surrogate pair. */
export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Whether a UTF-16 code unit is the second half of a surrogate pair. */
export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Whether `pos` is certainly a grapheme boundary from the two code units
 * around it alone (true for most Latin text, line breaks and spaces); false
 * means "ask the segmenter", not "no boundary".
 */
export function isQuickBoundary(text: string, pos: number): boolean {
  const a = text.charCodeAt(pos - 1);
  const b = text.charCodeAt(pos);
  if (b === LF) return a !== CR;
  if (a === LF || a === CR) return true;
  if (a < 0x300 && b < 0x300) return true;
  // Nothing below U+0600 is Prepend, and no whitespace extends a cluster.
  return a < 0x600 && isWhitespace(b);
}

/**
 * Grapheme cluster boundaries of `text` between `lo`, a position known to be
 * a boundary, and `hi`, the end of what may be read. Each question segments
 * the few code units after the nearest certain boundary; only when none is
 * near (long runs of combining marks, flags, scripts without ASCII) is the
 * whole range segmented, once.
 */
export class GraphemeBoundaries {
  readonly #text: string;
  readonly #lo: number;
  readonly #hi: number;
  #flags: Uint8Array | null = null;

  /** Prepares look-ups in `text` between the boundary `lo` and the read limit `hi`. */
  constructor(text: string, lo: number, hi: number) {
    this.#text = text;
    this.#lo = lo;
    this.#hi = hi;
  }

  /** The last grapheme boundary at or before `pos`, and never before `lo`. */
  atOrBefore(pos: number): number {
    const text = this.#text;
    const lo = this.#lo;
    if (pos <= lo) return lo;
    if (pos >= this.#hi) return this.#hi;
    if (isQuickBoundary(text, pos)) return pos;
    let x = pos - 1;
    const floor = pos - LOCAL_WINDOW;
    while (x > lo && x > floor && !isQuickBoundary(text, x)) x--;
    if (x > lo && !isQuickBoundary(text, x)) return this.#fromWhole(pos);
    let best = x;
    const local = text.slice(x, Math.min(this.#hi, pos + 2));
    for (const { index } of segmenter.segment(local)) {
      if (x + index > pos) break;
      best = x + index;
    }
    return best;
  }

  /** The first grapheme boundary at or after `pos` (at most `hi`). */
  atOrAfter(pos: number): number {
    if (pos >= this.#hi) return this.#hi;
    const before = this.atOrBefore(pos);
    if (before === pos) return pos;
    const rest = this.#text.slice(before, this.#hi);
    for (const { index } of segmenter.segment(rest)) {
      if (before + index >= pos) return before + index;
    }
    return this.#hi;
  }

  #fromWhole(pos: number): number {
    const lo = this.#lo;
    if (this.#flags === null) {
      this.#flags = new Uint8Array(this.#hi - lo + 1);
      for (
        const { index } of segmenter.segment(this.#text.slice(lo, this.#hi))
      ) {
        this.#flags[index] = 1;
      }
    }
    let at = pos - lo;
    while (at > 0 && this.#flags[at] !== 1) at--;
    return lo + at;
  }
}

const TERMINALS = new Set([
  0x21, // !
  0x2e, // .
  0x3f, // ?
  0x061f, // Arabic question mark
  0x06d4, // Arabic full stop
  0x0964, // Devanagari danda
  0x0965, // Devanagari double danda
  0x2026, // …
  0x3002, // 。
  0xff01, // ！
  0xff1f, // ？
]);
const CLOSERS = new Set([
  0x22,
  0x27,
  0x29,
  0x2a,
  0x5d,
  0x5f,
  0x60,
  0x7d,
  0xbb,
  0x2019,
  0x201d,
  0x300d,
  0x300f,
  0xff09,
]);
const CJK_TERMINALS = new Set([0x3002, 0xff01, 0xff1f]);

/**
 * Whether the text before `e` ends a sentence: a terminal mark, possibly
 * followed by one closing quote, bracket or emphasis mark. Reads no further
 * back than `lo`.
 */
export function endsSentence(text: string, e: number, lo: number): boolean {
  if (e - 1 < lo) return false;
  const last = text.charCodeAt(e - 1);
  if (TERMINALS.has(last)) return true;
  return CLOSERS.has(last) && e - 2 >= lo &&
    TERMINALS.has(text.charCodeAt(e - 2));
}

/**
 * Whether a sentence may end between `i - 1` and `i` without any space, as
 * in Chinese and Japanese: after 。！？ and before anything but a closer.
 */
export function isCjkSentenceGap(text: string, i: number): boolean {
  return CJK_TERMINALS.has(text.charCodeAt(i - 1)) &&
    !CLOSERS.has(text.charCodeAt(i));
}

/** The longest Discord token the chunker recognises, in code units. */
export const MAX_TOKEN_LENGTH = 96;

const DISCORD_TOKEN = new RegExp(
  "^<(?:@[!&]?\\d{1,20}" + // user and role mentions
    "|#\\d{1,20}" + // channels
    "|a?:\\w{1,32}:\\d{1,20}" + // custom emoji
    "|t:-?\\d{1,16}(?::[tTdDfFRs])?" + // timestamps
    "|/[^\\s<>:][^<>:\\n]{0,63}:\\d{1,20}" + // slash command mentions
    "|id:[a-z]{1,16})>", // guild navigation
);

/**
 * The length of the Discord token (mention, custom emoji, timestamp, slash
 * command) starting at `i`, or 0 when there is none. Reads below `end` only.
 */
export function discordTokenLength(
  text: string,
  i: number,
  end: number,
): number {
  const head = text.slice(i, Math.min(end, i + MAX_TOKEN_LENGTH));
  const match = DISCORD_TOKEN.exec(head);
  return match === null ? 0 : match[0].length;
}

/** Whether `http://` or `https://` (any case) starts at `i`, reading below `end` only. */
export function startsUrl(text: string, i: number, end: number): boolean {
  if (i + 7 > end) return false;
  if (
    (text.charCodeAt(i) | 0x20) !== 0x68 ||
    (text.charCodeAt(i + 1) | 0x20) !== 0x74 ||
    (text.charCodeAt(i + 2) | 0x20) !== 0x74 ||
    (text.charCodeAt(i + 3) | 0x20) !== 0x70
  ) return false;
  let j = i + 4;
  if ((text.charCodeAt(j) | 0x20) === 0x73) j++;
  return j + 3 <= end && text.charCodeAt(j) === 0x3a &&
    text.charCodeAt(j + 1) === 0x2f && text.charCodeAt(j + 2) === 0x2f;
}
