import assert from "node:assert/strict";
import {
  ALICE,
  api,
  CHANNEL,
  SANITIZED,
  startFake,
} from "./fake_discord/test_support.ts";

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
