/**
 * Start-up recovery: young unanswered messages are answered, half-written
 * replies are closed (never answered again), old messages are let go, and
 * nothing is recovered twice; a `history: off` user keeps nothing of a
 * turn it lets go.
 */
import assert from "node:assert/strict";
import { log } from "../../src/log/logging.ts";
import type { IncomingMessage } from "../../src/pipeline/incoming_message.ts";
import { recoverTurns } from "../../src/pipeline/turn_recovery.ts";
import type { RecoveryDeps } from "../../src/pipeline/turn_recovery.ts";
import { DEFAULT_PREFERENCES } from "../../src/store/memory_store.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { PostedPart } from "../../src/store/store.ts";
import { message } from "../support/fixtures.ts";

const CONVERSATION = { channel_id: "100", guild_id: "900", user_id: "" };
/** The author of every message `message()` makes. */
const USER = message().author.id;

async function turnAt(store: SqliteStore, text: string, at: number) {
  const incoming = message({ text });
  const stored = await store.addTurn({
    conversation: CONVERSATION,
    external_id: incoming.id,
    author_id: incoming.author.id,
    author_name: "Alice",
    role: "user",
    persona: "helper",
    content: text,
    token_count: null,
    created_at: at,
    partial: false,
  }, { source: "discord", payload: JSON.stringify(incoming) });
  return { incoming, stored };
}

function deps(store: SqliteStore, now: number) {
  const answered: string[] = [];
  const closed: { channel: string; posted: readonly PostedPart[] }[] = [];
  const value: RecoveryDeps = {
    store,
    source: "discord",
    now: () => now,
    max_age_ms: 120_000,
    logger: log("test"),
    answer: (m: IncomingMessage) => answered.push(m.id),
    close: (m, posted) => {
      closed.push({ channel: m.channel_id, posted });
      return Promise.resolve();
    },
  };
  return { value, answered, closed };
}

Deno.test("recoverTurns() answers young unanswered messages, closes half-written replies and lets old messages go", async () => {
  await using store = await SqliteStore.open(":memory:");
  const now = 1_000_000;
  const waiting = await turnAt(store, "waiting", now - 10_000);
  const running = await turnAt(store, "running, nothing shown", now - 5_000);
  const half = await turnAt(store, "half-written", now - 5_000);
  const old = await turnAt(store, "old", now - 600_000);
  const reply = await store.addMessage({
    conversation: CONVERSATION,
    external_id: null,
    author_id: "1",
    author_name: "Helper",
    role: "assistant",
    persona: "helper",
    content: "the whole answer the model wrote",
    token_count: null,
    created_at: now - 4_000,
    partial: false,
    reply_to_id: half.stored.id,
  });
  await store.updateTurn(running.stored.id, {
    state: "running",
    updated_at: 1,
  });
  await store.updateTurn(half.stored.id, {
    state: "running",
    reply_id: reply.id,
    posted: [{ id: "801", content: "the whole" }],
    updated_at: 1,
  });

  const d = deps(store, now);
  const report = await recoverTurns(d.value);
  assert.deepEqual(report, { answered: 2, closed: 1, expired: 1 });
  assert.deepEqual(d.answered, [waiting.incoming.id, running.incoming.id]);
  assert.deepEqual(d.closed, [{
    channel: half.incoming.channel_id,
    posted: [{ id: "801", content: "the whole" }],
  }]);
  const stored = await store.getMessage(reply.id);
  assert.equal(stored?.content, "the whole", "stored as far as it was shown");
  assert.equal(stored?.partial, true);
  // The answered ones are the runner's now; the others are closed for good.
  assert.deepEqual(
    (await store.openTurns("discord")).map((t) => t.message.content),
    ["waiting", "running, nothing shown"],
  );
  void old;
});

Deno.test("recoverTurns() never closes or answers a turn twice", async () => {
  await using store = await SqliteStore.open(":memory:");
  const now = 1_000_000;
  const half = await turnAt(store, "half", now - 1_000);
  await store.updateTurn(half.stored.id, {
    state: "running",
    posted: [{ id: "801", content: "abc" }],
    updated_at: 1,
  });
  const first = deps(store, now);
  await recoverTurns(first.value);
  const second = deps(store, now);
  assert.deepEqual(await recoverTurns(second.value), {
    answered: 0,
    closed: 0,
    expired: 0,
  });
  assert.equal(first.closed.length, 1);
  assert.equal(second.closed.length, 0);
});

Deno.test("recoverTurns() keeps nothing of a user with history: off whose turn it lets go", async () => {
  await using store = await SqliteStore.open(":memory:");
  const now = 10_000_000;
  await store.setPreferences(USER, {
    ...DEFAULT_PREFERENCES,
    history: false,
    updated_at: 1,
  });
  await turnAt(store, "my secret, too old to answer", now - 600_000);
  const { stored: half } = await turnAt(
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
  const report = await recoverTurns(deps(store, now).value);
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
