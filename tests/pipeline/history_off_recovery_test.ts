/**
 * `/settings history:off` promises that nothing the user writes is kept
 * beyond the running turn. A turn cut off by a crash and let go at
 * start-up (too old to answer, or half-written and closed) is over too:
 * its question and reply must not stay in the store for ever.
 */
import assert from "node:assert/strict";
import { log } from "../../src/log/logging.ts";
import { recoverTurns } from "../../src/pipeline/turn_recovery.ts";
import type { RecoveryDeps } from "../../src/pipeline/turn_recovery.ts";
import { DEFAULT_PREFERENCES } from "../../src/store/memory_store.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { message } from "../support/fixtures.ts";

const CONVERSATION = { channel_id: "100", guild_id: "900", user_id: "" };
const USER = "400000000000000001";

async function turnAt(store: SqliteStore, text: string, at: number) {
  const incoming = message({ text });
  return await store.addTurn({
    conversation: CONVERSATION,
    external_id: incoming.id,
    author_id: USER,
    author_name: "Alice",
    role: "user",
    persona: "helper",
    content: text,
    token_count: null,
    created_at: at,
    partial: false,
  }, { source: "discord", payload: JSON.stringify(incoming) });
}

Deno.test("recoverTurns() keeps nothing of a user with history: off whose turn it lets go", async () => {
  await using store = await SqliteStore.open(":memory:");
  const now = 10_000_000;
  await store.setPreferences(USER, {
    ...DEFAULT_PREFERENCES,
    history: false,
    updated_at: 1,
  });
  await turnAt(store, "my secret, too old to answer", now - 600_000);
  const half = await turnAt(
    store,
    "my other secret, half answered",
    now - 5_000,
  );
  const reply = await store.addMessage({
    conversation: CONVERSATION,
    external_id: null,
    author_id: "bot",
    author_name: "Helper",
    role: "assistant",
    persona: "helper",
    content: "Half of an ans",
    token_count: null,
    created_at: now - 4_000,
    partial: true,
    reply_to_id: half.id,
  });
  await store.updateTurn(half.id, {
    state: "running",
    reply_id: reply.id,
    posted: [{ id: "d1", content: "Half of an ans" }],
    updated_at: now - 4_000,
  });
  const deps: RecoveryDeps = {
    store,
    source: "discord",
    now: () => now,
    max_age_ms: 120_000,
    logger: log("test"),
    answer: () => {},
    close: () => Promise.resolve(),
  };
  const report = await recoverTurns(deps);
  assert.equal(report.expired, 1);
  assert.equal(report.closed, 1);
  assert.deepEqual(
    (await store.messagesOfUser(USER)).map((m) => m.content),
    [],
    "the user's words are not kept after their turns ended",
  );
  assert.deepEqual(
    (await store.recentMessages({
      conversation: CONVERSATION,
      limit: 10,
      since: 0,
    })).map((m) => m.content),
    [],
    "nor the reply to them",
  );
});
