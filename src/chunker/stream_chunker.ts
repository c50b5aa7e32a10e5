/**
 * Chunks a reply while it streams in: earlier chunks are final, the last one
 * still grows. The chunks it settles on are exactly `splitMessage()` of the
 * whole text, with every invariant described in `chunker.ts`.
 *
 * A chunk becomes final once `limit + LOOKAHEAD` code units after its start
 * have arrived (the lookahead lets it see whether a URL, token or grapheme
 * runs past the cut), so `push()` does amortised O(delta) work: it only
 * stores deltas until a decision is due, and keeps no text before the
 * current chunk. The growing last chunk is kept up to date in O(delta) as
 * well (only once it outgrows the limit is its cut previewed, once per
 * chunk), so reading `chunks` after every push costs O(number of chunks).
 *
 * @module
 */

import {
  assertChunkLimit,
  type Cut,
  cutChunk,
  decideChunk,
  lastChunk,
  LOOKAHEAD,
} from "./chunk_cut.ts";
import { cursorAfterGap, type Gap, openGap, readGap } from "./chunk_gap.ts";
import type { Fence } from "./chunk_fence.ts";
import type { Cursor } from "./chunk_scan.ts";
import { TailPreview } from "./chunk_tail.ts";
import { isHighSurrogate } from "./chunk_text.ts";
import { DISCORD_MESSAGE_LIMIT } from "./chunker.ts";

/** Text kept before the first non-whitespace of a gap (for indentation and graphemes). */
const GAP_KEEP = 80;

/**
 * Cuts a growing text into chunks of at most `limit` code units. Push text
 * as it arrives, read `chunks` (all but the last are final and never change;
 * the last may still grow), and call `finish()` at the end for the final
 * list, which equals `splitMessage(fullText, limit)`.
 */
export class StreamChunker {
  readonly #limit: number;
  readonly #final: string[] = [];
  /** Text not yet cut; index 0 is the current chunk's start or gap's kept text. */
  #text = "";
  #parts: string[] = [];
  #partsLength = 0;
  #gap: Gap | null = openGap(0, true);
  #cursor: Cursor | null = null;
  #fence: Fence | null = null;
  #tail: TailPreview | null = null;
  #overflow: string | null = null;
  #view: readonly string[] | null = null;
  #finished = false;

  /** Creates a chunker for messages of at most `limit` (at least 8) code units. */
  constructor(limit: number = DISCORD_MESSAGE_LIMIT) {
    assertChunkLimit(limit);
    this.#limit = limit;
  }

  /** Appends streamed text. Throws once `finish()` has been called. */
  push(delta: string): void {
    if (this.#finished) {
      throw new Error(
        "Cannot push text to a StreamChunker after finish(): its chunks are already final",
      );
    }
    if (delta.length === 0) return;
    this.#parts.push(delta);
    this.#partsLength += delta.length;
    this.#view = null;
    this.#tail?.feed(delta);
    this.#advance(false);
    if (this.#cursor !== null && this.#tail === null) {
      this.#tail = new TailPreview(this.#cursor, this.#limit);
      this.#tail.feed(this.#text.slice(this.#cursor.start));
      for (const part of this.#parts) this.#tail.feed(part);
    }
  }

  /** How many chunks are final; the chunks after them may still change. */
  get finalCount(): number {
    return this.#final.length;
  }

  /**
   * The chunks so far: the final ones, then (while not finished) the growing
   * last chunk, if the text after the last final chunk has any content.
   */
  get chunks(): readonly string[] {
    if (this.#view === null) {
      const pending = this.#finished ? null : this.#pending();
      this.#view = Object.freeze(
        pending === null ? [...this.#final] : [...this.#final, pending],
      );
    }
    return this.#view;
  }

  /** Ends the stream and returns the final chunks; later calls return them again. */
  finish(): string[] {
    if (!this.#finished) {
      this.#finished = true;
      this.#view = null;
      this.#advance(true);
    }
    return [...this.#final];
  }

  #advance(eof: boolean): void {
    const limit = this.#limit;
    for (;;) {
      if (this.#cursor === null) {
        const gap = this.#gap ?? openGap(0, false);
        this.#join();
        const state = readGap(this.#text, gap, this.#text.length, eof);
        if (state !== "ready") {
          if (state === "more") this.#trimGap(gap);
          return;
        }
        const found = cursorAfterGap(
          this.#text,
          gap,
          this.#text.length,
          this.#fence,
          limit,
        );
        this.#text = this.#text.slice(found.start);
        this.#cursor = { ...found, start: 0 };
        this.#gap = null;
        this.#tail = null;
        this.#overflow = null;
      }
      const available = this.#text.length + this.#partsLength;
      if (!eof && available <= limit + LOOKAHEAD) return;
      this.#join();
      const cut = decideChunk(
        this.#text,
        this.#cursor,
        this.#text.length,
        eof,
        limit,
      );
      if (cut === null) return;
      this.#final.push(cut.chunk);
      this.#fence = cut.fence;
      this.#gap = openGap(cut.end, false);
      this.#cursor = null;
      this.#tail = null;
    }
  }

  #join(): void {
    if (this.#parts.length === 0) return;
    this.#text += this.#parts.join("");
    this.#parts = [];
    this.#partsLength = 0;
  }

  /** Drops gap whitespace that can no longer matter, shifting the gap. */
  #trimGap(gap: Gap): void {
    const keep = Math.max(gap.from, gap.pos - GAP_KEEP);
    if (keep <= 0) return;
    this.#text = this.#text.slice(keep);
    gap.from -= keep;
    gap.pos -= keep;
    gap.lastBreak = gap.lastBreak >= keep ? gap.lastBreak - keep : -1;
  }

  #pending(): string | null {
    const cursor = this.#cursor;
    if (cursor === null) return null;
    const whole = this.#tail?.text() ?? null;
    if (whole !== null) return whole;
    this.#overflow ??= this.#previewCut(cursor);
    return this.#overflow;
  }

  /** The cut the text so far suggests, shown until the real one is decided. */
  #previewCut(cursor: Cursor): string | null {
    this.#join();
    const text = this.#text;
    let end = text.length;
    if (end > cursor.start && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    if (text.slice(cursor.start, end).trim() === "") return null;
    const cut: Cut = lastChunk(text, cursor, end, this.#limit) ??
      cutChunk(text, cursor, end, this.#limit);
    return cut.chunk;
  }
}
