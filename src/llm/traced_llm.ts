/**
 * The LLM client with a span per chat request (`llm chat`) when tracing is
 * on: endpoint and model asked for, the endpoint and model that answered
 * (after any failover), time to first token, tokens in and out, attempts,
 * and a `first token` event. The span covers the whole stream and ends when
 * it ends, fails or is abandoned, read or not. With tracing off the client is returned
 * as it is.
 *
 * @module
 */

import { startSpan, tracingEnabled } from "../observability/tracing.ts";
import type { TraceSpan } from "../observability/tracing.ts";
import type { ChatEvent } from "./chat_types.ts";
import type { LlmClient } from "./llm_client.ts";

/** `client` with a span per `streamChat`; `client` itself when tracing is off. */
export function traceLlm(client: LlmClient): LlmClient {
  if (!tracingEnabled) return client;
  return {
    status: () => client.status(),
    reconfigure: (endpoints) => client.reconfigure(endpoints),
    streamChat(endpoint, request, options) {
      // Started at the call, so its parent is the stage that asked (the
      // stream itself is read later, by the stages after it).
      const span = startSpan("llm chat", {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": request.model,
        "gen_ai.request.max_tokens": request.max_tokens,
        "bot.llm.endpoint": endpoint,
        "bot.llm.messages": request.messages.length,
      });
      return tracedEvents(
        span,
        client.streamChat(endpoint, request, options),
      );
    },
  };
}

/**
 * `events` with `span` kept up to date and ended when the stream ends,
 * fails or is closed, also when it is closed (`return()`) before its first
 * event was asked for, when a generator's own `finally` would not run.
 */
export function tracedEvents(
  span: TraceSpan,
  events: AsyncGenerator<ChatEvent, void, undefined>,
): AsyncGenerator<ChatEvent, void, undefined> {
  const body = traced(span, events);
  let started = false;
  const closeUnstarted = async () => {
    started = true;
    span.end();
    await events.return();
  };
  const wrapper: AsyncGenerator<ChatEvent, void, undefined> = {
    next() {
      started = true;
      return body.next();
    },
    async return() {
      if (!started) await closeUnstarted();
      return body.return();
    },
    async throw(error: unknown) {
      if (!started) await closeUnstarted();
      return body.throw(error);
    },
    [Symbol.asyncIterator]: () => wrapper,
    [Symbol.asyncDispose]: async () => {
      await wrapper.return();
    },
  };
  return wrapper;
}

async function* traced(
  span: TraceSpan,
  events: AsyncGenerator<ChatEvent, void, undefined>,
): AsyncGenerator<ChatEvent, void, undefined> {
  let first = true;
  try {
    for await (const event of events) {
      if (event.type === "text" && first) {
        first = false;
        span.event("first token");
      } else if (event.type === "failover") {
        span.event("failover", { from: event.from, to: event.to });
      } else if (event.type === "done") {
        const { result } = event;
        span.set({
          "bot.llm.endpoint": result.endpoint,
          "gen_ai.response.model": result.model,
          "bot.llm.finish_reason": result.finish_reason,
          "gen_ai.usage.input_tokens": result.usage?.prompt_tokens,
          "gen_ai.usage.output_tokens": result.usage?.completion_tokens,
          "bot.llm.time_to_first_token_ms": result.timing.first_token_ms,
          "bot.llm.queued_ms": result.timing.queued_ms,
          "bot.llm.attempts": result.attempts,
        });
      }
      yield event;
    }
  } catch (error) {
    span.fail(error);
    throw error;
  } finally {
    span.end();
  }
}
