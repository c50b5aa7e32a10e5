/**
 * End to end: the gateway failing in the ways Discord's close codes
 * describe, vanishing altogether, and malformed events. The bot resumes,
 * re-identifies or stops with a clear message, never spins, and keeps
 * answering.
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

async function answers(h: BotHarness, text: string): Promise<void> {
  const before = botMessages(h, CHANNEL).length;
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${text}`,
  });
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).slice(before).some((m) =>
        m.content === `echo: alice: ${text}`
      ),
    15_000,
    `an answer to "${text}"`,
  );
}

// "reconnect": Discord allows reconnecting; whether the old session may be resumed is its call
// (the fake, like Discord, ends the session on 4001 and 4005, so the bot identifies again).
const CLOSE_CODES: [number, "resume" | "reconnect" | "reidentify" | "stop"][] =
  [
    [4000, "resume"],
    [4001, "reconnect"],
    [4002, "resume"],
    [4003, "reidentify"],
    [4004, "stop"],
    [4005, "reconnect"],
    [4007, "reidentify"],
    [4008, "resume"],
    [4009, "reidentify"],
    [4010, "stop"],
    [4011, "stop"],
    [4012, "stop"],
    [4013, "stop"],
    [4014, "stop"],
  ];

Deno.test("each gateway close code 4000–4014 makes the bot resume, identify again, or stop with a reason", async (t) => {
  for (const [code, action] of CLOSE_CODES) {
    await t.step(`${code}: ${action}`, async () => {
      await using h = await startHarness();
      h.discord.gateway.closeConnections(code);
      if (action === "stop") {
        assert.equal(await h.exited(10_000), 1);
        assert.match(h.output(), new RegExp(`close code ${code}`));
        return;
      }
      const sessions = () =>
        action === "resume"
          ? h.discord.gateway.resumes.length
          : action === "reidentify"
          ? h.discord.gateway.identifies.length - 1
          : h.discord.gateway.resumes.length +
            h.discord.gateway.identifies.length - 1;
      await h.discord.waitFor(
        () => sessions() >= 1,
        15_000,
        `the bot to ${action}`,
      );
      await answers(h, `after ${code}`);
      const attempts = h.output().split("\n").filter((l) =>
        l.includes("Reconnecting to the Discord gateway in")
      );
      assert.ok(
        attempts.length <= 1,
        `no spinning: ${attempts.length} delayed attempts`,
      );
    });
  }
});

Deno.test("a vanished gateway is retried with growing pauses, and the bot answers once it is back", async () => {
  await using h = await startHarness();
  await h.discord.gateway.vanish();
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  const attempts = h.output().split("\n").filter((line) =>
    line.includes("Reconnecting to the Discord gateway in")
  );
  assert.ok(
    attempts.length >= 1 && attempts.length <= 6,
    `${attempts.length} reconnect attempts in 4 s`,
  );
  h.discord.gateway.restore();
  await h.discord.waitFor(
    () =>
      h.discord.gateway.resumes.length + h.discord.gateway.identifies.length >=
        2,
    30_000,
    "the bot to reconnect",
  );
  await answers(h, "back again");
});

Deno.test("malformed and unexpected events are logged and skipped; the bot keeps answering", async () => {
  await using h = await startHarness();
  const base = {
    id: "600000000000000001",
    channel_id: CHANNEL,
    guild_id: "200000000000000000",
  };
  const broken: unknown[] = [
    {},
    { ...base },
    { ...base, author: null, content: 5 },
    {
      ...base,
      author: { id: "not-a-snowflake" },
      content: "<@x>",
      mentions: "nope",
    },
    {
      ...base,
      author: { id: "300000000000000001", username: "alice" },
      content: null,
      timestamp: "yesterday",
    },
    {
      ...base,
      author: { id: "300000000000000001" },
      referenced_message: { id: 12 },
      message_reference: "x",
    },
  ];
  for (const d of broken) h.discord.dispatch("MESSAGE_CREATE", d);
  h.discord.dispatch("INTERACTION_CREATE", {
    id: "1",
    type: 2,
    token: "t",
    data: { name: "reset" },
  });
  h.discord.dispatch("INTERACTION_CREATE", { type: 99 });
  h.discord.dispatch("SOMETHING_NEW", { whatever: true });
  h.discord.gateway.sendRaw("this is not json");
  await answers(h, "still fine");
});
