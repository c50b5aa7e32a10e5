import assert from "node:assert/strict";
import { ManualClock } from "./fake_discord/clock.ts";
import {
  FakeDiscord,
  type FakeDiscordOptions,
} from "./fake_discord/fake_discord.ts";
import { GatewayTestClient } from "./fake_discord/gateway_test_client.ts";
import { Intents } from "./fake_discord/types.ts";

const GUILD = "200000000000000000";
const CHANNEL = "200000000000000001";
const OTHER_CHANNEL = "200000000000000002";
const THREAD = "200000000000000003";
const ALICE = "300000000000000001";
// JSON answers are checked field by field; a loose type keeps those checks readable.
// deno-lint-ignore no-explicit-any
type Loose = any;

/** Deno 2.9 leaves the ops and resources sanitizers off unless asked; these tests ask. */
const SANITIZED = { sanitizeOps: true, sanitizeResources: true };
const BOT_INTENTS = Intents.Guilds | Intents.GuildMessages |
  Intents.DirectMessages |
  Intents.MessageContent;

function startFake(options: FakeDiscordOptions = {}): FakeDiscord {
  return FakeDiscord.start({
    users: [{ id: ALICE, username: "alice" }],
    guilds: [{
      id: GUILD,
      name: "Test guild",
      channels: [{ id: CHANNEL, name: "general" }, {
        id: OTHER_CHANNEL,
        name: "random",
      }],
      threads: [{ id: THREAD, parentId: CHANNEL, name: "a thread" }],
      roles: [{ id: "400000000000000001", name: "admins", permissions: "8" }],
      memberRoles: { [ALICE]: ["400000000000000001"] },
    }],
    ...options,
  });
}

