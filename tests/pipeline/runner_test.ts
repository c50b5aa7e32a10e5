import assert from "node:assert/strict";
import { newestFirst } from "../../src/pipeline/conversation_order.ts";
import { QUEUE_FULL_NOTICE } from "../../src/pipeline/runner.ts";
import type { DispatchOutcome } from "../../src/pipeline/runner.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { ScriptedLlm } from "../support/scripted_llm.ts";
import { GUILD, testConfig } from "../support/test_config.ts";
import { runnerFor } from "../support/test_runner.ts";

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("Runner keeps each conversation in order over 400 interleaved messages in 20 channels", async () => {
  await using store = await SqliteStore.open(":memory:");
  const random = mulberry32(7);
  const llm = new ScriptedLlm(random);
  const unlimited = testConfig();
  unlimited.rate_limits.default = {};
  const runner = runnerFor(store, llm, 100, unlimited);
  const channels = Array.from(
    { length: 20 },
    (_, i) => `7100000000000000${String(i).padStart(2, "0")}`,
  );
  const sent = new Map<string, string[]>(channels.map((c) => [c, []]));
  const turns: Promise<DispatchOutcome>[] = [];
  for (let i = 0; i < 400; i++) {
    const channel = channels[Math.floor(random() * channels.length)]!;
    const text = `m${i}`;
    sent.get(channel)!.push(text);
    turns.push(
      runner.dispatch(
        message({ channel_id: channel, guild_id: GUILD, text }),
        new RecordingReply(),
      ),
    );
    if (random() < 0.3) await Promise.resolve();
  }
  const outcomes = await Promise.all(turns);
  assert.deepEqual([...new Set(outcomes)], ["answered"]);
  assert.equal(llm.calls.length, 400);
  for (const channel of channels) {
    const stored = await store.recentMessages({
      conversation: { channel_id: channel, guild_id: GUILD, user_id: "" },
      limit: 10_000,
      since: 0,
    });
    // Messages are stored as they arrive; a reply sits after the message it answers.
    const chronological = newestFirst(stored).reverse();
    const expected = sent.get(channel)!.flatMap((
      text,
    ) => [text, `reply to: Alice: ${text}`]);
    assert.deepEqual(
      chronological.map((m) => m.content),
      expected,
      `channel ${channel}`,
    );
  }
  for (const call of llm.calls) {
    // Every request shows the conversation so far, ending with its own message.
    const users = call.request.messages.filter((m) => m.role === "user").map((
      m,
    ) => m.content);
    const numbers = users.map((u) => Number(u.replace("Alice: m", "")));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
  }
});

Deno.test("Runner bounds the queue of one conversation and says so", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  llm.hold = true;
  const runner = runnerFor(store, llm, 2);
  const replies = Array.from({ length: 5 }, () => new RecordingReply());
  const turns = replies.map((reply, i) =>
    runner.dispatch(message({ text: `q${i}` }), reply)
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  llm.release();
  const outcomes = await Promise.all(turns);
  assert.deepEqual(outcomes, [
    "answered",
    "answered",
    "answered",
    "queue_full",
    "queue_full",
  ]);
  // One notice per user per conversation per minute, however many overflow.
  assert.deepEqual(replies[3]!.notices, [QUEUE_FULL_NOTICE]);
  assert.deepEqual(replies[4]!.notices, []);
});

Deno.test("Runner refuses denied users before queueing: no LLM call, no notice, no queue place taken", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  llm.hold = true;
  const config = testConfig();
  config.access.deny_users = ["400000000000000066"];
  const runner = runnerFor(store, llm, 1, config);
  const mallory = {
    ...message().author,
    id: "400000000000000066",
    display_name: "Mallory",
  };
  const denied = Array.from({ length: 20 }, () => new RecordingReply());
  const deniedTurns = denied.map((reply, i) =>
    runner.dispatch(message({ text: `spam ${i}`, author: mallory }), reply)
  );
  const allowed = new RecordingReply();
  const allowedTurn = runner.dispatch(message({ text: "hello" }), allowed);
  while (llm.calls.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  llm.release();
  assert.deepEqual([...new Set(await Promise.all(deniedTurns))], ["denied"]);
  assert.equal(await allowedTurn, "answered");
  assert.equal(llm.calls.length, 1);
  assert.deepEqual(denied.flatMap((r) => r.notices), []);
  assert.deepEqual(denied.flatMap((r) => r.shows), []);
  const stored = await store.recentMessages({
    conversation: {
      channel_id: message().channel_id,
      guild_id: GUILD,
      user_id: "",
    },
    limit: 100,
    since: 0,
  });
  assert.deepEqual(stored.map((m) => m.author_name).sort(), [
    "Alice",
    "Helper",
  ]);
});

