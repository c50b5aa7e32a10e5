/**
 * Turns the completion pieces of an attempt into the reply's events: text
 * and reasoning separated (a reasoning field, or `<think>` tags in the
 * text, also when split across chunks), added to the reply's progress, and
 * how the reply ended (finish reason, usage, model).
 *
 * @module
 */

import type { ChatEvent, Usage } from "./chat_types.ts";
import type { CompletionPiece } from "./chunk_parser.ts";
import { ThinkSplitter } from "./think_splitter.ts";

/** What a reply has produced so far, shared across retries and endpoints. */
export interface ReplyProgress {
  queued_ms: number;
  attempts: number;
  /** `timers.now()` when the first text or reasoning went out, or null. */
  first_token_at: number | null;
  text: string;
  reasoning: string;
  /** How the reply ended, once an endpoint has given it. */
  outcome: EndpointOutcome | null;
}

/** How the reply ended on the endpoint that gave it. */
export interface EndpointOutcome {
  finish_reason: string | null;
  usage: Usage | null;
  model: string | null;
}

/** One attempt's pieces in, events out; see the module doc. */
export class ReplyAssembler {
  /** How the attempt has ended so far (the last values the server sent). */
  readonly outcome: EndpointOutcome = {
    finish_reason: null,
    usage: null,
    model: null,
  };
  readonly #splitter = new ThinkSplitter();
  readonly #progress: ReplyProgress;
  readonly #now: () => number;

  /** `now` stamps the first token in `progress`. */
  constructor(progress: ReplyProgress, now: () => number) {
    this.#progress = progress;
    this.#now = now;
  }

  /** The events of some pieces, in order (possibly none). */
  push(pieces: readonly CompletionPiece[]): ChatEvent[] {
    const events: ChatEvent[] = [];
    const outcome = this.outcome;
    for (const piece of pieces) {
      outcome.model = piece.model ?? outcome.model;
      outcome.finish_reason = piece.finish_reason ?? outcome.finish_reason;
      outcome.usage = piece.usage ?? outcome.usage;
      this.#emit(events, "reasoning", piece.reasoning);
      const split = this.#splitter.push(piece.content);
      this.#emit(events, "reasoning", split.reasoning);
      this.#emit(events, "text", split.text);
    }
    return events;
  }

  /** The events held back until the end (the start of what looked like a tag). */
  end(): ChatEvent[] {
    const events: ChatEvent[] = [];
    const tail = this.#splitter.end();
    this.#emit(events, "reasoning", tail.reasoning);
    this.#emit(events, "text", tail.text);
    return events;
  }

  #emit(events: ChatEvent[], type: "text" | "reasoning", delta: string): void {
    if (delta === "") return;
    const progress = this.#progress;
    progress.first_token_at ??= this.#now();
    if (type === "text") progress.text += delta;
    else progress.reasoning += delta;
    events.push({ type, text: delta });
  }
}
