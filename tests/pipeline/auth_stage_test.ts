import assert from "node:assert/strict";
import {
  authStage,
  isAllowed,
  isTriggered,
  withoutBotMention,
} from "../../src/pipeline/stages/auth_stage.ts";
import { resolveRoute } from "../../src/pipeline/route.ts";
import type { TurnContext } from "../../src/pipeline/turn_context.ts";
import type { IncomingMessage } from "../../src/pipeline/incoming_message.ts";
import type { AccessConfig } from "../../src/config/config_types.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, testConfig } from "../support/test_config.ts";

function context(msg: IncomingMessage, config = testConfig()): TurnContext {
  const route = resolveRoute({ ...msg, user_id: msg.author.id }, config);
  if (route === null) throw new Error("test message is not routed");
  return {
    message: msg,
    config,
    route,
    bot_user_id: BOT_ID,
    started_at: 0,
    reply: new RecordingReply(),
    signal: new AbortController().signal,
    text: msg.content,
    persona_name: "",
    persona: null,
    user_message: null,
    request: [],
    max_tokens: 0,
    output: null,
    outcome: "ignored",
    detail: "",
  };
}

async function passes(
  msg: IncomingMessage,
  config = testConfig(),
): Promise<{ passed: boolean; ctx: TurnContext }> {
  const ctx = context(msg, config);
  let passed = false;
  await authStage().run(ctx, () => {
    passed = true;
    return Promise.resolve();
  });
  return { passed, ctx };
}

const alice = message().author;

Deno.test("authStage() ignores bots, webhooks and the bot itself", async (t) => {
  const cases: [string, Partial<IncomingMessage["author"]>][] = [
    ["another bot", { is_bot: true }],
    ["a webhook", { is_webhook: true }],
    ["the bot itself", { id: BOT_ID }],
  ];
  for (const [name, author] of cases) {
    await t.step(name, async () => {
      const { passed, ctx } = await passes(
        message({ author: { ...alice, ...author } }),
      );
      assert.equal(passed, false);
      assert.equal(ctx.outcome, "ignored");
    });
  }
});

Deno.test("isTriggered() follows the binding's triggers", async (t) => {
  const plain = message({ mentions_bot: false, content: "hi" });
  const replyToBot = message({
    mentions_bot: false,
    reply_to: {
      message_id: "1",
      author_id: BOT_ID,
      author_name: "Helper",
      content: "x",
    },
  });
  const replyToOther = message({
    mentions_bot: false,
    reply_to: {
      message_id: "1",
      author_id: "123",
      author_name: "Bob",
      content: "x",
    },
  });
  const cases: [
    string,
    IncomingMessage,
    ("mention" | "reply" | "always")[],
    boolean,
  ][] = [
    ["mention fires on a mention", message(), ["mention"], true],
    ["mention ignores plain text", plain, ["mention"], false],
    ["reply fires on a reply to the bot", replyToBot, ["reply"], true],
    ["reply ignores a reply to someone else", replyToOther, ["reply"], false],
    ["always fires on anything", plain, ["always"], true],
    ["mention+reply ignores plain text", plain, ["mention", "reply"], false],
  ];
  for (const [name, msg, triggers, expected] of cases) {
    await t.step(
      name,
      () => assert.equal(isTriggered(msg, triggers, BOT_ID), expected),
    );
  }
});

Deno.test("isAllowed() applies allow and deny lists for users and roles", async (t) => {
  const empty: AccessConfig = {
    allow_users: [],
    deny_users: [],
    allow_roles: [],
    deny_roles: [],
    admin_roles: [],
  };
  const author = { ...alice, role_ids: ["r1"] };
  const cases: [string, Partial<AccessConfig>, boolean][] = [
    ["empty lists allow everyone", {}, true],
    ["a denied user is refused", { deny_users: [author.id] }, false],
    ["a denied role is refused", { deny_roles: ["r1"] }, false],
    ["an allow list without the user refuses", { allow_users: ["999"] }, false],
    ["an allowed user passes", { allow_users: [author.id] }, true],
    ["an allowed role passes", { allow_roles: ["r1"] }, true],
    ["deny wins over allow", {
      allow_users: [author.id],
      deny_users: [author.id],
    }, false],
  ];
  for (const [name, access, expected] of cases) {
    await t.step(
      name,
      () => assert.equal(isAllowed(author, { ...empty, ...access }), expected),
    );
  }
});

Deno.test("authStage() removes the bot's mention from the text", async () => {
  assert.equal(
    withoutBotMention(`<@${BOT_ID}> what is 2+2?`, BOT_ID),
    "what is 2+2?",
  );
  assert.equal(
    withoutBotMention(`hey <@!${BOT_ID}>, help`, BOT_ID),
    "hey , help",
  );
  const { passed, ctx } = await passes(message({ text: "tell me a joke" }));
  assert.equal(passed, true);
  assert.equal(ctx.text, "tell me a joke");
});
