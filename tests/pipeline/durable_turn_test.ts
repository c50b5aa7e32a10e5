/**
 * Durable turns through the runner: a message is stored the moment it
 * arrives (also while it waits behind another turn), its state follows the
 * turn, a streamed reply's text is stored as it is posted, and a turn that
 * never started before shutdown stays waiting for recovery.
 */
import assert from "node:assert/strict";
import { estimateTokens } from "../../src/llm/token_estimate.ts";
import type { TokenCounter } from "../../src/llm/token_counter.ts";
import { log } from "../../src/log/logging.ts";
import { buildPipeline } from "../../src/pipeline/pipeline.ts";
import type { PostedPart } from "../../src/pipeline/reply_target.ts";
import { Runner } from "../../src/pipeline/runner.ts";
import { DELIVERY_CUT_NOTICE } from "../../src/pipeline/stages/generation_stage.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { Store } from "../../src/store/store.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { ScriptedLlm } from "../support/scripted_llm.ts";
import { BOT_ID, testConfig } from "../support/test_config.ts";

const counter: TokenCounter = {
  count: estimateTokens,
  countMessages: () => 0,
  countExact: (text) => Promise.resolve(estimateTokens(text)),
  ratio: 1,
};

function runnerFor(store: Store, llm: ScriptedLlm) {
  let clock = 1_000_000;
  const now = () => clock++;
  const pipeline = buildPipeline({
    store,
    llm,
    counterFor: () => counter,
    now,
    logger: log("test"),
  });
  return new Runner({
    pipeline,
    config: () => testConfig(),
    bot_user_id: () => BOT_ID,
    now,
    logger: log("test"),
    store,
  });
}

/** A reply target that reports every show as accepted by the platform. */
class WatchedReply extends RecordingReply {
  readonly transport = "discord";
  #watchers: ((posted: readonly PostedPart[]) => void)[] = [];
  watchDelivery(listener: (posted: readonly PostedPart[]) => void): void {
    this.#watchers.push(listener);
  }
  override async show(chunks: readonly string[], done: boolean) {
    await super.show(chunks, done);
    const posted = chunks.map((content, i) => ({ id: `70${i}`, content }));
    for (const watcher of this.#watchers) watcher(posted);
  }
}

Deno.test("Runner stores a message that waits behind another turn the moment it arrives", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  llm.hold = true;
  const runner = runnerFor(store, llm);
  const first = runner.dispatch(
    message({ text: "first" }),
    new WatchedReply(),
  );
  const second = runner.dispatch(
    message({ text: "second" }),
    new WatchedReply(),
  );
  // Let the first turn reach the model; the second waits in the queue.
  for (let i = 0; i < 20 && llm.calls.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const open = await store.openTurns("discord");
  assert.deepEqual(
    open.map((t) => [t.message.content, t.state]),
    [["first", "running"], ["second", "waiting"]],
  );
  llm.release();
  assert.equal(await first, "answered");
  assert.equal(await second, "answered");
  assert.deepEqual(await store.openTurns("discord"), []);
});

Deno.test("Runner stores what was posted of a streaming reply, and the whole answer at the end", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  const runner = runnerFor(store, llm);
  const reply = new WatchedReply();
  const contents: string[] = [];
  const update = store.updateMessage.bind(store);
  store.updateMessage = (id, change) => {
    if (change.content !== undefined) contents.push(change.content);
    return update(id, change);
  };
  assert.equal(
    await runner.dispatch(message({ text: "hi" }), reply),
    "answered",
  );
  assert.ok(
    contents.includes("reply"),
    `the first posted text was stored while streaming: ${
      JSON.stringify(contents)
    }`,
  );
  assert.equal(contents.at(-1), "reply to: Alice: hi");
});

Deno.test("Runner leaves a turn that never started before shutdown waiting, for recovery", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  llm.hold = true;
  const runner = runnerFor(store, llm);
  const first = runner.dispatch(message({ text: "first" }), new WatchedReply());
  const second = runner.dispatch(
    message({ text: "second" }),
    new WatchedReply(),
  );
  for (let i = 0; i < 20 && llm.calls.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await runner.shutdown(0, 1_000);
  assert.equal(await first, "interrupted");
  assert.equal(await second, "interrupted");
  assert.deepEqual(
    (await store.openTurns("discord")).map((t) => [t.message.content, t.state]),
    [["second", "waiting"]],
  );
  assert.equal(llm.calls.length, 1, "the waiting turn never reached the model");
});

Deno.test("Runner stores no message of an author the access lists refuse", async () => {
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig();
  config.access.deny_users = ["400000000000000001"];
  const runner = new Runner({
    pipeline: () => Promise.resolve(),
    config: () => config,
    bot_user_id: () => BOT_ID,
    now: () => 1,
    logger: log("test"),
    store,
  });
  await runner.dispatch(message({ text: "let me in" }), new WatchedReply());
  assert.deepEqual(await store.openTurns("discord"), []);
});

/** A reply Discord takes part of, then refuses to finish. */
class CutReply extends WatchedReply {
  override async show(chunks: readonly string[], done: boolean) {
    if (done) throw new Error("Discord gave no answer within 15000 ms");
    await super.show(chunks.map((c) => c.slice(0, 5)), done);
  }
}

Deno.test("a reply Discord stopped taking is stored only as far as it was accepted, marked partial, with a note", async () => {
  await using store = await SqliteStore.open(":memory:");
  const llm = new ScriptedLlm(() => 0);
  const runner = runnerFor(store, llm);
  const reply = new CutReply();
  const outcome = await runner.dispatch(message({ text: "hi" }), reply);
  assert.equal(outcome, "failed");
  const [assistant] = await store.recentMessages({
    conversation: {
      channel_id: message().channel_id,
      guild_id: message().guild_id,
      user_id: "",
    },
    limit: 1,
    since: 0,
  });
  assert.equal(assistant?.role, "assistant");
  assert.equal(
    assistant?.content,
    "reply",
    "what Discord accepted, not the whole answer",
  );
  assert.equal(assistant?.partial, true);
  assert.deepEqual(reply.notices, [DELIVERY_CUT_NOTICE]);
});

Deno.test("a recovered turn the access lists now refuse ends failed and is not stored twice", async () => {
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig();
  const incoming = message({ text: "from before the crash" });
  const stored = await store.addTurn({
    conversation: {
      channel_id: incoming.channel_id,
      guild_id: incoming.guild_id,
      user_id: "",
    },
    external_id: incoming.id,
    author_id: incoming.author.id,
    author_name: "Alice",
    role: "user",
    persona: "helper",
    content: "from before the crash",
    token_count: null,
    created_at: 1,
    partial: false,
  }, { source: "discord", payload: JSON.stringify(incoming) });
  config.access.deny_users = [incoming.author.id];
  const runner = new Runner({
    pipeline: () => Promise.resolve(),
    config: () => config,
    bot_user_id: () => BOT_ID,
    now: () => 2,
    logger: log("test"),
    store,
  });
  assert.equal(
    await runner.dispatch(incoming, new WatchedReply(), { stored }),
    "denied",
  );
  assert.deepEqual(await store.openTurns("discord"), []);
  const all = await store.recentMessages({
    conversation: {
      channel_id: incoming.channel_id,
      guild_id: incoming.guild_id,
      user_id: "",
    },
    limit: 10,
    since: 0,
  });
  assert.equal(all.length, 1);
});
