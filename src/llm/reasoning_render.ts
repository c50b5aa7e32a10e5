/**
 * What Discord shows of a reply with reasoning, per persona setting:
 * `hide` shows the answer only; `show` puts the reasoning first as a quote
 * (`> 💭 …`); `spoiler` puts it first behind a spoiler (`💭 ||…||`) that a
 * reader clicks to reveal. The renderer works on a stream and only ever
 * appends: what it returned once is never changed, so the chunker can treat
 * earlier text as final. Trailing newlines of the reasoning are held back
 * until it is known whether more reasoning follows.
 *
 * @module
 */

import type { ReasoningMode } from "./endpoint_settings.ts";

/** A piece of a reply as the client streams it. */
export interface ReplyPiece {
  type: "text" | "reasoning";
  text: string;
}

/** Streaming renderer for one reply; feed pieces in order, then `end()`. */
export class ReasoningRenderer {
  readonly mode: ReasoningMode;
  #phase: "start" | "reasoning" | "text" = "start";
  #heldNewlines = 0;
  #trimText = true;

  constructor(mode: ReasoningMode) {
    this.mode = mode;
  }

  /** Returns the Discord text to append for one piece ("" when nothing shows yet). */
  push(piece: ReplyPiece): string {
    return piece.type === "reasoning"
      ? this.#reasoning(piece.text)
      : this.#text(piece.text);
  }

  /** Returns what closes the rendering (e.g. the spoiler's closing bars). */
  end(): string {
    return this.#closeReasoning(false);
  }

  #reasoning(raw: string): string {
    if (this.mode === "hide") return "";
    let out = "";
    let piece = raw;
    if (this.#phase !== "reasoning") {
      piece = piece.trimStart();
      if (piece === "") return "";
      out += this.#phase === "text" ? "\n\n" : "";
      out += this.mode === "show" ? "> 💭 " : "💭 ||";
      this.#phase = "reasoning";
      this.#heldNewlines = 0;
    }
    const body = piece.replace(/\n+$/, "");
    const trailing = piece.length - body.length;
    if (body === "") {
      this.#heldNewlines += trailing;
      return out;
    }
    out += this.#format("\n".repeat(this.#heldNewlines) + body);
    this.#heldNewlines = trailing;
    return out;
  }

  #format(reasoning: string): string {
    return this.mode === "show"
      ? reasoning.replaceAll(/\r?\n/g, "\n> ")
      : reasoning.replaceAll("|", "\\|");
  }

  #text(raw: string): string {
    let piece = raw;
    let out = "";
    if (this.#phase === "reasoning") {
      piece = piece.trimStart();
      if (piece === "") return "";
      out += this.#closeReasoning(true);
    }
    if (this.#trimText) {
      piece = piece.trimStart();
      if (piece === "") return out;
      this.#trimText = false;
    }
    this.#phase = "text";
    return out + piece;
  }

  #closeReasoning(textFollows: boolean): string {
    if (this.#phase !== "reasoning") return "";
    this.#heldNewlines = 0;
    this.#phase = "text";
    this.#trimText = true;
    const close = this.mode === "spoiler" ? "||" : "";
    return textFollows ? `${close}\n\n` : close;
  }
}

/** Renders a complete reply in one go (for non-streamed personas and stored replies). */
export function renderReply(
  text: string,
  reasoning: string,
  mode: ReasoningMode,
): string {
  const renderer = new ReasoningRenderer(mode);
  return renderer.push({ type: "reasoning", text: reasoning }) +
    renderer.push({ type: "text", text }) + renderer.end();
}
