import assert from "node:assert/strict";
import type { ChatEvent } from "../../src/llm/chat_types.ts";
import { createLlmClient } from "../../src/llm/llm_client.ts";
import { createTokenCounters } from "../../src/llm/token_counter.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import {
  chatRequest,
  collect,
  doneOf,
  endpoint,
  eventTypes,
  FAST_BACKOFF,
  recordingLogger,
} from "./llm_test_helpers.ts";

function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

function positions(events: readonly ChatEvent[]): number[] {
  return events.flatMap((e) => e.type === "queued" ? [e.position] : []);
}

Deno.test("streamChat() queues beyond max_concurrency, first come first served, telling positions", async () => {
  await using server = await startFakeLlmServer();
  const first = gate();
  server.script(
    { chunks: ["A"], gate: first.promise },
    { chunks: ["B"] },
    { chunks: ["C"] },
  );
  const waits: Array<[string, number]> = [];
  const client = createLlmClient(
    { local: endpoint(server.url, { max_concurrency: 1 }) },
    {
      logger: recordingLogger(),
      onQueueWait: (name, ms) => waits.push([name, ms]),
    },
  );
  const a = collect(client.streamChat("local", chatRequest()));
  await server.waitForChatRequests(1);
  const b = collect(client.streamChat("local", chatRequest()));
  const c = collect(client.streamChat("local", chatRequest()));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(client.status(), { local: { active: 1, waiting: 2 } });
  assert.equal(
    server.chatRequests().length,
    1,
    "the others wait in the bot, not at the server",
  );
  first.open();
  const [ga, gb, gc] = await Promise.all([a, b, c]);
  assert.deepEqual([ga.text, gb.text, gc.text], ["A", "B", "C"]);
  assert.deepEqual(positions(ga.events), []);
  assert.deepEqual(positions(gb.events), [1]);
  assert.deepEqual(positions(gc.events), [2, 1]);
  assert.ok(doneOf(gc).timing.queued_ms > 0);
  assert.deepEqual(client.status(), { local: { active: 0, waiting: 0 } });
  // Each request's wait is told once, when it gets its slot: B and C waited
  // at least the 20 ms A held the only slot.
  assert.deepEqual(waits.map(([name]) => name), ["local", "local", "local"]);
  assert.ok(waits.slice(1).every(([, ms]) => ms >= 20), JSON.stringify(waits));
});

Deno.test("streamChat() fails over to the fallback when the queue is full", async () => {
  await using primary = await startFakeLlmServer();
  await using backup = await startFakeLlmServer({ style: "vllm" });
  const hold = gate();
  primary.script({ chunks: ["primary"], gate: hold.promise });
  backup.script({ chunks: ["from backup"] });
  const client = createLlmClient({
    local: endpoint(primary.url, {
      max_concurrency: 1,
      max_queue: 0,
      fallback: "backup",
    }),
    backup: endpoint(backup.url),
  }, { logger: recordingLogger() });
  const busy = collect(client.streamChat("local", chatRequest()));
  await primary.waitForChatRequests(1);
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.text, "from backup");
  assert.deepEqual(eventTypes(got.events), ["failover", "text", "done"]);
  const failover = got.events[0];
  assert.ok(failover?.type === "failover");
  assert.equal(failover.error.kind, "saturated");
  assert.equal(doneOf(got).endpoint, "backup");
  hold.open();
  assert.equal((await busy).text, "primary");
});

Deno.test("streamChat() fails over when the primary fails before the first token", async () => {
  await using primary = await startFakeLlmServer();
  await using backup = await startFakeLlmServer({ style: "ollama" });
  primary.script({ status: 503 }, { status: 503 });
  const logger = recordingLogger();
  const client = createLlmClient({
    local: endpoint(primary.url, {
      retries: 1,
      fallback: "backup",
      api_key: "sk-primary-key",
    }),
    backup: endpoint(backup.url),
  }, { logger, backoff: FAST_BACKOFF });
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.text, "echo: hello there");
  assert.deepEqual(eventTypes(got.events), [
    "retry",
    "failover",
    "text",
    "done",
  ]);
  assert.equal(doneOf(got).endpoint, "backup");
  assert.equal(doneOf(got).attempts, 3);
  assert.ok(
    logger.lines.some((l) =>
      l.startsWith("warn") && l.includes("failing over")
    ),
  );
  assert.ok(
    logger.lines.every((l) => !l.includes("sk-primary-key")),
    "the key is never logged",
  );
});

Deno.test("streamChat() fails over when no slot frees up within queue_timeout", async () => {
  await using primary = await startFakeLlmServer();
  await using backup = await startFakeLlmServer();
  const hold = gate();
  primary.script({ chunks: ["slow"], gate: hold.promise });
  const client = createLlmClient({
    local: endpoint(primary.url, {
      max_concurrency: 1,
      queue_timeout: 30,
      fallback: "backup",
    }),
    backup: endpoint(backup.url),
  }, { logger: recordingLogger() });
  const busy = collect(client.streamChat("local", chatRequest()));
  await primary.waitForChatRequests(1);
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.deepEqual(eventTypes(got.events), [
    "queued",
    "failover",
    "text",
    "done",
  ]);
  assert.equal(doneOf(got).endpoint, "backup");
  hold.open();
  await busy;
});

