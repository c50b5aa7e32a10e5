import assert from "node:assert/strict";
import { createLlmClient } from "../../src/llm/llm_client.ts";
import {
  type ScriptedReply,
  startFakeLlmServer,
} from "../fakes/fake_llm_server.ts";
import {
  chatRequest,
  collect,
  endpoint,
  FAST_BACKOFF,
  recordingLogger,
} from "./llm_test_helpers.ts";

Deno.test("streamChat() enforces each timeout, aborting the request and freeing the slot", async (t) => {
  const cases: Array<
    [
      string,
      ScriptedReply,
      { first_token: number; idle: number; total: number },
      string,
      string,
    ]
  > = [
    [
      "no first token",
      { chunks: ["late"], first_token_delay_ms: 300 },
      { first_token: 40, idle: 1000, total: 2000 },
      "",
      "first token",
    ],
    [
      "silence mid-stream",
      { chunks: ["a", "b", "c"], stall_after: 1 },
      { first_token: 1000, idle: 40, total: 2000 },
      "a",
      "silent",
    ],
    [
      "too long in total",
      { chunks: ["a", "b", "c", "d", "e", "f"], chunk_delay_ms: 30 },
      { first_token: 1000, idle: 1000, total: 80 },
      "",
      "total",
    ],
  ];
  for (const [name, reply, timeout, prefix, words] of cases) {
    await t.step(name, async () => {
      await using server = await startFakeLlmServer();
      server.script(reply);
      const client = createLlmClient(
        {
          local: endpoint(server.url, {
            timeout,
            retries: 0,
            max_concurrency: 1,
          }),
        },
        { logger: recordingLogger(), backoff: FAST_BACKOFF },
      );
      const got = await collect(client.streamChat("local", chatRequest()));
      assert.equal(got.error?.kind, "timeout");
      assert.match(got.error?.message ?? "", new RegExp(words));
      assert.ok(got.text.startsWith(prefix));
      assert.equal(client.status().local?.active, 0);
      await waitUntil(() => server.openStreams === 0);
    });
  }
});

Deno.test("streamChat() idle timeout only counts the server's silence, not a slow caller", async () => {
  await using server = await startFakeLlmServer();
  server.script({ chunks: ["a", "b", "c"] });
  const client = createLlmClient(
    {
      local: endpoint(server.url, {
        timeout: { first_token: 1000, idle: 30, total: 2000 },
      }),
    },
    { logger: recordingLogger() },
  );
  let text = "";
  for await (const event of client.streamChat("local", chatRequest())) {
    if (event.type === "text") {
      text += event.text;
      await new Promise((resolve) => setTimeout(resolve, 45));
    }
  }
  assert.equal(text, "abc");
});

Deno.test("streamChat() stops when the caller cancels, and frees everything", async (t) => {
  await t.step("mid-stream", async () => {
    await using server = await startFakeLlmServer();
    server.script({ chunks: ["a", "b", "c"], stall_after: 1 });
    const client = createLlmClient({ local: endpoint(server.url) }, {
      logger: recordingLogger(),
    });
    const controller = new AbortController();
    const events = client.streamChat("local", chatRequest(), {
      signal: controller.signal,
    });
    const got = await collect((async function* () {
      for await (const event of events) {
        yield event;
        if (event.type === "text") controller.abort();
      }
    })());
    assert.equal(got.text, "a");
    assert.equal(got.error?.kind, "cancelled");
    assert.equal(got.error?.partial, true);
    assert.equal(client.status().local?.active, 0);
    await waitUntil(() => server.openStreams === 0);
  });

  await t.step("by leaving the loop early", async () => {
    await using server = await startFakeLlmServer();
    server.script({ chunks: ["a", "b", "c"], stall_after: 1 });
    const client = createLlmClient({ local: endpoint(server.url) }, {
      logger: recordingLogger(),
    });
    for await (const event of client.streamChat("local", chatRequest())) {
      if (event.type === "text") break;
    }
    assert.equal(client.status().local?.active, 0);
    await waitUntil(() => server.openStreams === 0);
  });

  await t.step("before it starts", async () => {
    await using server = await startFakeLlmServer();
    const client = createLlmClient({ local: endpoint(server.url) }, {
      logger: recordingLogger(),
    });
    const got = await collect(
      client.streamChat("local", chatRequest(), {
        signal: AbortSignal.abort(),
      }),
    );
    assert.equal(got.error?.kind, "cancelled");
    assert.equal(server.chatRequests().length, 0);
  });
});

/** Polls `condition` every few ms for up to a second (the server side settles asynchronously). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(condition(), "condition not reached within 1 s");
}
