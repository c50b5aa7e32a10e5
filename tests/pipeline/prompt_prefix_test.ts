/**
 * The model's prompt cache stays warm (issue 16, item 4): in a long
 * conversation under a small budget, history is dropped in blocks, so most
 * requests start with exactly the messages of the request before them.
 */
import assert from "node:assert/strict";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, testConfig } from "../support/test_config.ts";

function sharedPrefix(previous: unknown[], current: unknown[]): number {
  let same = 0;
  while (
    same < previous.length && same < current.length &&
    JSON.stringify(previous[same]) === JSON.stringify(current[same])
  ) same++;
  return same;
}

Deno.test("a long conversation under a small budget keeps its requests' prefix for many turns", async () => {
  await using server = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig(server.url);
  config.budgets.default = {
    ...config.budgets.default!,
    context_tokens: 600,
    reserve_tokens: 100,
    max_messages: 500,
  };
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => BOT_ID,
  });
  const turns = 60;
  for (let i = 0; i < turns; i++) {
    await services.runner.dispatch(
      message({ text: `question number ${i} about the weather tomorrow` }),
      new RecordingReply(),
    );
  }
  await services.runner.shutdown(1000);
  const requests = server.chatRequests().map((r) =>
    (r.body as { messages: unknown[] }).messages
  );
  assert.equal(requests.length, turns);
  let dropped = 0;
  let cold = 0;
  for (let i = 1; i < requests.length; i++) {
    const previous = requests[i - 1]!;
    const current = requests[i]!;
    if (current.length < previous.length) dropped++;
    // A warm request repeats everything the previous one sent but its new message.
    if (sharedPrefix(previous, current) < previous.length - 1) cold++;
  }
  assert.ok(
    dropped >= 3,
    `the window filled and dropped history ${dropped} times`,
  );
  assert.equal(cold, dropped, "only the requests that drop a block start anew");
  assert.ok(cold <= turns / 4, `${cold} cold requests of ${turns}`);
});