Deno.test("Runner checks rate limits before queueing: a limited burst waits nowhere and is told once", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  llm.hold = true;
  const config = testConfig();
  config.rate_limits.default = { per_user: { count: 1, window_ms: 60_000 } };
  const runner = runnerFor(store, llm, 2, config);
  const replies = Array.from({ length: 10 }, () => new RecordingReply());
  const turns = replies.map((reply, i) =>
    runner.dispatch(message({ text: `m${i}` }), reply)
  );
  while (llm.calls.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.equal(runner.queued, 1, "only the admitted turn holds a place");
  llm.release();
  const outcomes = await Promise.all(turns);
  assert.deepEqual(outcomes, ["answered", ...Array(9).fill("rate_limited")]);
  assert.equal(replies.flatMap((r) => r.notices).length, 1);
});

Deno.test("Runner.shutdown() interrupts a stuck turn after the deadline and stores it as partial", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  llm.hold = true;
  const runner = runnerFor(store, llm);
  const reply = new RecordingReply();
  const turn = runner.dispatch(message({ text: "slow" }), reply);
  while (llm.calls.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await runner.shutdown(5);
  assert.equal(await turn, "interrupted");
  const [assistant, user] = await store.recentMessages({
    conversation: {
      channel_id: message().channel_id,
      guild_id: GUILD,
      user_id: "",
    },
    limit: 10,
    since: 0,
  });
  assert.equal(user?.content, "slow");
  assert.equal(assistant?.partial, true);
  assert.match(reply.notices[0] ?? "", /restarting/);
  assert.equal(
    await runner.dispatch(message(), new RecordingReply()),
    "shutting_down",
  );
});

Deno.test("Runner turns an unexpected error into a short reply and keeps serving", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  const runner = runnerFor(store, llm);
  const broken = new RecordingReply();
  broken.show = () => Promise.reject(new Error("Discord said no"));
  assert.equal(await runner.dispatch(message(), broken), "failed");
  assert.match(broken.notices[0] ?? "", /Something went wrong/);
  const next = new RecordingReply();
  assert.equal(
    await runner.dispatch(message({ text: "again" }), next),
    "answered",
  );
  assert.equal(next.finalText, "reply to: Alice: again");
});

Deno.test("Runner counts threads toward their parent channel's per_channel limit", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  const config = testConfig();
  config.rate_limits.default = {
    per_channel: { count: 3, window_ms: 60_000 },
  };
  const runner = runnerFor(store, llm, 10, config);
  const outcomes: DispatchOutcome[] = [];
  // Each message in a new thread of the same channel, each from another user.
  for (let i = 0; i < 6; i++) {
    outcomes.push(
      await runner.dispatch(
        message({
          channel_id: `71000000000000009${i}`,
          parent_channel_id: message().channel_id,
          author: {
            ...message().author,
            id: `40000000000000009${i}`,
          },
        }),
        new RecordingReply(),
      ),
    );
  }
  assert.deepEqual(outcomes, [
    "answered",
    "answered",
    "answered",
    "rate_limited",
    "rate_limited",
    "rate_limited",
  ]);
});

Deno.test("Runner bounds the turns waiting over all conversations (default 6 per conversation, 1000 in all)", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  llm.hold = true;
  const config = testConfig();
  config.rate_limits.default = {};
  const runner = runnerFor(store, llm, undefined, config, 3);
  const channels = Array.from(
    { length: 5 },
    (_, i) => `72000000000000000${i}`,
  );
  const turns = channels.map((channel_id) =>
    runner.dispatch(message({ channel_id }), new RecordingReply())
  );
  while (llm.calls.length < 3) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.equal(runner.queued, 3);
  llm.release();
  const outcomes = await Promise.all(turns);
  assert.deepEqual(outcomes.filter((o) => o === "queue_full").length, 2);
  // The default per-conversation bound: one running and 5 waiting.
  const one = runnerFor(store, llm, undefined, config);
  llm.hold = true;
  const burst = Array.from(
    { length: 8 },
    () => one.dispatch(message(), new RecordingReply()),
  );
  while (llm.calls.length < 4) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.equal(one.queued, 6);
  llm.release();
  const results = await Promise.all(burst);
  assert.equal(results.filter((o) => o === "queue_full").length, 2);
});
