/**
 * A server-sent events parser that takes text in arbitrary pieces, as the
 * network delivers it: lines may end in LF, CRLF or CR (also a CR at the end
 * of one piece and its LF at the start of the next), comment lines
 * (`: keep-alive`) are skipped, multi-line `data:` is joined with "\n".
 * llama.cpp's server also writes a non-standard `error: {…}` line, which
 * becomes an event of type `"error"`.
 *
 * @module
 */

/** One dispatched event. */
export interface SseEvent {
  kind: "event";
  /** `"message"` unless an `event:` field (or llama.cpp's `error:`) said otherwise. */
  type: string;
  /** The data lines joined with "\n". */
  data: string;
}

/** A line that is neither a known field, a comment, nor blank. */
export interface SseOddLine {
  kind: "odd_line";
  line: string;
}

/**
 * Incremental parser: `push()` text as it arrives and take the completed
 * events; `end()` when the stream ends to get an event whose blank line
 * never came. Lines that carry no SSE field (`<html>`, random bytes) are
 * returned as `odd_line` so the caller can decide; the spec ignores them.
 */
export class SseParser {
  #buffer = "";
  #skipLeadingLf = false;
  #data: string[] = [];
  #type = "";

  /** Feeds a piece of text; returns the events and odd lines completed by it. */
  push(text: string): Array<SseEvent | SseOddLine> {
    // An empty piece must not forget a CR whose LF may start the next one.
    if (text === "") return [];
    let input = text;
    if (this.#skipLeadingLf && input.startsWith("\n")) input = input.slice(1);
    this.#skipLeadingLf = false;
    this.#buffer += input;
    const out: Array<SseEvent | SseOddLine> = [];
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const char = this.#buffer.charCodeAt(i);
      if (char !== 10 && char !== 13) continue;
      this.#line(this.#buffer.slice(start, i), out);
      if (char === 13) {
        if (i + 1 === this.#buffer.length) this.#skipLeadingLf = true;
        else if (this.#buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  /** Ends the stream: a last unterminated line and an undispatched event are returned. */
  end(): Array<SseEvent | SseOddLine> {
    const out: Array<SseEvent | SseOddLine> = [];
    if (this.#buffer !== "") this.#line(this.#buffer, out);
    this.#buffer = "";
    this.#line("", out);
    return out;
  }

  #line(line: string, out: Array<SseEvent | SseOddLine>): void {
    if (line === "") {
      if (this.#data.length > 0) {
        out.push({
          kind: "event",
          type: this.#type || "message",
          data: this.#data.join("\n"),
        });
      }
      this.#data = [];
      this.#type = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.#data.push(value);
        return;
      case "event":
        this.#type = value;
        return;
      case "error":
        this.#type = "error";
        this.#data.push(value);
        return;
      case "id":
      case "retry":
        return;
      default:
        out.push({ kind: "odd_line", line });
    }
  }
}

/**
 * Reads a byte stream as SSE: UTF-8 is decoded across read boundaries (an
 * emoji split in two reads stays whole), and the events are yielded in
 * order. `onRead` is called after every network read, before its events,
 * so the caller can reset an idle timer.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  onRead: () => void = () => {},
): AsyncGenerator<SseEvent | SseOddLine> {
  // Deno's streaming TextDecoder also drops a U+FEFF that starts a later
  // read: keep every BOM and strip only the stream's leading one here.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const parser = new SseParser();
  const reader = body.getReader();
  let atStart = true;
  const decoded = (piece: string) => {
    if (!atStart || piece === "") return piece;
    atStart = false;
    return piece.startsWith("\ufeff") ? piece.slice(1) : piece;
  };
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      onRead();
      yield* parser.push(decoded(decoder.decode(value, { stream: true })));
    }
    const tail = decoded(decoder.decode());
    if (tail !== "") yield* parser.push(tail);
    yield* parser.end();
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
