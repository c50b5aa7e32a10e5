/**
 * Load, end to end: 50 channels, each with a stream of messages from three
 * users, for a bounded time, against per-channel rate limits. Every message
 * is stored; every one is answered or explicitly refused; each
 * conversation keeps its order; Discord never answers 429; memory stays
 * flat.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { botMessages, MANY_CHANNELS, startHarness } from "./bot_harness.ts";

const USERS = [
  "300000000000000001",
  "300000000000000002",
  "300000000000000003",
];
const ROUNDS = 6;

/** Resident memory of a process; read through `cat`, since Deno opens /proc files only with --allow-all. */
async function rssMb(pid: number): Promise<number> {
  const { stdout } = await new Deno.Command("cat", {
    args: [`/proc/${pid}/status`],
    stdout: "piped",
  }).output();
  const status = new TextDecoder().decode(stdout);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

Deno.test("50 channels under a stream of messages: all stored, all answered or refused, in order, no 429", async () => {
  await using h = await startHarness({
    fake: { users: USERS.map((id, i) => ({ id, username: `user${i}` })) },
    configExtra: "",
    env: {},
  });
  // The harness config allows 1000/minute; tighten the channel limit so some messages are refused.
  const file = `${h.dir}/bot.config.yaml`;
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(
    file,
    text.replace("per_channel: 1000/minute", "per_channel: 4/minute"),
  );
  await h.discord.waitFor(
    () => h.output().includes("Config reloaded"),
    10_000,
    "the tighter limit",
  );

  const pid = h.pid();
  assert.ok(pid !== null);
  const sent = new Map<string, string[]>(MANY_CHANNELS.map((c) => [c, []]));
  let rssEarly = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, channel] of MANY_CHANNELS.entries()) {
      const text = `r${round}c${index}`;
      sent.get(channel)!.push(text);
      h.discord.sendUserMessage({
        channelId: channel,
        authorId: USERS[(round + index) % USERS.length] ?? USERS[0]!,
        content: `<@${h.discord.botId}> ${text}`,
      });
    }
    if (round === 1) rssEarly = await rssMb(pid);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  // Each channel: the first 4 answered, the 5th refused with a notice, the 6th refused silently.
  await h.discord.waitFor(
    () =>
      MANY_CHANNELS.every((c) => {
        const mine = botMessages(h, c);
        return mine.filter((m) =>
              m.content.startsWith("echo:") && !m.content.endsWith(":")
            ).length === 4 &&
          mine.some((m) => m.content.startsWith("⏳"));
      }),
    60_000,
    "every channel's answers and notices",
  );
  const rssEnd = await rssMb(pid);
  const limited = h.discord.requests.filter((r) =>
    r.status === 429 && !r.injected
  );
  assert.deepEqual(
    limited.map((r) => JSON.stringify({ ...r, body: undefined })),
    [],
    "Discord never had to say 429",
  );

  for (const [index, channel] of MANY_CHANNELS.entries()) {
    const answers = botMessages(h, channel).filter((m) =>
      m.content.startsWith("echo:")
    ).map((m) => m.content.replace(/^echo: user\d: /, ""));
    assert.deepEqual(
      answers,
      sent.get(channel)!.slice(0, 4),
      `order in channel ${index}`,
    );
  }
  assert.equal(await h.stop(), 0);

  const db = new DatabaseSync(`${h.dir}/data/bot.db`, { readOnly: true });
  const users = db.prepare(
    "SELECT count(*) AS n FROM messages WHERE role = 'user'",
  ).get() as { n: number };
  const replies = db.prepare(
    "SELECT count(*) AS n FROM messages WHERE role = 'assistant' AND partial = 0",
  )
    .get() as { n: number };
  db.close();
  assert.equal(
    users.n,
    MANY_CHANNELS.length * ROUNDS,
    "every message was stored, refused ones too",
  );
  assert.equal(replies.n, MANY_CHANNELS.length * 4);
  assert.ok(rssEnd < 200, `RSS ${rssEnd.toFixed(0)} MB`);
  assert.ok(
    rssEnd - rssEarly < 80,
    `memory grew from ${rssEarly.toFixed(0)} to ${rssEnd.toFixed(0)} MB`,
  );
});
