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
  /** The data lines of the event being read: none, one, or several. */
  #data: string | string[] | null = null;
  #type = "";

  /** Feeds a piece of text; returns the events and odd lines completed by it. */
  push(text: string): Array<SseEvent | SseOddLine> {
    const out: Array<SseEvent | SseOddLine> = [];
    this.pushInto(text, out);
    return out;
  }

  /** Like `push()`, appending to `out` instead of returning a new array. */
  pushInto(text: string, out: Array<SseEvent | SseOddLine>): void {
    // An empty piece must not forget a CR whose LF may start the next one.
    if (text === "") return;
    let buffer = this.#buffer;
    let i = buffer.length;
    if (this.#skipLeadingLf && text.charCodeAt(0) === 10) {
      buffer += text.slice(1);
    } else buffer += text;
    this.#skipLeadingLf = false;
    // The held part has no line end: scan only what is new.
    let start = 0;
    const n = buffer.length;
    for (; i < n; i++) {
      const char = buffer.charCodeAt(i);
      if (char !== 10 && char !== 13) continue;
      this.#line(buffer.slice(start, i), out);
      if (char === 13) {
        if (i + 1 === n) this.#skipLeadingLf = true;
        else if (buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.#buffer = start === 0 ? buffer : buffer.slice(start);
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
      if (this.#data !== null) {
        out.push({
          kind: "event",
          type: this.#type || "message",
          data: typeof this.#data === "string"
            ? this.#data
            : this.#data.join("\n"),
        });
      }
      this.#data = null;
      this.#type = "";
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" starts a comment
    // The common line first: `data: …`.
    if (line.startsWith("data:")) {
      this.#addData(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.#addData(value);
        return;
      case "event":
        this.#type = value;
        return;
      case "error":
        this.#type = "error";
        this.#addData(value);
        return;
      case "id":
      case "retry":
        return;
      default:
        out.push({ kind: "odd_line", line });
    }
  }

  /** One data line; an array only when an event has several. */
  #addData(value: string): void {
    if (this.#data === null) this.#data = value;
    else if (typeof this.#data === "string") this.#data = [this.#data, value];
    else this.#data.push(value);
  }
}