async function api(
  fake: FakeDiscord,
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = `Bot ${fake.token}`,
): Promise<{ status: number; json: Loose; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = auth;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${fake.restBaseUrl}/v10${path}`, {
    method,
    headers,
    body: body === undefined
      ? null
      : typeof body === "string"
      ? body
      : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

async function connectIdentified(fake: FakeDiscord, intents = BOT_INTENTS) {
  const client = await GatewayTestClient.connect(fake.gatewayUrl);
  await client.next((f) => f.op === 10);
  client.identify(fake.token, intents);
  const ready = await client.nextDispatch("READY");
  return { client, ready: ready.d as Loose, seq: ready.s ?? 0 };
}

Deno.test(
  "REST answers 401 without or with a wrong bot token, and records it",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const missing = await api(fake, "GET", "/users/@me", undefined, null);
      assert.equal(missing.status, 401);
      assert.deepEqual(missing.json, { message: "401: Unauthorized", code: 0 });
      const wrong = await api(
        fake,
        "GET",
        "/users/@me",
        undefined,
        "Bot not-the-token",
      );
      assert.equal(wrong.status, 401);
      const good = await api(fake, "GET", "/users/@me");
      assert.equal(good.status, 200);
      assert.equal(good.json.id, fake.botId);
      assert.equal(good.json.bot, true);
      assert.deepEqual(
        fake.requests.map((r) => [r.route, r.status, r.authorized]),
        [
          ["GET /users/@me", 401, false],
          ["GET /users/@me", 401, false],
          ["GET /users/@me", 200, true],
        ],
      );
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "the token's first part decodes to the bot id, like a real token",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      assert.equal(atob(fake.token.split(".")[0] ?? ""), fake.botId);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "GET /gateway/bot points at the fake gateway",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const { status, json } = await api(fake, "GET", "/gateway/bot");
      assert.equal(status, 200);
      assert.equal(json.url, fake.gatewayUrl);
      assert.equal(json.shards, 1);
      assert.equal(json.session_start_limit.max_concurrency, 1);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "POST message: 2000 characters pass, 2001 get 400 Invalid Form Body 50035",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const okay = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "a".repeat(2000),
      });
      assert.equal(okay.status, 200);
      assert.equal(okay.json.author.id, fake.botId);
      const tooLong = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "b".repeat(2001),
      });
      assert.equal(tooLong.status, 400);
      assert.deepEqual(tooLong.json, {
        message: "Invalid Form Body",
        code: 50035,
        errors: {
          content: {
            _errors: [{
              code: "BASE_TYPE_MAX_LENGTH",
              message: "Must be 2000 or fewer in length.",
            }],
          },
        },
      });
      assert.deepEqual(fake.contentsIn(CHANNEL), ["a".repeat(2000)]);
      assert.equal(fake.requests.at(-1)?.errorCode, 50035);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "POST message rules: empty 50006, unknown channel 10003, bad JSON 50109",
  SANITIZED,
  async (t) => {
    const fake = startFake();
    try {
      const cases: [string, string, unknown, number, number][] = [
        ["empty content", CHANNEL, { content: "" }, 400, 50006],
        ["whitespace only", CHANNEL, { content: "  \n" }, 400, 50006],
        ["no fields", CHANNEL, {}, 400, 50006],
        ["unknown channel", "999", { content: "hi" }, 404, 10003],
        ["invalid JSON", CHANNEL, "{not json", 400, 50109],
        [
          "exclusive parse and users",
          CHANNEL,
          {
            content: "hi",
            allowed_mentions: { parse: ["users"], users: [ALICE] },
          },
          400,
          50035,
        ],
      ];
      for (const [name, channel, body, status, code] of cases) {
        await t.step(name, async () => {
          const response = await api(
            fake,
            "POST",
            `/channels/${channel}/messages`,
            body,
          );
          assert.equal(response.status, status);
          assert.equal(response.json.code, code);
        });
      }
      assert.deepEqual(fake.messagesIn(CHANNEL), []);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "message_reference: unknown target 400 unless fail_if_not_exists is false",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const trigger = fake.sendUserMessage({
        channelId: CHANNEL,
        content: "hello bot",
      });
      const reply = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "hi alice",
        message_reference: {
          message_id: trigger.id,
          fail_if_not_exists: false,
        },
        allowed_mentions: { parse: [] },
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.type, 19);
      assert.equal(reply.json.message_reference.message_id, trigger.id);
      assert.equal(fake.messagesIn(CHANNEL).at(-1)?.pings.repliedUser, false);

      const unknown = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "to nowhere",
        message_reference: { message_id: "12345" },
      });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.json.code, 50035);
      assert.equal(
        unknown.json.errors.message_reference._errors[0].code,
        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
      );
      fake.deleteMessage(trigger.id);
      const lenient = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "trigger was deleted",
        message_reference: {
          message_id: trigger.id,
          fail_if_not_exists: false,
        },
      });
      assert.equal(lenient.status, 200);
      assert.equal(lenient.json.type, 0);
      assert.equal(lenient.json.message_reference, undefined);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "allowed_mentions with parse [] makes @everyone and <@id> ping nobody",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const text = `@everyone look <@${ALICE}>`;
      await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: text,
        allowed_mentions: { parse: [] },
      });
      await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: text,
      });
      const [quiet, loud] = fake.messagesIn(CHANNEL);
      assert.deepEqual(quiet?.pings, {
        everyone: false,
        users: [],
        roles: [],
        repliedUser: false,
      });
      assert.deepEqual(loud?.pings, {
        everyone: true,
        users: [ALICE],
        roles: [],
        repliedUser: false,
      });
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "edits and deletes change what messagesIn shows; others' messages are refused",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const sent = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "draft",
      });
      const id = sent.json.id as string;
      const edited = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${id}`,
        {
          content: "final",
        },
      );
      assert.equal(edited.status, 200);
      assert.equal(typeof edited.json.edited_timestamp, "string");
      assert.deepEqual(fake.contentsIn(CHANNEL), ["final"]);
      assert.deepEqual(fake.messagesIn(CHANNEL)[0]?.contentHistory, [
        "draft",
        "final",
      ]);
      const emptied = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${id}`,
        {
          content: "",
        },
      );
      assert.equal(emptied.json.code, 50006);
      const user = fake.sendUserMessage({
        channelId: CHANNEL,
        content: "mine",
      });
      const foreign = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${user.id}`,
        {
          content: "hijacked",
        },
      );
      assert.equal(foreign.status, 403);
      assert.equal(foreign.json.code, 50005);
      const deleted = await api(
        fake,
        "DELETE",
        `/channels/${CHANNEL}/messages/${id}`,
      );
      assert.equal(deleted.status, 204);
      assert.deepEqual(fake.contentsIn(CHANNEL), ["mine"]);
      const gone = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${id}`,
        { content: "x" },
      );
      assert.equal(gone.json.code, 10008);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "the 6th send or edit in a channel's window gets 429 with retry_after and headers",
  SANITIZED,
  async () => {
    const clock = new ManualClock();
    const fake = startFake({ clock });
    try {
      const remaining: string[] = [];
      const first = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "0",
      });
      remaining.push(first.headers.get("x-ratelimit-remaining") ?? "");
      for (let i = 1; i < 4; i++) {
        const r = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
          content: `${i}`,
        });
        remaining.push(r.headers.get("x-ratelimit-remaining") ?? "");
      }
      clock.advance(1000);
      const edit = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${first.json.id}`,
        {
          content: "edited",
        },
      );
      remaining.push(edit.headers.get("x-ratelimit-remaining") ?? "");
      assert.deepEqual(remaining, ["4", "3", "2", "1", "0"]);
      assert.equal(edit.headers.get("x-ratelimit-limit"), "5");
      assert.equal(edit.headers.get("x-ratelimit-reset-after"), "4.000");
      assert.equal(edit.headers.get("x-ratelimit-scope"), null);

      clock.advance(1500);
      const limited = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "6th",
      });
      assert.equal(limited.status, 429);
      assert.deepEqual(limited.json, {
        message: "You are being rate limited.",
        retry_after: 2.5,
        global: false,
      });
      assert.equal(limited.headers.get("retry-after"), "3");
      assert.equal(limited.headers.get("x-ratelimit-limit"), "5");
      assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
      assert.equal(limited.headers.get("x-ratelimit-reset-after"), "2.500");
      assert.equal(
        limited.headers.get("x-ratelimit-reset"),
        ((clock.now() + 2500) / 1000).toFixed(3),
      );
      assert.equal(typeof limited.headers.get("x-ratelimit-bucket"), "string");
      assert.equal(limited.headers.get("x-ratelimit-scope"), "user");

      const elsewhere = await api(
        fake,
        "POST",
        `/channels/${OTHER_CHANNEL}/messages`,
        {
          content: "other channel has its own bucket",
        },
      );
      assert.equal(elsewhere.status, 200);
      clock.advance(2500);
      const later = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "later",
      });
      assert.equal(later.status, 200);
      assert.equal(later.headers.get("x-ratelimit-remaining"), "4");
      assert.equal(fake.rateLimitedCount(), 1);
      assert.deepEqual(fake.contentsIn(CHANNEL), [
        "edited",
        "1",
        "2",
        "3",
        "later",
      ]);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "the global limit answers 429 with X-RateLimit-Global",
  SANITIZED,
  async () => {
    const clock = new ManualClock();
    const fake = startFake({
      clock,
      globalRateLimit: { limit: 3, windowMs: 1000 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await api(fake, "GET", "/users/@me")).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const limited = await api(fake, "GET", `/channels/${CHANNEL}`);
      assert.equal(limited.status, 429);
      assert.equal(limited.json.global, true);
      assert.equal(limited.headers.get("x-ratelimit-global"), "true");
      assert.equal(limited.headers.get("x-ratelimit-scope"), "global");
      clock.advance(1000);
      assert.equal(
        (await api(fake, "GET", `/channels/${CHANNEL}`)).status,
        200,
      );
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "failNext injects 500s and 429s for the next matching requests only",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      fake.failNext({
        route: "POST /channels/{channel}/messages",
        times: 2,
        status: 500,
      });
      fake.failNext({
        path: /typing$/,
        times: 1,
        status: 429,
        retryAfterMs: 1250,
      });
      const send = () =>
        api(fake, "POST", `/channels/${CHANNEL}/messages`, { content: "x" });
      assert.deepEqual([
        (await send()).status,
        (await send()).status,
        (await send()).status,
      ], [
        500,
        500,
        200,
      ]);
      const typing = await api(fake, "POST", `/channels/${CHANNEL}/typing`);
      assert.equal(typing.status, 429);
      assert.equal(typing.json.retry_after, 1.25);
      assert.equal(typing.headers.get("retry-after"), "2");
      assert.equal(typing.headers.get("x-ratelimit-remaining"), "0");
      assert.equal(typing.headers.get("x-ratelimit-reset-after"), "1.250");
      assert.equal(
        (await api(fake, "POST", `/channels/${CHANNEL}/typing`)).status,
        204,
      );
      assert.equal(fake.rateLimitedCount(), 1);
      assert.equal(fake.rateLimitedCount(true), 0);
      assert.deepEqual(fake.failures, []);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "a missing permission answers 403 50013 for sends and typing",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      fake.setSendable(CHANNEL, false);
      const send = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "x",
      });
      assert.deepEqual([send.status, send.json.code], [403, 50013]);
      const typing = await api(fake, "POST", `/channels/${CHANNEL}/typing`);
      assert.equal(typing.status, 403);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "interaction callback: once within the deadline, 10062 after it, 40060 twice",
  SANITIZED,
  async () => {
    const clock = new ManualClock();
    const fake = startFake({ clock, interactionDeadlineMs: 3000 });
    try {
      const callback = (id: string, token: string, body: unknown) =>
        api(fake, "POST", `/interactions/${id}/${token}/callback`, body, null);
      const onTime = fake.sendCommand({
        channelId: CHANNEL,
        commandName: "reset",
      });
      clock.advance(3000);
      const first = await callback(onTime.id, onTime.token, {
        type: 4,
        data: { content: "History cleared.", flags: 64 },
      });
      assert.equal(first.status, 204);
      const second = await callback(onTime.id, onTime.token, {
        type: 4,
        data: { content: "again" },
      });
      assert.deepEqual([second.status, second.json.code], [400, 40060]);
      assert.equal(
        second.json.message,
        "Interaction has already been acknowledged.",
      );
      const original = fake.messagesIn(CHANNEL).at(-1);
      assert.equal(original?.content, "History cleared.");
      assert.equal(original?.ephemeral, true);

      const late = fake.sendCommand({
        channelId: CHANNEL,
        commandName: "reset",
      });
      clock.advance(3001);
      const tooLate = await callback(late.id, late.token, { type: 5 });
      assert.deepEqual([tooLate.status, tooLate.json.code], [404, 10062]);
      const wrongToken = await callback(onTime.id, "nope", { type: 5 });
      assert.equal(wrongToken.json.code, 10062);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "deferred interaction: PATCH @original fills it, follow-ups add messages",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const interaction = fake.sendCommand({
        channelId: CHANNEL,
        commandName: "persona",
        options: [{ name: "name", value: "pirate" }],
      });
      const base = `/webhooks/${fake.applicationId}/${interaction.token}`;
      const early = await api(fake, "PATCH", `${base}/messages/@original`, {
        content: "x",
      }, null);
      assert.equal(early.json.code, 10008);
      const deferred = await api(
        fake,
        "POST",
        `/interactions/${interaction.id}/${interaction.token}/callback?with_response=true`,
        { type: 5, data: { flags: 64 } },
        null,
      );
      assert.equal(deferred.status, 200);
      assert.equal(deferred.json.interaction.response_message_loading, true);
      const edited = await api(fake, "PATCH", `${base}/messages/@original`, {
        content: "Persona set to pirate.",
      }, null);
      assert.equal(edited.status, 200);
      assert.equal(edited.json.flags, 64);
      const follow = await api(
        fake,
        "POST",
        base,
        { content: "one more thing" },
        null,
      );
      assert.equal(follow.status, 200);
      assert.deepEqual(fake.contentsIn(CHANNEL), [
        "Persona set to pirate.",
        "one more thing",
      ]);
      assert.deepEqual(fake.interaction(interaction.id)?.followUpIds, [
        follow.json.id,
      ]);
      const tooLong = await api(fake, "PATCH", `${base}/messages/@original`, {
        content: "z".repeat(2001),
      }, null);
      assert.equal(tooLong.json.code, 50035);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "autocomplete accepts only type 8 with at most 25 choices",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const callback = (body: unknown) => {
        const i = fake.sendAutocomplete({
          channelId: CHANNEL,
          commandName: "persona",
          options: [{ name: "name", value: "pi", focused: true }],
        });
        return api(
          fake,
          "POST",
          `/interactions/${i.id}/${i.token}/callback`,
          body,
          null,
        );
      };
      assert.equal(
        (await callback({ type: 4, data: { content: "no" } })).json.code,
        50035,
      );
      const choices = Array.from(
        { length: 26 },
        (_, i) => ({ name: `p${i}`, value: `p${i}` }),
      );
      assert.equal(
        (await callback({ type: 8, data: { choices } })).json.code,
        50035,
      );
      const good = await callback({
        type: 8,
        data: { choices: choices.slice(0, 2) },
      });
      assert.equal(good.status, 204);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "bulk command overwrite keeps ids of unchanged names and validates names",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const path =
        `/applications/${fake.applicationId}/guilds/${GUILD}/commands`;
      const commands = [
        { name: "reset", description: "Forget the conversation" },
        {
          name: "persona",
          description: "Switch persona",
          options: [
            {
              type: 3,
              name: "name",
              description: "Persona",
              required: true,
              autocomplete: true,
            },
          ],
        },
      ];
      const first = await api(fake, "PUT", path, commands);
      const second = await api(fake, "PUT", path, commands);
      assert.equal(first.status, 200);
      assert.deepEqual(
        second.json.map((c: { id: string }) => c.id),
        first.json.map((c: { id: string }) => c.id),
      );
      assert.equal(first.json[0].guild_id, GUILD);
      assert.deepEqual(fake.commands(GUILD).map((c) => c.name), [
        "reset",
        "persona",
      ]);
      const bad = await api(fake, "PUT", path, [{
        name: "Reset",
        description: "x",
      }]);
      assert.equal(bad.json.code, 50035);
      assert.ok(bad.json.errors["0"].name);
      const listed = await api(
        fake,
        "GET",
        `/applications/${fake.applicationId}/commands`,
      );
      assert.deepEqual(listed.json, []);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "gateway: HELLO, IDENTIFY → READY then GUILD_CREATE, heartbeat → ACK",
  SANITIZED,
  async () => {
    const fake = startFake({ heartbeatIntervalMs: 1100 });
    const client = await GatewayTestClient.connect(fake.gatewayUrl);
    try {
      const hello = await client.next();
      assert.deepEqual([
        hello.op,
        (hello.d as { heartbeat_interval: number }).heartbeat_interval,
      ], [
        10,
        1100,
      ]);
      client.send({ op: 1, d: null });
      assert.equal((await client.next()).op, 11);
      client.identify(`Bot ${fake.token}`, BOT_INTENTS);
      const ready = await client.nextDispatch("READY");
      const d = ready.d as Loose;
      assert.equal(ready.s, 1);
      assert.equal(d.user.id, fake.botId);
      assert.equal(d.application.id, fake.applicationId);
      assert.equal(d.resume_gateway_url, fake.gatewayUrl);
      assert.deepEqual(d.guilds, [{ id: GUILD, unavailable: true }]);
      assert.equal(typeof d.session_id, "string");
      const guild = await client.nextDispatch("GUILD_CREATE");
      const g = guild.d as Loose;
      assert.equal(guild.s, 2);
      assert.deepEqual(g.channels.map((c: { id: string }) => c.id), [
        CHANNEL,
        OTHER_CHANNEL,
      ]);
      assert.deepEqual(
        g.threads.map((c: { parent_id: string }) => c.parent_id),
        [
          CHANNEL,
        ],
      );
      assert.ok(
        g.members.some((m: { user: { id: string } }) =>
          m.user.id === fake.botId
        ),
      );
      assert.equal(fake.intents, BOT_INTENTS);
      client.send({ op: 1, d: 2 });
      assert.equal((await client.next()).op, 11);
      assert.equal(
        fake.gatewayReceived.filter((r) => r.payload?.op === 1).length,
        2,
      );
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "gateway closes with Discord's codes for bad handshakes",
  SANITIZED,
  async (t) => {
    const fake = startFake({ enabledPrivilegedIntents: 0 });
    try {
      const cases: [string, (c: GatewayTestClient) => void, number][] = [
        ["wrong token", (c) => c.identify("Bot wrong", BOT_INTENTS), 4004],
        [
          "privileged intent not enabled",
          (c) => c.identify(fake.token, BOT_INTENTS),
          4014,
        ],
        ["unknown intent bit", (c) => c.identify(fake.token, 1 << 18), 4013],
        [
          "invalid shard",
          (c) => c.identify(fake.token, 1, { shard: [1, 1] }),
          4010,
        ],
        ["payload before identify", (c) => c.send({ op: 3, d: {} }), 4003],
        ["unknown opcode", (c) => c.send({ op: 42, d: null }), 4001],
        ["not JSON", (c) => c.send("{oops"), 4002],
      ];
      for (const [name, act, code] of cases) {
        await t.step(name, async () => {
          const client = await GatewayTestClient.connect(fake.gatewayUrl);
          await client.next((f) => f.op === 10);
          act(client);
          assert.equal((await client.closed).code, code);
        });
      }
      await t.step("wrong API version", async () => {
        const client = await GatewayTestClient.connect(
          fake.gatewayUrl,
          "?v=9&encoding=json",
        );
        assert.equal((await client.closed).code, 4012);
      });
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "MESSAGE_CREATE carries content only with the Message Content intent or a mention",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(
      fake,
      Intents.Guilds | Intents.GuildMessages,
    );
    try {
      fake.sendUserMessage({ channelId: CHANNEL, content: "secret" });
      fake.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${fake.botId}> hello`,
      });
      const plain = (await client.nextDispatch("MESSAGE_CREATE")).d as Record<
        string,
        Loose
      >;
      const mention = (await client.nextDispatch("MESSAGE_CREATE")).d as Record<
        string,
        Loose
      >;
      assert.equal(plain.content, "");
      assert.equal(mention.content, `<@${fake.botId}> hello`);
      assert.equal(mention.guild_id, GUILD);
      assert.equal(mention.author.id, ALICE);
      assert.deepEqual(mention.member.roles, ["400000000000000001"]);
      assert.deepEqual(mention.mentions.map((u: { id: string }) => u.id), [
        fake.botId,
      ]);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "the bot's own REST messages are echoed as MESSAGE_CREATE and MESSAGE_UPDATE",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      const sent = await api(fake, "POST", `/channels/${THREAD}/messages`, {
        content: "mine",
      });
      const created = (await client.nextDispatch("MESSAGE_CREATE")).d as Record<
        string,
        Loose
      >;
      assert.deepEqual([created.id, created.author.id, created.author.bot], [
        sent.json.id,
        fake.botId,
        true,
      ]);
      await api(fake, "PATCH", `/channels/${THREAD}/messages/${sent.json.id}`, {
        content: "v2",
      });
      const updated = (await client.nextDispatch("MESSAGE_UPDATE")).d as Record<
        string,
        Loose
      >;
      assert.equal(updated.content, "v2");
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "RESUME replays the events missed while disconnected, then RESUMED",
  SANITIZED,
  async () => {
    const fake = startFake();
    const first = await connectIdentified(fake);
    const sessionId = first.ready.session_id as string;
    await first.client.nextDispatch("GUILD_CREATE");
    await first.client.close(4000);
    fake.sendUserMessage({ channelId: CHANNEL, content: "missed 1" });
    fake.createThread({
      id: "200000000000000009",
      parentId: CHANNEL,
      name: "new thread",
    });
    fake.sendUserMessage({ channelId: CHANNEL, content: "missed 2" });
    const client = await GatewayTestClient.connect(
      first.ready.resume_gateway_url,
    );
    try {
      await client.next((f) => f.op === 10);
      client.send({
        op: 6,
        d: { token: `Bot ${fake.token}`, session_id: sessionId, seq: 2 },
      });
      const replayed = [
        await client.next(),
        await client.next(),
        await client.next(),
      ];
      assert.deepEqual(replayed.map((f) => [f.t, f.s]), [
        ["MESSAGE_CREATE", 3],
        ["THREAD_CREATE", 4],
        ["MESSAGE_CREATE", 5],
      ]);
      assert.equal((replayed[2]?.d as { content: string }).content, "missed 2");
      const resumed = await client.next();
      assert.deepEqual([resumed.t, resumed.s], ["RESUMED", 6]);
      fake.sendUserMessage({ channelId: CHANNEL, content: "live" });
      assert.equal((await client.nextDispatch("MESSAGE_CREATE")).s, 7);
      assert.deepEqual(fake.gateway.resumes, [sessionId]);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "op 9 and non-resumable close codes end the session; RESUME then gets op 9 false",
  SANITIZED,
  async (t) => {
    const fake = startFake();
    try {
      const tryResume = async (sessionId: string) => {
        const client = await GatewayTestClient.connect(fake.gatewayUrl);
        await client.next((f) => f.op === 10);
        client.send({
          op: 6,
          d: { token: fake.token, session_id: sessionId, seq: 1 },
        });
        const answer = await client.next();
        await client.close();
        return answer;
      };
      await t.step("invalidateSession(false)", async () => {
        const { client, ready } = await connectIdentified(fake);
        fake.gateway.invalidateSessions(false);
        assert.deepEqual(await client.next((f) => f.op === 9), {
          op: 9,
          d: false,
          s: null,
          t: null,
        });
        await client.close();
        assert.deepEqual(await tryResume(ready.session_id), {
          op: 9,
          d: false,
          s: null,
          t: null,
        });
      });
      await t.step("close 4009 session timed out", async () => {
        const { client, ready } = await connectIdentified(fake);
        fake.gateway.closeConnections(4009);
        assert.deepEqual(await client.closed, {
          code: 4009,
          reason: "Session timed out.",
        });
        assert.equal((await tryResume(ready.session_id)).op, 9);
      });
      await t.step("close 4000 keeps the session resumable", async () => {
        const { client, ready } = await connectIdentified(fake);
        fake.gateway.closeConnections(4000);
        assert.equal((await client.closed).code, 4000);
        const answer = await tryResume(ready.session_id);
        assert.equal(answer.t, "GUILD_CREATE");
      });
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "sendRaw delivers malformed frames as is; dispatch sends any event",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      fake.gateway.sendRaw("{definitely not json");
      fake.gateway.sendRaw({
        op: 0,
        t: "MESSAGE_CREATE",
        s: null,
        d: { id: 1 },
      });
      assert.equal(fake.dispatch("SOMETHING_NEW", { hello: "world" }), 1);
      const custom = await client.nextDispatch("SOMETHING_NEW");
      assert.deepEqual(custom.d, { hello: "world" });
      assert.ok(client.raw.includes("{definitely not json"));
      assert.ok(client.raw.some((r) => r.includes('"d":{"id":1}')));
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "vanish drops connections and refuses new ones; restore brings resume back",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client, ready } = await connectIdentified(fake);
    try {
      await fake.gateway.vanish();
      const closed = await client.closed;
      assert.notEqual(closed.code, 1000);
      await assert.rejects(GatewayTestClient.connect(fake.gatewayUrl));
      fake.sendUserMessage({ channelId: CHANNEL, content: "while away" });
      fake.gateway.listen();
      const again = await GatewayTestClient.connect(fake.gatewayUrl);
      await again.next((f) => f.op === 10);
      again.send({
        op: 6,
        d: { token: fake.token, session_id: ready.session_id, seq: 2 },
      });
      assert.equal(
        ((await again.nextDispatch("MESSAGE_CREATE")).d as { content: string })
          .content,
        "while away",
      );
      assert.equal((await again.next()).t, "RESUMED");
      await again.close();
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "INTERACTION_CREATE carries the member, token and registered command id",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      await api(fake, "PUT", `/applications/${fake.applicationId}/commands`, [
        { name: "reset", description: "Forget" },
      ]);
      const sent = fake.sendCommand({
        channelId: THREAD,
        commandName: "reset",
      });
      const frame = await client.nextDispatch("INTERACTION_CREATE");
      const d = frame.d as Loose;
      assert.deepEqual([d.id, d.token, d.type, d.channel_id, d.guild_id], [
        sent.id,
        sent.token,
        2,
        THREAD,
        GUILD,
      ]);
      assert.equal(d.data.id, fake.commands("global")[0]?.id);
      assert.equal(d.member.user.id, ALICE);
      assert.equal(d.channel.parent_id, CHANNEL);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);
