/**
 * End to end: long answers, many channels at once within Discord's rate
 * limits, and a graceful stop while a reply is streaming.
 */
import assert from "node:assert/strict";
import {
  botMessages,
  CHANNEL,
  MANY_CHANNELS,
  startHarness,
} from "./bot_harness.ts";

function longAnswer(): string[] {
  const prose = "This paragraph explains the code below in some detail. "
    .repeat(18);
  const code = Array.from(
    { length: 60 },
    (_, i) => `  const value${i} = compute(${i}); // step ${i}`,
  ).join("\n");
  const text =
    `${prose}\n\n\`\`\`ts\nfunction main() {\n${code}\n}\n\`\`\`\n\n${prose}\n\n${prose}`;
  return text.match(/[\s\S]{1,97}/g) ?? [];
}

Deno.test("a 5000-character answer arrives as 3 or more messages of at most 2000, fences intact", async () => {
  await using h = await startHarness();
  const chunks = longAnswer();
  const total = chunks.join("").length;
  assert.ok(total > 5000, `answer is ${total} characters`);
  h.llm.script({ chunks, chunk_delay_ms: 5 });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> explain`,
  });
  await h.discord.waitFor(
    () =>
      h.output().includes('"outcome":"answered"') ||
      h.llm.openStreams === 0 && botMessages(h, CHANNEL).length >= 3,
    20_000,
    "the long answer",
  );
  await h.discord.waitFor(
    () => {
      const contents = botMessages(h, CHANNEL).map((m) => m.content);
      const joined = contents.join("");
      return contents.length >= 3 && joined.includes("step 59") &&
        joined.trimEnd().endsWith("detail.");
    },
    20_000,
    "every part of the answer",
  );
  const messages = botMessages(h, CHANNEL);
  assert.ok(messages.length >= 3);
  for (const message of messages) {
    assert.ok(
      message.content.length <= 2000,
      `${message.content.length} characters`,
    );
    const fences = message.content.match(/^```/gm)?.length ?? 0;
    assert.equal(fences % 2, 0, `unbalanced fence in:\n${message.content}`);
  }
  assert.equal(messages[0]?.replyToId !== null, true);
  const code = messages.map((m) => m.content).join("\n");
  for (let i = 0; i < 60; i++) {
    assert.ok(
      code.includes(`const value${i} = compute(${i});`),
      `line ${i} is missing`,
    );
  }
  assert.equal(
    h.discord.requests.filter((r) => r.status === 400).length,
    0,
    "Discord refused nothing",
  );
});

const TWENTY = MANY_CHANNELS.slice(0, 20);

Deno.test("20 channels streaming at once see no 429 from Discord", async () => {
  await using h = await startHarness();
  for (let i = 0; i < TWENTY.length; i++) {
    h.llm.script({
      chunks: Array.from({ length: 30 }, (_, j) => `word${j} `),
      chunk_delay_ms: 40,
    });
  }
  for (const channel of TWENTY) {
    h.discord.sendUserMessage({
      channelId: channel,
      content: `<@${h.discord.botId}> go`,
    });
  }
  const expected = Array.from({ length: 30 }, (_, j) => `word${j}`).join(" ");
  await h.discord.waitFor(
    () =>
      TWENTY.every((c) =>
        botMessages(h, c).some((m) => m.content === expected)
      ),
    30_000,
    "all 20 replies",
  );
  assert.equal(h.discord.rateLimitedCount(), 0);
  const edits = TWENTY.map((c) =>
    botMessages(h, c)[0]?.contentHistory.length ?? 0
  );
  assert.ok(edits.every((n) => n >= 2), `every reply streamed: ${edits}`);
});

Deno.test("SIGTERM lets a streaming reply finish, then the bot exits 0", async () => {
  await using h = await startHarness();
  h.llm.script({
    chunks: ["one ", "two ", "three ", "four"],
    chunk_delay_ms: 300,
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> count`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL)[0],
    10_000,
    "the first text",
  );
  const started = performance.now();
  assert.equal(await h.stop(), 0);
  assert.ok(performance.now() - started < 10_000, "stopped within 10 s");
  assert.equal(botMessages(h, CHANNEL)[0]?.content, "one two three four");
});

Deno.test("a reply that outlives the shutdown grace period is cut short and marked interrupted", async () => {
  await using h = await startHarness({ env: { BOT_SHUTDOWN_GRACE: "300ms" } });
  h.llm.script({ chunks: ["start ", "never ", "ends"], chunk_delay_ms: 3_000 });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> slow`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL)[0],
    10_000,
    "the first text",
  );
  assert.equal(await h.stop(), 0);
  const contents = botMessages(h, CHANNEL).map((m) => m.content);
  assert.match(
    contents[0] ?? "",
    /^start\s*\n\n⚠️ The bot is restarting/,
    "the cut is explained under the text",
  );
});
