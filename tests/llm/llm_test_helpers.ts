/**
 * Shared pieces of the LLM client tests: endpoint and request builders with
 * short timeouts, a recording logger, and a collector for event streams.
 *
 * @module
 */

import type { ChatEvent, ChatRequest } from "../../src/llm/chat_types.ts";
import type { EndpointSettings } from "../../src/llm/endpoint_settings.ts";
import { LlmError } from "../../src/llm/llm_error.ts";
import type { LlmLogger } from "../../src/llm/logger.ts";
import type { BackoffSettings } from "../../src/llm/timers.ts";

/** An endpoint for `baseUrl` with test-sized timeouts, changed by `overrides`. */
export function endpoint(
  baseUrl: string,
  overrides: Partial<EndpointSettings> = {},
): EndpointSettings {
  return {
    base_url: baseUrl,
    api_key: "",
    headers: {},
    timeout: { first_token: 2000, idle: 2000, total: 5000 },
    max_concurrency: 4,
    max_queue: 32,
    queue_timeout: 2000,
    retries: 2,
    tokenizer: "estimate",
    ...overrides,
  };
}

/** A one-message request for `test-model`, changed by `overrides`. */
export function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "test-model",
    extra: {},
    stream: true,
    messages: [{ role: "user", content: "hello there" }],
    ...overrides,
  };
}

/** Backoff small enough for tests. */
export const FAST_BACKOFF: BackoffSettings = {
  base_ms: 4,
  max_ms: 20,
  max_retry_after_ms: 500,
};

/** A logger that keeps every line, rendered with its properties. */
export interface RecordingLogger extends LlmLogger {
  lines: string[];
}

/** Creates a logger that records instead of printing. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string, properties: Record<string, unknown> = {}) => {
      lines.push(`${level} ${message} ${JSON.stringify(properties)}`);
    };
  return {
    lines,
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

/** Everything a stream produced: its events and, if it failed, the error. */
export interface Collected {
  events: ChatEvent[];
  text: string;
  reasoning: string;
  error: LlmError | undefined;
}

/** Drains an event stream; an `LlmError` is captured, anything else rethrown. */
export async function collect(
  stream: AsyncIterable<ChatEvent>,
): Promise<Collected> {
  const out: Collected = {
    events: [],
    text: "",
    reasoning: "",
    error: undefined,
  };
  try {
    for await (const event of stream) {
      out.events.push(event);
      if (event.type === "text") out.text += event.text;
      if (event.type === "reasoning") out.reasoning += event.text;
    }
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    out.error = error;
  }
  return out;
}

/** The `done` event's result, failing the test when there is none. */
export function doneOf(collected: Collected) {
  const done = collected.events.find((e) => e.type === "done");
  if (done?.type !== "done") {
    throw new Error(
      `the stream ended without done: ${
        collected.error?.message ?? "no error"
      }`,
    );
  }
  return done.result;
}

/** The types of the events, in order, with runs of text/reasoning collapsed. */
export function eventTypes(events: readonly ChatEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    if (
      out.at(-1) !== event.type || !["text", "reasoning"].includes(event.type)
    ) {
      out.push(event.type);
    }
  }
  return out;
}
