/**
 * No store operation holds the event loop for long (issue 10, item 9):
 * pruning runs in batches that let timers and I/O in between, and a slow
 * operation is reported.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../../src/store/sqlite_store.ts";

const conversation = { channel_id: "1", guild_id: "2", user_id: "" };

async function fill(store: SqliteStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.addMessage({
      conversation,
      external_id: null,
      author_id: "3",
      author_name: "A",
      role: "user",
      persona: "helper",
      content: `m${i}`,
      token_count: null,
      created_at: 1_000 + i,
      partial: false,
    });
  }
}

Deno.test("pruneMessages() yields to the event loop between batches", async () => {
  await using store = await SqliteStore.open(":memory:", { pruneBatchSize: 3 });
  await fill(store, 10);
  let ran = false;
  setTimeout(() => ran = true, 0);
  const deleted = await store.pruneMessages(1_000_000);
  assert.equal(deleted, 10);
  assert.equal(ran, true, "a timer ran while the prune was going on");
});

Deno.test("a store operation slower than the threshold is reported with what it was doing", async () => {
  const slow: string[] = [];
  await using store = await SqliteStore.open(":memory:", {
    slowOperationMs: -1,
    onSlowOperation: (action) => slow.push(action),
  });
  await fill(store, 1);
  assert.ok(slow.some((action) => action.startsWith("store a message")));
});
