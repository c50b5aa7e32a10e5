/**
 * `tokenizer: server` is used for real (issue 10, item 14): each turn's
 * message is counted by the server's `/tokenize` (llama.cpp or vLLM), the
 * count is stored with the message, a server without `/tokenize` falls back
 * to the estimate after one try, and the calibration survives a restart.
 */
import assert from "node:assert/strict";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import {
  fakeTokenCount,
  startFakeLlmServer,
} from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, CHANNEL, GUILD, testConfig } from "../support/test_config.ts";

const TEXT =
  "Please explain, in some detail, why the sky looks blue on a clear day and red at sunset; 123456 reasons!";

function tokenizeCalls(server: { requests: { path: string }[] }): number {
  return server.requests.filter((r) => r.path.endsWith("/tokenize")).length;
}

for (const dialect of ["llamacpp", "vllm"] as const) {
  Deno.test(`tokenizer: server counts each message with ${dialect}'s /tokenize and stores the count`, async () => {
    await using server = await startFakeLlmServer({ tokenize: dialect });
    await using store = await SqliteStore.open(":memory:");
    const config = testConfig(server.url);
    config.endpoints.local!.tokenizer = "server";
    const services = createBotServices({
      config,
      store,
      bot_user_id: () => BOT_ID,
    });
    await services.runner.dispatch(
      message({ text: TEXT }),
      new RecordingReply(),
    );
    await services.runner.dispatch(
      message({ text: TEXT }),
      new RecordingReply(),
    );
    assert.ok(tokenizeCalls(server) >= 2, `${tokenizeCalls(server)} calls`);
    const stored = await store.recentMessages({
      conversation: { channel_id: CHANNEL, guild_id: GUILD, user_id: "" },
      limit: 10,
      since: 0,
    });
    const users = stored.filter((m) => m.role === "user");
    assert.deepEqual(
      users.map((m) => m.token_count),
      [fakeTokenCount(TEXT), fakeTokenCount(TEXT)],
    );
    await services.runner.shutdown(1000);
  });
}

Deno.test("tokenizer: server on a server without /tokenize falls back to the estimate and stops asking", async () => {
  await using server = await startFakeLlmServer({ tokenize: "none" });
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig(server.url);
  config.endpoints.local!.tokenizer = "server";
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => BOT_ID,
  });
  for (let i = 0; i < 3; i++) {
    assert.equal(
      await services.runner.dispatch(
        message({ text: TEXT }),
        new RecordingReply(),
      ),
      "answered",
    );
  }
  const afterFirst = tokenizeCalls(server);
  assert.ok(afterFirst >= 1 && afterFirst <= 2, `${afterFirst} calls`);
  await services.runner.dispatch(message({ text: TEXT }), new RecordingReply());
  assert.equal(tokenizeCalls(server), afterFirst, "no more tries");
  await services.runner.shutdown(1000);
});

Deno.test("the calibrated estimate is kept in the store and restored after a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using server = await startFakeLlmServer({ tokenize: "llamacpp" });
    const config = testConfig(server.url);
    config.endpoints.local!.tokenizer = "server";
    let learned: number;
    {
      await using store = await SqliteStore.open(`${dir}/bot.db`);
      const services = createBotServices({
        config,
        store,
        bot_user_id: () => BOT_ID,
      });
      await services.calibrationsLoaded;
      await services.runner.dispatch(
        message({ text: TEXT }),
        new RecordingReply(),
      );
      learned = services.counters.counterFor("local", "test-model").ratio;
      assert.notEqual(learned, 1, "the first turn calibrated the estimate");
      await services.runner.shutdown(1000);
    }
    {
      await using store = await SqliteStore.open(`${dir}/bot.db`);
      const services = createBotServices({
        config,
        store,
        bot_user_id: () => BOT_ID,
      });
      await services.calibrationsLoaded;
      assert.equal(
        services.counters.counterFor("local", "test-model").ratio,
        learned,
      );
      await services.runner.shutdown(1000);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
