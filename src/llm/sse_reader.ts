/**
 * Reads a response body as server-sent events, one network read at a time.
 * UTF-8 is decoded across reads (an emoji split in two reads stays whole)
 * and only the stream's leading BOM is dropped. A byte stream (what `fetch`
 * gives) is read into one reused buffer (a BYOB reader): Deno's default
 * reader allocates a fresh 64 KiB buffer for every read, which costs CPU,
 * garbage and resident memory at hundreds of streams a second. Other
 * streams are read with the default reader.
 *
 * @module
 */

import { SseParser } from "./sse_parser.ts";
import type { SseEvent, SseOddLine } from "./sse_parser.ts";

/** Bytes asked for per read; an SSE chunk of a chat reply is a few hundred. */
const READ_BYTES = 8 * 1024;

/**
 * Read buffers of finished streams, for the next ones: allocating (and
 * zeroing, and later collecting) one per stream costs more than reading.
 */
const spareBuffers: ArrayBuffer[] = [];
const SPARE_BUFFERS_KEPT = 128;

/** What one network read completed. */
export type SseItem = SseEvent | SseOddLine;

/** Reads SSE from a byte stream; see the module doc. */
export class SseReader {
  readonly #onRead: () => void;
  // Deno's streaming TextDecoder also drops a U+FEFF that starts a later
  // read: keep every BOM and strip only the stream's leading one here.
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  readonly #parser = new SseParser();
  readonly #byob: ReadableStreamBYOBReader | null;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | null;
  #buffer: ArrayBuffer | null = null;
  #atStart = true;
  #ended = false;
  #closed = false;

  /** `onRead` is called after every network read, before its items are parsed. */
  constructor(body: ReadableStream<Uint8Array>, onRead: () => void = noop) {
    this.#onRead = onRead;
    let byob: ReadableStreamBYOBReader | null = null;
    try {
      byob = body.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream (a stream built in JavaScript): the default reader.
    }
    this.#byob = byob;
    this.#reader = byob === null ? body.getReader() : null;
  }

  /**
   * Reads once from the network and appends the completed items to `out`
   * (possibly none). Returns false when the stream has ended; its last items
   * are then in `out`. Throws what the body throws.
   */
  async read(out: SseItem[]): Promise<boolean> {
    if (this.#ended) return false;
    let result: ReadableStreamReadResult<Uint8Array>;
    if (this.#byob !== null) {
      // The buffer is handed to the stream and comes back in `value`.
      const buffer = this.#buffer ?? spareBuffers.pop() ??
        new ArrayBuffer(READ_BYTES);
      this.#buffer = null;
      result = await this.#byob.read(new Uint8Array(buffer));
      if (result.value !== undefined) {
        this.#buffer = result.value.buffer as ArrayBuffer;
      }
    } else {
      result = await (this.#reader as ReadableStreamDefaultReader<Uint8Array>)
        .read();
    }
    if (result.done) {
      this.#ended = true;
      this.#spare();
      const tail = this.#decoded(this.#decoder.decode());
      if (tail !== "") this.#parser.pushInto(tail, out);
      for (const item of this.#parser.end()) out.push(item);
      return false;
    }
    this.#onRead();
    const text = this.#decoded(
      this.#decoder.decode(result.value, { stream: true }),
    );
    this.#parser.pushInto(text, out);
    return true;
  }

  /**
   * Cancels the body unless it was read to its end; more calls are
   * harmless. The body stays locked: nothing else reads it, and releasing a
   * reader costs an error object.
   */
  async close(): Promise<void> {
    if (this.#closed || this.#ended) return;
    this.#closed = true;
    // No read is pending (reads are awaited one at a time): the buffer is free.
    this.#spare();
    await (this.#byob ?? this.#reader)?.cancel().catch(() => {});
  }

  /** Gives the read buffer back for other streams (nothing reads into it now). */
  #spare(): void {
    const buffer = this.#buffer;
    this.#buffer = null;
    if (buffer !== null && spareBuffers.length < SPARE_BUFFERS_KEPT) {
      spareBuffers.push(buffer);
    }
  }

  #decoded(piece: string): string {
    if (!this.#atStart || piece === "") return piece;
    this.#atStart = false;
    return piece.charCodeAt(0) === 0xfeff ? piece.slice(1) : piece;
  }
}

function noop(): void {}

/**
 * The items of a byte stream in order, as an async iterator (one `SseReader`
 * underneath). `onRead` is called after every network read, before its
 * items, so the caller can reset an idle timer.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  onRead: () => void = noop,
): AsyncGenerator<SseItem> {
  const reader = new SseReader(body, onRead);
  const items: SseItem[] = [];
  try {
    let more = true;
    while (more) {
      more = await reader.read(items);
      for (const item of items) yield item;
      items.length = 0;
    }
  } finally {
    await reader.close();
  }
}
