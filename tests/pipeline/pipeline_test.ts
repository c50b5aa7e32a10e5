/**
 * The whole pipeline over real HTTP: the real LLM client against the fake
 * OpenAI-compatible server, the real SQLite store, the real runner.
 */
import assert from "node:assert/strict";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import type { BotServices } from "../../src/pipeline/bot_services.ts";
import {
  personaCommand,
  resetCommand,
} from "../../src/pipeline/commands/conversation_commands.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { Store } from "../../src/store/store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import type { FakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import {
  BOT_ID,
  CHANNEL,
  GUILD,
  testConfig,
  USER_SCOPE_CHANNEL,
} from "../support/test_config.ts";

interface Harness {
  server: FakeLlmServer;
  store: Store;
  services: BotServices;
  [Symbol.asyncDispose](): Promise<void>;
}

async function harness(storePath = ":memory:"): Promise<Harness> {
  const server = await startFakeLlmServer();
  const store = await SqliteStore.open(storePath);
  const services = createBotServices({
    config: testConfig(server.url),
    store,
    bot_user_id: () => BOT_ID,
  });
  return {
    server,
    store,
    services,
    async [Symbol.asyncDispose]() {
      await services.runner.shutdown(1000);
      await store.close();
      await server.close();
    },
  };
}

const shared = { channel_id: CHANNEL, guild_id: GUILD, user_id: "" };
const caller = {
  channel_id: CHANNEL,
  parent_channel_id: "",
  guild_id: GUILD,
  user_id: "400000000000000001",
  role_ids: [],
};

function sentMessages(
  server: FakeLlmServer,
  index: number,
): { role: string; content: string }[] {
  const body = server.chatRequests()[index]?.body as {
    messages: { role: string; content: string }[];
  };
  return body.messages;
}

Deno.test("a mention gets a streamed reply, and both messages are stored", async () => {
  await using h = await harness();
  h.server.script({ chunks: ["Hello ", "there, ", "Alice!"] });
  const reply = new RecordingReply();
  assert.equal(
    await h.services.runner.dispatch(message({ text: "hi bot" }), reply),
    "answered",
  );
  assert.equal(reply.finalText, "Hello there, Alice!");
  assert.ok(
    reply.shows.filter((s) => !s.done).length >= 2,
    "the reply grew while streaming",
  );
  assert.equal(reply.shows.filter((s) => s.done).length, 1);
  const [assistant, user] = await h.store.recentMessages({
    conversation: shared,
    limit: 10,
    since: 0,
  });
  assert.equal(user?.content, "hi bot");
  assert.equal(assistant?.content, "Hello there, Alice!");
  assert.equal(assistant?.partial, false);
  assert.equal(assistant?.external_id, reply.posted_ids[0]);
  assert.equal(reply.typing, 1);
  assert.equal(reply.typingNow, false);
});

Deno.test("the user's message is stored before generation starts", async () => {
  await using h = await harness();
  let open = () => {};
  h.server.script({
    chunks: ["late"],
    gate: new Promise<void>((resolve) => open = resolve),
  });
  const turn = h.services.runner.dispatch(
    message({ text: "remember me" }),
    new RecordingReply(),
  );
  await h.server.waitForChatRequests(1);
  const stored = await h.store.recentMessages({
    conversation: shared,
    limit: 10,
    since: 0,
  });
  assert.deepEqual(stored.map((m) => [m.role, m.content, m.partial]), [
    ["assistant", "", true],
    ["user", "remember me", false],
  ]);
  open();
  assert.equal(await turn, "answered");
});

Deno.test("the model sees the conversation so far, each user line with the speaker's name", async () => {
  await using h = await harness();
  await h.services.runner.dispatch(
    message({ text: "my name is Alice" }),
    new RecordingReply(),
  );
  const bob = {
    ...message().author,
    id: "400000000000000002",
    display_name: "Bob",
  };
  await h.services.runner.dispatch(
    message({ text: "and I am Bob", author: bob }),
    new RecordingReply(),
  );
  const sent = sentMessages(h.server, 1);
  assert.deepEqual(sent.map((m) => [m.role, m.content]), [
    ["system", "You are Helper in Test Server #general, talking to Bob."],
    ["user", "Alice: my name is Alice"],
    ["assistant", "echo: Alice: my name is Alice"],
    ["user", "Bob: and I am Bob"],
  ]);
});

Deno.test("an LLM failure gives a short reply, stores the turn, and the next message works", async () => {
  await using h = await harness();
  h.server.script({
    status: 500,
    body: { error: { code: 500, message: "model crashed" } },
  });
  const failed = new RecordingReply();
  assert.equal(
    await h.services.runner.dispatch(message({ text: "first" }), failed),
    "failed",
  );
  assert.equal(failed.notices.length, 1);
  assert.match(failed.notices[0]!, /^⚠️ /);
  assert.ok(failed.notices[0]!.length < 200, "the error reply is short");
  assert.ok(
    !failed.notices[0]!.includes(h.server.url),
    "no URLs in the user's reply",
  );
  const ok = new RecordingReply();
  assert.equal(
    await h.services.runner.dispatch(message({ text: "second" }), ok),
    "answered",
  );
  assert.equal(ok.finalText, "echo: Alice: second");
  const texts = (await h.store.recentMessages({
    conversation: shared,
    limit: 10,
    since: 0,
  })).map((m) => m.content);
  assert.ok(texts.includes("first"), "the failed turn's message was kept");
});

Deno.test("a stream that breaks midway keeps what arrived, explains under it, and marks it partial", async () => {
  await using h = await harness();
  h.server.script({ chunks: ["one ", "two ", "three"], drop_after: 2 });
  const reply = new RecordingReply();
  assert.equal(await h.services.runner.dispatch(message(), reply), "failed");
  assert.match(
    reply.finalText,
    /^one two \n\n⚠️ The bot could not reach the model server/,
  );
  assert.equal(
    reply.notices.length,
    0,
    "no second message for the explanation",
  );
  const [assistant] = await h.store.recentMessages({
    conversation: shared,
    limit: 1,
    since: 0,
  });
  assert.equal(assistant?.content, "one two ");
  assert.equal(assistant?.partial, true);
});

Deno.test("/reset empties the history of the next request", async () => {
  await using h = await harness();
  await h.services.runner.dispatch(
    message({ text: "old topic" }),
    new RecordingReply(),
  );
  await resetCommand(h.services.commands, caller, undefined);
  await h.services.runner.dispatch(
    message({ text: "new topic" }),
    new RecordingReply(),
  );
  assert.deepEqual(sentMessages(h.server, 1).map((m) => m.content).slice(1), [
    "Alice: new topic",
  ]);
});

Deno.test("/persona changes the system prompt the LLM sees", async () => {
  await using h = await harness();
  await personaCommand(h.services.commands, caller, "pirate", undefined);
  await h.services.runner.dispatch(message(), new RecordingReply());
  assert.equal(sentMessages(h.server, 0)[0]?.content, "You are a pirate.");
});

Deno.test("/reset and /persona survive a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    {
      await using h = await harness(`${dir}/bot.db`);
      await h.services.runner.dispatch(
        message({ text: "before" }),
        new RecordingReply(),
      );
      await personaCommand(h.services.commands, caller, "pirate", undefined);
      await resetCommand(h.services.commands, caller, undefined);
    }
    await using h = await harness(`${dir}/bot.db`);
    await h.services.runner.dispatch(
      message({ text: "after" }),
      new RecordingReply(),
    );
    const sent = sentMessages(h.server, 0);
    assert.equal(sent[0]?.content, "You are a pirate.");
    assert.deepEqual(sent.slice(1).map((m) => m.content), ["Alice: after"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a rate-limited user is told once per window, and the message is still stored", async () => {
  await using h = await harness();
  const replies = Array.from({ length: 8 }, () => new RecordingReply());
  const outcomes = [];
  for (const [i, reply] of replies.entries()) {
    outcomes.push(
      await h.services.runner.dispatch(
        message({ channel_id: USER_SCOPE_CHANNEL, text: `n${i}` }),
        reply,
      ),
    );
  }
  assert.deepEqual(outcomes.slice(5), [
    "answered",
    "rate_limited",
    "rate_limited",
  ]);
  assert.equal(replies[6]!.notices.length, 1);
  assert.match(replies[6]!.notices[0]!, /faster than I can answer/);
  assert.equal(replies[7]!.notices.length, 0);
  const mine = {
    channel_id: USER_SCOPE_CHANNEL,
    guild_id: GUILD,
    user_id: "400000000000000001",
  };
  const stored = await h.store.recentMessages({
    conversation: mine,
    limit: 100,
    since: 0,
  });
  assert.ok(
    stored.some((m) => m.content === "n7"),
    "a limited message is kept for the next answer",
  );
});

Deno.test("reasoning is hidden by default and shown as a spoiler when the persona asks", async () => {
  await using h = await harness();
  h.server.script({ reasoning: ["thinking hard"], chunks: ["42"] });
  const hidden = new RecordingReply();
  await h.services.runner.dispatch(message(), hidden);
  assert.equal(hidden.finalText, "42");
  const config = testConfig(h.server.url);
  config.personas.helper!.reasoning = "spoiler";
  h.services.applyConfig(config);
  h.server.script({
    reasoning: ["thinking hard"],
    chunks: ["42"],
    reasoning_as: "think_tags",
  });
  const spoiler = new RecordingReply();
  await h.services.runner.dispatch(message(), spoiler);
  assert.match(spoiler.finalText, /\|\|thinking hard\|\|/);
  assert.ok(spoiler.finalText.endsWith("42"));
  const [assistant] = await h.store.recentMessages({
    conversation: shared,
    limit: 1,
    since: 0,
  });
  assert.equal(
    assistant?.content,
    "42",
    "only the answer goes into the history",
  );
});

Deno.test("a reply to an old bot message outside the window brings that message along", async () => {
  await using h = await harness();
  const config = testConfig(h.server.url);
  config.budgets.default!.max_messages = 2;
  h.services.applyConfig(config);
  const first = new RecordingReply();
  await h.services.runner.dispatch(
    message({ text: "the secret word is plum" }),
    first,
  );
  for (const text of ["filler one", "filler two"]) {
    await h.services.runner.dispatch(message({ text }), new RecordingReply());
  }
  await h.services.runner.dispatch(
    message({
      text: "what did you say?",
      reply_to: {
        message_id: first.posted_ids[0]!,
        author_id: BOT_ID,
        author_name: "Helper",
        content: "",
      },
    }),
    new RecordingReply(),
  );
  // Consecutive messages of one role arrive merged (strict chat templates).
  const sent = sentMessages(h.server, 3).flatMap((m) =>
    m.content.split("\n\n")
  );
  assert.ok(
    sent.includes("echo: Alice: the secret word is plum"),
    sent.join(" | "),
  );
  assert.equal(sent.at(-1), "Alice: what did you say?");
});

Deno.test("replying to a message from before /reset does not bring it back", async () => {
  await using h = await harness();
  const first = new RecordingReply();
  await h.services.runner.dispatch(message({ text: "forget this" }), first);
  await resetCommand(h.services.commands, caller, undefined);
  await h.services.runner.dispatch(
    message({
      text: "what was it?",
      reply_to: {
        message_id: first.posted_ids[0]!,
        author_id: BOT_ID,
        author_name: "Helper",
        content: "echo",
      },
    }),
    new RecordingReply(),
  );
  assert.deepEqual(sentMessages(h.server, 1).map((m) => m.content).slice(1), [
    "Alice: what was it?",
  ]);
});

Deno.test("a reply is linked to the message it answers, so a user's data export finds it", async () => {
  await using h = await harness();
  await h.services.runner.dispatch(
    message({ text: "link me" }),
    new RecordingReply(),
  );
  const [assistant, user] = await h.store.recentMessages({
    conversation: shared,
    limit: 2,
    since: 0,
  });
  assert.equal(assistant?.reply_to_id, user?.id);
  const exported = await h.store.messagesOfUser(user!.author_id);
  assert.deepEqual(exported.map((m) => m.role), ["user", "assistant"]);
});

Deno.test("history is read page by page until the budget is full, oldest dropped first", async () => {
  await using h = await harness();
  for (let i = 0; i < 100; i++) {
    await h.store.addMessage({
      conversation: shared,
      external_id: null,
      author_id: "400000000000000001",
      author_name: "Alice",
      role: "user",
      persona: "helper",
      content: `note ${i}`,
      token_count: null,
      created_at: Date.now() - 1000,
      partial: false,
    });
  }
  await h.services.runner.dispatch(
    message({ text: "what did I note?" }),
    new RecordingReply(),
  );
  // The user messages arrive merged into one (strict chat templates): count their parts.
  const all = sentMessages(h.server, 0).flatMap((m) => m.content.split("\n\n"));
  assert.equal(
    all.length,
    1 + 50 + 1,
    "max_messages (50) history messages, across two pages",
  );
  assert.equal(all[1], "Alice: note 50");
  assert.equal(all.at(-2), "Alice: note 99");

  const tight = testConfig(h.server.url);
  tight.budgets.default = {
    ...tight.budgets.default!,
    context_tokens: 400,
    reserve_tokens: 100,
    max_messages: 500,
    max_age: 86_400_000,
  };
  h.services.applyConfig(tight);
  await h.services.runner.dispatch(
    message({ text: "and now?" }),
    new RecordingReply(),
  );
  const cut = sentMessages(h.server, 1).flatMap((m) => m.content.split("\n\n"));
  assert.ok(
    cut.length > 5 && cut.length < 60,
    `${cut.length} messages fit 300 tokens`,
  );
  assert.equal(cut.at(-1), "Alice: and now?");
});
