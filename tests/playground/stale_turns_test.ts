/** Playground turns cut off by a stop are closed at the next start; Discord's are left to Discord. */
import assert from "node:assert/strict";
import { log } from "../../src/log/logging.ts";
import { closeStalePlaygroundTurns } from "../../src/playground/stale_turns.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";

Deno.test("closeStalePlaygroundTurns() fails the playground's open turns and leaves Discord's", async () => {
  await using store = await SqliteStore.open(":memory:");
  const add = (source: string, channel_id: string) =>
    store.addTurn({
      conversation: { channel_id, guild_id: "g", user_id: "" },
      external_id: `${source}-1`,
      author_id: "u",
      author_name: "Ann",
      role: "user",
      persona: "helper",
      content: "hello",
      token_count: null,
      created_at: 1_000,
      partial: false,
    }, { source, payload: "{}" });
  await add("playground", "playground-0");
  await add("discord", "100000000000000001");
  const report = await closeStalePlaygroundTurns(
    store,
    log("test"),
    () => 2_000,
  );
  assert.deepEqual(report, { answered: 0, closed: 0, expired: 1 });
  assert.deepEqual(await store.openTurns("playground"), []);
  assert.equal((await store.openTurns("discord")).length, 1);
});
