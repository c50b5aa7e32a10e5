/** The `llm chat` span of a stream ends however the stream ends, read or not. */
import assert from "node:assert/strict";
import type { ChatEvent } from "../../src/llm/chat_types.ts";
import { tracedEvents } from "../../src/llm/traced_llm.ts";
import type { TraceSpan } from "../../src/observability/tracing.ts";

function recordingSpan(): TraceSpan & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    set: () => log.push("set"),
    event: (name) => log.push(`event ${name}`),
    fail: () => log.push("fail"),
    end: () => log.push("end"),
  };
}

async function* reply(
  closed: { value: boolean },
  fail = false,
): AsyncGenerator<ChatEvent, void, undefined> {
  try {
    yield { type: "text", text: "Hi" };
    if (fail) throw new Error("connection reset");
    yield { type: "text", text: "!" };
  } finally {
    closed.value = true;
  }
}

Deno.test("tracedEvents() passes the events on and ends the span once at the end", async () => {
  const span = recordingSpan();
  const texts: string[] = [];
  for await (const event of tracedEvents(span, reply({ value: false }))) {
    if (event.type === "text") texts.push(event.text);
  }
  assert.deepEqual(texts, ["Hi", "!"]);
  assert.deepEqual(span.log, ["event first token", "end"]);
});

Deno.test("tracedEvents() marks the span failed and ends it when the stream fails", async () => {
  const span = recordingSpan();
  await assert.rejects(async () => {
    for await (const _ of tracedEvents(span, reply({ value: false }, true))) {
      // reading on
    }
  }, /connection reset/);
  assert.deepEqual(span.log, ["event first token", "fail", "end"]);
});

Deno.test("tracedEvents() ends the span when the stream is closed before it was read", async () => {
  const span = recordingSpan();
  const closed = { value: false };
  const events = tracedEvents(span, reply(closed));
  await events.return();
  assert.deepEqual(span.log, ["end"]);
  assert.deepEqual(await events.next(), { done: true, value: undefined });
  assert.deepEqual(span.log, ["end"], "ended once");
});

Deno.test("tracedEvents() ends the span when the reader stops midway, and closes the stream", async () => {
  const span = recordingSpan();
  const closed = { value: false };
  for await (const _ of tracedEvents(span, reply(closed))) break;
  assert.equal(closed.value, true);
  assert.deepEqual(span.log, ["event first token", "end"]);
});
