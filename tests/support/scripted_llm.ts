/**
 * An in-process stand-in for the LLM client, for tests of ordering and
 * shutdown where HTTP adds nothing: it answers `reply to: <last user text>`
 * after a few turns of the event loop, honours cancellation, and records
 * every request it was given.
 */
import type { ChatEvent, ChatRequest } from "../../src/llm/chat_types.ts";
import type { LlmClient, StreamChatOptions } from "../../src/llm/llm_client.ts";
import { LlmError } from "../../src/llm/llm_error.ts";

/** A recorded call. */
export interface ScriptedCall {
  endpoint: string;
  request: ChatRequest;
}

/** The fake client. `hold` makes every reply wait until `release()` is called. */
export class ScriptedLlm implements Pick<LlmClient, "streamChat"> {
  readonly calls: ScriptedCall[] = [];
  hold = false;
  #waiters: (() => void)[] = [];
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Lets every held reply continue. */
  release(): void {
    this.hold = false;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async *streamChat(
    endpoint: string,
    request: ChatRequest,
    options: StreamChatOptions = {},
  ): AsyncGenerator<ChatEvent, void, undefined> {
    this.calls.push({ endpoint, request });
    const signal = options.signal;
    if (this.hold) {
      await new Promise<void>((resolve, reject) => {
        this.#waiters.push(resolve);
        signal?.addEventListener(
          "abort",
          () =>
            reject(new LlmError("cancelled", { kind: "cancelled", endpoint })),
          { once: true },
        );
      });
    }
    const spins = Math.floor(this.#random() * 5);
    for (let i = 0; i < spins; i++) await Promise.resolve();
    const last =
      [...request.messages].reverse().find((m) => m.role === "user")?.content ??
        "";
    // Consecutive user messages arrive merged: answer the newest part.
    const text = `reply to: ${last.split(/\n\n(?=[^\n]+: )/).at(-1)}`;
    yield { type: "text", text: text.slice(0, 5) };
    yield { type: "text", text: text.slice(5) };
    yield {
      type: "done",
      result: {
        endpoint,
        model: request.model,
        finish_reason: "stop",
        usage: null,
        text,
        reasoning: "",
        attempts: 1,
        timing: { queued_ms: 0, first_token_ms: 0, total_ms: 0 },
      },
    };
  }
}
