/**
 * End to end: faults injected on every side. The bot killed mid-stream, the
 * LLM server failing in each way servers fail, Discord answering 429 and
 * 500, a deleted trigger message and a missing permission. Nothing a user
 * said is lost, and the next message works.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  botMessages,
  CHANNEL,
  MANY_CHANNELS,
  startHarness,
} from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";
import type { ScriptedReply } from "../fakes/fake_llm_server.ts";

async function answered(
  h: BotHarness,
  text: string,
  channel = CHANNEL,
): Promise<void> {
  const before = botMessages(h, channel).length;
  h.discord.sendUserMessage({
    channelId: channel,
    content: `<@${h.discord.botId}> ${text}`,
  });
  await h.discord.waitFor(
    () =>
      botMessages(h, channel).slice(before).some((m) =>
        m.content === `echo: alice: ${text}`
      ),
    15_000,
    `an answer to "${text}"`,
  );
}

Deno.test("killed with SIGKILL mid-stream: the message is kept, the reply marked partial, nothing posted twice", async () => {
  await using h = await startHarness();
  h.llm.script({
    chunks: ["half ", "an ", "answer ", "that ", "never ", "ends"],
    chunk_delay_ms: 1_000,
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> tell me everything`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL)[0],
    10_000,
    "the first text",
  );
  assert.notEqual(await h.stop("SIGKILL"), 0);
  const db = new DatabaseSync(`${h.dir}/data/bot.db`, { readOnly: true });
  const rows = db.prepare(
    "SELECT role, content, partial FROM messages ORDER BY id",
  ).all() as {
    role: string;
    content: string;
    partial: number;
  }[];
  db.close();
  assert.deepEqual(rows.map((r) => [r.role, r.partial]), [["user", 0], [
    "assistant",
    1,
  ]]);
  assert.equal(rows[0]?.content, "tell me everything");
  const posted = botMessages(h, CHANNEL).length;
  await h.start();
  await answered(h, "are you back?");
  assert.equal(
    botMessages(h, CHANNEL).length,
    posted + 1,
    "no duplicate reply after the restart",
  );
  const last = h.llmMessages(1).map((m) => m.content);
  assert.ok(
    last.includes("alice: tell me everything"),
    "the earlier message is in the history",
  );
});

const llmFaults: [string, ScriptedReply][] = [
  ["HTTP 500", { status: 500 }],
  ["HTTP 503", { status: 503 }],
  ["HTTP 429", { status: 429, headers: { "retry-after": "0" } }],
  ["a stalled stream", { chunks: ["a ", "b ", "c"], stall_after: 1 }],
  ["a dropped connection", { chunks: ["a ", "b ", "c"], drop_after: 1 }],
  ["a garbage line", {
    chunks: ["a ", "b ", "c"],
    garbage_after: 1,
    garbage: "<html>oops</html>",
  }],
  ["an error object mid-stream", {
    chunks: ["a ", "b"],
    error_after: 1,
    error: { message: "CUDA out of memory" },
  }],
];

Deno.test("each kind of LLM failure gets a short reply in Discord, and the next message works", async (t) => {
  await using h = await startHarness();
  for (const [index, [name, fault]] of llmFaults.entries()) {
    // One channel per fault, so Discord's per-channel pace does not slow the test down.
    const channel = MANY_CHANNELS[index] ?? CHANNEL;
    await t.step(name, async () => {
      h.llm.script(fault);
      h.discord.sendUserMessage({
        channelId: channel,
        content: `<@${h.discord.botId}> try ${name}`,
      });
      const notice = await h.discord.waitFor(
        () =>
          botMessages(h, channel).find((m) => /(^|\n\n)⚠️ /.test(m.content)),
        20_000,
        `the error reply for ${name}`,
      );
      assert.ok(notice.content.length < 200);
      await answered(h, `after ${name}`, channel);
    });
  }
});

Deno.test("Discord 429s and 500s on sends are retried and the reply still arrives whole", async () => {
  await using h = await startHarness();
  h.discord.failNext({
    route: "POST /channels/{channel}/messages",
    times: 1,
    status: 429,
    retryAfterMs: 300,
  });
  await answered(h, "through a 429");
  h.discord.failNext({
    route: "POST /channels/{channel}/messages",
    times: 1,
    status: 500,
  });
  await answered(h, "through a 500");
});

Deno.test("a deleted trigger message and a missing permission do not stop the bot", async () => {
  await using h = await startHarness();
  let open = () => {};
  h.llm.script({
    chunks: ["late answer"],
    gate: new Promise<void>((resolve) => open = resolve),
  });
  const trigger = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> quick, delete this`,
  });
  await h.llm.waitForChatRequests(1);
  h.discord.deleteMessage(trigger.id);
  open();
  const reply = await h.discord.waitFor(
    () => botMessages(h, CHANNEL).find((m) => m.content === "late answer"),
    10_000,
    "the reply to a deleted message",
  );
  assert.equal(reply.replyToId, null, "sent as a plain message");

  h.discord.setSendable(CHANNEL, false);
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> can you speak?`,
  });
  await h.discord.waitFor(
    () => h.output().includes("Could not deliver a reply"),
    10_000,
    "the logged failure",
  );
  h.discord.setSendable(CHANNEL, true);
  await answered(h, "and now?");
});