Deno.test("streamChat() tries each endpoint of a fallback cycle once", async () => {
  await using a = await startFakeLlmServer();
  await using b = await startFakeLlmServer();
  a.script({ status: 500 });
  b.script({ status: 500 });
  const client = createLlmClient({
    a: endpoint(a.url, { retries: 0, fallback: "b" }),
    b: endpoint(b.url, { retries: 0, fallback: "a" }),
  }, { logger: recordingLogger() });
  const got = await collect(client.streamChat("a", chatRequest()));
  assert.equal(got.error?.kind, "server_error");
  assert.equal(got.error?.endpoint, "b");
  assert.equal(a.chatRequests().length + b.chatRequests().length, 2);
});

Deno.test("streamChat() does not fail over after text has streamed", async () => {
  await using primary = await startFakeLlmServer();
  await using backup = await startFakeLlmServer();
  primary.script({ chunks: ["half", " of it"], drop_after: 1 });
  const client = createLlmClient({
    local: endpoint(primary.url, { fallback: "backup" }),
    backup: endpoint(backup.url),
  }, { logger: recordingLogger() });
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.text, "half");
  assert.equal(got.error?.partial, true);
  assert.equal(backup.chatRequests().length, 0);
});

Deno.test("streamChat() names the known endpoints when asked for an unknown one", async () => {
  const client = createLlmClient({ local: endpoint("http://127.0.0.1:9/v1") }, {
    logger: recordingLogger(),
  });
  const got = await collect(client.streamChat("lcoal", chatRequest()));
  assert.equal(got.error?.kind, "config");
  assert.match(got.error?.message ?? "", /"lcoal".*known endpoints: "local"/);
});

Deno.test("streamChat() calibrates the token counter from the usage servers report", async () => {
  await using server = await startFakeLlmServer();
  const endpoints = { local: endpoint(server.url) };
  const counters = createTokenCounters(endpoints, {
    logger: recordingLogger(),
  });
  const client = createLlmClient(endpoints, {
    logger: recordingLogger(),
    counters,
  });
  const counter = counters.counterFor("local", "test-model");
  const long =
    "Tell me about the weather patterns in northern Scandinavia during winter. "
      .repeat(4);
  const before = counter.count(long);
  for (let i = 0; i < 8; i++) {
    await collect(
      client.streamChat(
        "local",
        chatRequest({ messages: [{ role: "user", content: long }] }),
      ),
    );
  }
  assert.ok(counter.ratio < 1, `ratio ${counter.ratio}`);
  assert.ok(counter.count(long) < before);
  assert.equal(
    counters.counterFor("local", "other-model").ratio,
    1,
    "per model",
  );
});

Deno.test("reconfigure() applies new limits to requests already waiting", async () => {
  await using server = await startFakeLlmServer();
  const hold = gate();
  server.script({ chunks: ["first"], gate: hold.promise }, {
    chunks: ["second"],
  });
  const settings = endpoint(server.url, { max_concurrency: 1 });
  const client = createLlmClient({ local: settings }, {
    logger: recordingLogger(),
  });
  const first = collect(client.streamChat("local", chatRequest()));
  await server.waitForChatRequests(1);
  const second = collect(client.streamChat("local", chatRequest()));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(client.status().local?.waiting, 1);
  client.reconfigure({ local: { ...settings, max_concurrency: 2 } });
  assert.equal((await second).text, "second");
  hold.open();
  assert.equal((await first).text, "first");
});

Deno.test("streamChat() lets a waiting request leave the queue, by signal or by break", async (t) => {
  for (const how of ["signal", "break"] as const) {
    await t.step(how, async () => {
      await using server = await startFakeLlmServer();
      const hold = gate();
      server.script({ chunks: ["held"], gate: hold.promise });
      const client = createLlmClient(
        { local: endpoint(server.url, { max_concurrency: 1 }) },
        { logger: recordingLogger() },
      );
      const busy = collect(client.streamChat("local", chatRequest()));
      await server.waitForChatRequests(1);
      const controller = new AbortController();
      let kind: string | undefined;
      try {
        for await (
          const event of client.streamChat("local", chatRequest(), {
            signal: controller.signal,
          })
        ) {
          assert.equal(event.type, "queued");
          if (how === "break") break;
          controller.abort();
        }
      } catch (error) {
        kind = (error as { kind?: string }).kind;
      }
      assert.equal(kind, how === "signal" ? "cancelled" : undefined);
      assert.deepEqual(client.status(), { local: { active: 1, waiting: 0 } });
      hold.open();
      assert.equal((await busy).text, "held");
      assert.equal(
        server.chatCount,
        1,
        "the one that left never reached the server",
      );
      assert.deepEqual(client.status(), { local: { active: 0, waiting: 0 } });
    });
  }
});
