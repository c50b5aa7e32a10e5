/**
 * End to end: `threads: auto` — a mention opens a public thread on the
 * message and the answer goes there; in the bot's thread no mention is
 * needed; an archived thread is answered again; other people's threads
 * keep needing a mention.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  botMessages,
  CHANNEL,
  eventually,
  GUILD,
  startHarness,
  THREAD,
} from "./bot_harness.ts";

/** Messages stored for conversations held in `channel_id` (read from the bot's database). */
function storedIn(dir: string, channel_id: string): number {
  const db = new DatabaseSync(`${dir}/data/bot.db`, { readOnly: true });
  try {
    const row = db.prepare(
      `SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.channel_id = ?`,
    ).get(channel_id);
    return Number(row?.n ?? 0);
  } finally {
    db.close();
  }
}

Deno.test("threads: auto opens a thread on the asking message, answers there, and follows up without a mention", async () => {
  await using h = await startHarness({
    configParts: { binding: "    threads: auto" },
  });
  const ask = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> How do I **sort** a list in <#${CHANNEL}>?`,
  });
  const thread = await h.discord.waitFor(
    () => h.discord.world.channels.get(ask.id),
    10_000,
    "the thread",
  );
  assert.equal(thread.parentId, CHANNEL);
  assert.equal(thread.ownerId, h.discord.botId);
  assert.equal(thread.name, "How do I sort a list in ?");
  const first = await h.discord.waitFor(
    () =>
      botMessages(h, thread.id).find((m) =>
        m.components.length > 0 && m.content.startsWith("echo:")
      ),
    10_000,
    "the answer in the thread",
  );
  assert.match(first.content, /^echo: alice: How do I \*\*sort\*\* a list/);
  assert.deepEqual(botMessages(h, CHANNEL), [], "nothing in the channel");

  h.discord.sendUserMessage({ channelId: thread.id, content: "and a dict?" });
  await h.discord.waitFor(
    () =>
      botMessages(h, thread.id).some((m) =>
        m.content === "echo: alice: and a dict?"
      ),
    10_000,
    "the follow-up answer",
  );
  const followUp = h.llmMessages(1).map((m) => m.content);
  assert.equal(followUp.at(-1), "alice: and a dict?");
  assert.equal(followUp.length, 4, "the thread's conversation so far");
  assert.equal(
    h.discord.requestsTo("POST /channels/{channel}/messages/{message}/threads")
      .length,
    1,
  );

  h.discord.archiveThread(thread.id);
  h.discord.sendUserMessage({ channelId: thread.id, content: "still there?" });
  await h.discord.waitFor(
    () =>
      botMessages(h, thread.id).some((m) =>
        m.content === "echo: alice: still there?"
      ),
    10_000,
    "an answer after the thread was archived",
  );

  // A thread someone else opened keeps the channel's triggers: no mention, no answer.
  h.discord.sendUserMessage({ channelId: THREAD, content: "hello?" });
  h.discord.sendUserMessage({
    channelId: THREAD,
    content: `<@${h.discord.botId}> now?`,
  });
  await h.discord.waitFor(
    () => botMessages(h, THREAD).some((m) => m.content === "echo: alice: now?"),
    10_000,
    "the answer to the mention in a user's thread",
  );
  assert.equal(
    botMessages(h, THREAD).filter((m) => m.content.startsWith("echo")).length,
    1,
  );
  assert.equal(
    h.discord.world.channels.has(h.discord.messagesIn(THREAD)[0]?.id ?? ""),
    false,
    "no thread opened from a thread",
  );

  // Deleting the thread drops its conversation from the store.
  assert.equal(storedIn(h.dir, thread.id), 6);
  h.discord.deleteThread(thread.id);
  await eventually(
    () => Promise.resolve(storedIn(h.dir, thread.id) === 0),
    10_000,
    "the deleted thread's conversation to be dropped",
  );
  assert.ok(storedIn(h.dir, THREAD) > 0, "other threads keep theirs");
});

const CREATE_PUBLIC_THREADS = 1n << 35n;

Deno.test("threads: auto without Create Public Threads answers in the channel and keeps the channel's history", async () => {
  await using h = await startHarness({
    configParts: { binding: "    threads: auto" },
  });
  const everyone = h.discord.world.guilds.get(GUILD)!.roles.find((r) =>
    r.id === GUILD
  )!;
  everyone.permissions = String(
    BigInt(everyone.permissions ?? "0") & ~CREATE_PUBLIC_THREADS,
  );
  for (
    const [i, text] of ["hello", "my name is Bob", "what is my name?"].entries()
  ) {
    h.discord.sendUserMessage({
      channelId: CHANNEL,
      content: `<@${h.discord.botId}> ${text}`,
    });
    await h.discord.waitFor(
      () =>
        botMessages(h, CHANNEL).some((m) =>
          m.content === `echo: alice: ${text}`
        ),
      10_000,
      `answer ${i + 1} in the channel`,
    );
  }
  // The first refusal is learnt on the first question; from then on the
  // channel is one conversation again.
  const third = h.llmMessages(2).map((m) => m.content);
  assert.ok(
    third.some((c) => c.includes("my name is Bob")),
    `the third request carries the second question: ${JSON.stringify(third)}`,
  );
  assert.equal(
    h.discord.requestsTo("POST /channels/{channel}/messages/{message}/threads")
      .length,
    1,
    "not asked again for every message",
  );
});
