/**
 * End to end: the bot is killed with SIGKILL (no shutdown code runs) at
 * three moments — while a message waits in its conversation's queue,
 * mid-stream, and between two chunks of a long reply — and started again on
 * the same database. Nothing is lost and nothing is answered twice: the
 * unanswered messages are answered at start-up, and the half-written reply
 * is closed with "(interrupted by a restart)".
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  botMessages,
  CHANNEL,
  eventually,
  startHarness,
} from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

const NOTE = "*(interrupted by a restart)*";

/** The turns as the bot stored them, read through a separate connection. */
function turns(h: BotHarness): { state: string; posted: string }[] {
  const db = new DatabaseSync(`${h.dir}/data/bot.db`, { readOnly: true });
  try {
    return db.prepare("SELECT state, posted FROM turns ORDER BY message_id")
      .all().map((row) => ({
        state: String(row.state),
        posted: String(row.posted),
      }));
  } finally {
    db.close();
  }
}

function mention(h: BotHarness, text: string) {
  return h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${text}`,
  });
}

Deno.test("SIGKILL while a message waits in the queue: both messages are answered once after the restart", async () => {
  await using h = await startHarness();
  let release = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  h.llm.script({ gate });
  const first = mention(h, "first");
  await h.llm.waitForChatRequests(1);
  const second = mention(h, "second");
  await eventually(
    () => Promise.resolve(turns(h).length === 2),
    10_000,
    "the waiting message to be stored",
  );
  assert.equal(await h.stop("SIGKILL"), 137);
  release();

  await h.start();
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length >= 2,
    15_000,
    "both answers",
  );
  const replies = botMessages(h, CHANNEL);
  assert.deepEqual(
    replies.map((m) => [m.replyToId, m.content]),
    [
      [first.id, "echo: alice: first"],
      [second.id, "echo: alice: second"],
    ],
  );
  await eventually(
    () => Promise.resolve(turns(h).every((t) => t.state === "answered")),
    10_000,
    "both turns to be answered",
  );
  assert.equal(botMessages(h, CHANNEL).length, 2, "nothing answered twice");
});

Deno.test("SIGKILL mid-stream: the half-written reply keeps its text, says it was interrupted, and is not answered again", async () => {
  await using h = await startHarness();
  let release = () => {};
  const resume = new Promise<void>((resolve) => release = resolve);
  h.llm.script({
    chunks: ["Hello there, ", "and more."],
    pause_after: 1,
    resume,
  });
  mention(h, "stream");
  await eventually(
    () => Promise.resolve(turns(h)[0]?.posted.includes("Hello there,")),
    10_000,
    "the first text to be posted and stored",
  );
  assert.equal(await h.stop("SIGKILL"), 137);
  release();

  await h.start();
  const [reply] = botMessages(h, CHANNEL);
  assert.equal(reply?.content, `Hello there,\n\n${NOTE}`);
  assert.equal(botMessages(h, CHANNEL).length, 1, "not answered again");
  assert.equal(
    h.llm.chatRequests().length,
    1,
    "no second request to the model",
  );
  assert.deepEqual(turns(h).map((t) => t.state), ["partial"]);
});

Deno.test("SIGKILL between two chunks of a long reply: the first message is closed and nothing is sent twice", async () => {
  await using h = await startHarness();
  const first = `${"word ".repeat(380).trim()}.`;
  let release = () => {};
  const resume = new Promise<void>((resolve) => release = resolve);
  let unhold = () => {};
  const hold = new Promise<void>((resolve) => unhold = resolve);
  h.llm.script({
    chunks: [first, `\n\n${"Second paragraph. ".repeat(12)}`],
    pause_after: 1,
    resume,
  });
  mention(h, "long");
  await eventually(
    () => Promise.resolve(turns(h)[0]?.posted.includes(first)),
    10_000,
    "the first chunk to be posted and stored",
  );
  // The second chunk's message is held by Discord, then the bot dies.
  h.discord.failNext({
    route: "POST /channels/{channel}/messages",
    times: 1,
    hold,
  });
  const posts = h.discord.requestsTo("POST /channels/{channel}/messages")
    .length;
  release();
  await h.discord.waitFor(
    () => h.discord.failures.length === 0,
    10_000,
    "the second chunk to be sent",
  );
  assert.equal(await h.stop("SIGKILL"), 137);
  // Discord sees the dropped connection and creates nothing; releasing the
  // hold before the fake has seen it would create the message after all.
  await h.discord.waitFor(
    () =>
      h.discord.requestsTo("POST /channels/{channel}/messages").length > posts,
    10_000,
    "the held request to end",
  );
  unhold();

  await h.start();
  const replies = botMessages(h, CHANNEL);
  assert.equal(replies.length, 1, "the held chunk was never created");
  assert.equal(replies[0]?.content, `${first}\n\n${NOTE}`);
  assert.equal(
    h.llm.chatRequests().length,
    1,
    "no second request to the model",
  );
  assert.deepEqual(turns(h).map((t) => t.state), ["partial"]);
});
