/**
 * End to end against a Discord-compatible server that behaves as real ones
 * and real networks do (issue 11, items 2–4; issue 10, item 8): a 2xx answer
 * the client cannot parse, a connection dropped mid-request without
 * rate-limit headers, a request that never gets an answer, and a refused
 * command registration. The reply arrives once and whole, every route
 * recovers, and failures are logged with their reason.
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

const EDIT = "PATCH /channels/{channel}/messages/{message}";
const SEND = "POST /channels/{channel}/messages";

function mention(h: BotHarness, text: string) {
  return h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${text}`,
  });
}

async function answered(h: BotHarness, text: string, want: string) {
  const before = botMessages(h, CHANNEL).length;
  mention(h, text);
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).slice(before).some((m) => m.content === want),
    15_000,
    `the answer "${want}"`,
  );
}

/** The assistant messages as stored: content and partial flag. */
function storedReplies(h: BotHarness): [string, number][] {
  const db = new DatabaseSync(`${h.dir}/data/bot.db`, { readOnly: true });
  try {
    return db.prepare(
      "SELECT content, partial FROM messages WHERE role = 'assistant' ORDER BY id",
    ).all().map((row) => [String(row.content), Number(row.partial)]);
  } finally {
    db.close();
  }
}

Deno.test("a 2xx answer the client cannot parse is a success: the reply arrives once, whole, without a failure notice", async () => {
  await using h = await startHarness();
  // The send's answer is not JSON; the edit's has member roles as objects.
  h.discord.failNext({ route: SEND, times: 1, rawBody: "<html>OK</html>" });
  h.discord.failNext({
    route: EDIT,
    times: 1,
    mangle: (body) => ({
      ...(body as Record<string, unknown>),
      member: { roles: [{ id: "1", name: "admins" }] },
    }),
  });
  h.llm.script({ chunks: ["Hello", " world"], chunk_delay_ms: 400 });
  mention(h, "hi");
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).some((m) => m.content === "Hello world"),
    15_000,
    "the whole reply",
  );
  // Settle: nothing more may follow (no repeated edit, no notice).
  await answered(h, "next", "echo: alice: next");
  const replies = botMessages(h, CHANNEL).map((m) => m.content);
  assert.deepEqual(replies, ["Hello world", "echo: alice: next"]);
  // Never the same edit twice (a success was never taken for a failure); a
  // later edit may take the Stop button off.
  const edits = h.discord.requestsTo(EDIT).map((r) => JSON.stringify(r.body));
  assert.deepEqual(edits, [...new Set(edits)], "no edit was repeated");
  const nonces = h.discord.requestsTo(SEND).map((r) =>
    (r.body as { nonce?: string }).nonce
  );
  assert.equal(
    nonces.filter((n) => n === nonces[0]).length,
    2,
    "the send whose answer could not be read was asked again once (same nonce)",
  );
  assert.deepEqual(storedReplies(h)[0], ["Hello world", 0]);
});

Deno.test("a connection dropped mid-request without rate-limit headers: the route recovers and the reply completes", async () => {
  await using h = await startHarness();
  h.discord.failNext({
    route: EDIT,
    times: 1,
    drop: true,
    noRateLimitHeaders: true,
  });
  h.llm.script({ chunks: ["one", " two", " three"], chunk_delay_ms: 400 });
  mention(h, "count");
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).some((m) => m.content === "one two three"),
    15_000,
    "the whole reply after the dropped edit",
  );
  await answered(h, "still there?", "echo: alice: still there?");
  assert.equal(
    botMessages(h, CHANNEL).filter((m) => m.content.startsWith("⚠️")).length,
    0,
  );
  assert.deepEqual(storedReplies(h)[0], ["one two three", 0]);
  assert.match(h.output(), /Discord request failed: PATCH \/channels\//);
});

Deno.test("a request that never gets an answer hits its deadline; the reply goes on and the channel's next turn runs", async () => {
  let release = () => {};
  const hold = new Promise<void>((resolve) => release = resolve);
  await using h = await startHarness({
    configParts: { discord: "  request_timeout: 1s" },
  });
  try {
    h.discord.failNext({ route: SEND, times: 1, hold });
    mention(h, "stuck");
    await h.discord.waitFor(
      () =>
        botMessages(h, CHANNEL).some((m) => m.content === "echo: alice: stuck"),
      15_000,
      "the reply after the stuck send",
    );
    await answered(h, "and now?", "echo: alice: and now?");
    assert.equal(
      botMessages(h, CHANNEL).filter((m) => m.content === "echo: alice: stuck")
        .length,
      1,
      "posted once",
    );
  } finally {
    release();
  }
});

Deno.test("a refused command registration is logged at start-up with Discord's reason", async () => {
  await using h = await startHarness();
  h.discord.failNext({
    route: "PUT /applications/{application}/commands",
    times: 1,
    status: 400,
    body: {
      message: "Invalid Form Body",
      code: 50035,
      errors: {
        "0": {
          name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] },
        },
      },
    },
  });
  await h.stop();
  await h.start();
  const logged = () =>
    h.output().split("\n").some((line) =>
      line.includes(
        "Could not register the slash commands: Discord answered 400 (code 50035): Invalid Form Body {",
      ) && line.includes("APPLICATION_COMMAND_INVALID_NAME")
    );
  await eventually(
    () => Promise.resolve(logged()),
    10_000,
    "the reason, with the fields Discord named",
  );
  assert.match(
    h.output(),
    /Discord request failed: PUT \/applications\/\d+\/commands → 400 Invalid Form Body \(code 50035\)/,
  );
});

Deno.test("a server that ignores allowed_mentions: model text with @everyone and @here pings nobody", async () => {
  await using h = await startHarness();
  h.discord.failNext({ route: SEND, times: 10, ignoreAllowedMentions: true });
  h.discord.failNext({ route: EDIT, times: 10, ignoreAllowedMentions: true });
  h.llm.script({
    chunks: ["Attention @everyone", " and @here: ", "dinner is ready"],
    chunk_delay_ms: 300,
  });
  mention(h, "announce it");
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).some((m) => m.content.endsWith("ready")),
    15_000,
    "the whole reply",
  );
  const [reply] = botMessages(h, CHANNEL);
  assert.equal(
    reply?.content,
    "Attention @\u200Deveryone and @\u200Dhere: dinner is ready",
  );
  assert.equal(reply?.pings.everyone, false);
  assert.equal(reply?.allowedMentions, null, "the server dropped it");
});

Deno.test("a token in another format: the bot learns its id from Discord and answers mentions", async () => {
  await using h = await startHarness({
    fake: { token: "compat-server-token-4f2a9c" },
  });
  await answered(h, "who are you?", "echo: alice: who are you?");
  assert.ok(
    h.discord.requestsTo("GET /users/@me").length >= 1,
    "asked Discord who the bot is",
  );
});
