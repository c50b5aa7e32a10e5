import assert from "node:assert/strict";
import { AccessGate } from "../../src/pipeline/access/access_gate.ts";
import {
  channelLogKey,
  overhear,
  overheardFor,
} from "../../src/pipeline/channel_context.ts";
import type { IncomingMessage } from "../../src/pipeline/incoming_message.ts";
import { resolveRoute } from "../../src/pipeline/route.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import {
  BOT_ID,
  CHANNEL,
  GUILD,
  testConfig,
  USER_SCOPE_CHANNEL,
} from "../support/test_config.ts";

const NOW = 1_700_000_000_000;
const config = testConfig(
  undefined,
  "",
);
for (const binding of config.bindings) binding.context = "channel";
config.access.deny_users = ["666"];

function message(over: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    id: "5000",
    channel_id: CHANNEL,
    parent_channel_id: "",
    guild_id: GUILD,
    guild_name: "G",
    channel_name: "general",
    author: {
      id: "42",
      display_name: "Bob",
      is_bot: false,
      is_webhook: false,
      role_ids: [],
    },
    content: "pineapple belongs on pizza",
    mentions_bot: false,
    reply_to: null,
    created_at: NOW,
    ...over,
  };
}

function routeOf(m: IncomingMessage) {
  const route = resolveRoute({ ...m, user_id: m.author.id }, config);
  assert.ok(route);
  return route;
}

Deno.test("overhear() keeps a channel message with its speaker and file names, and nothing from bots, webhooks, DMs or people kept out", async (t) => {
  await using store = await SqliteStore.open(":memory:");
  const deps = {
    store,
    access: new AccessGate({ config: () => config }),
    now: () => NOW,
  };
  const keep = (m: IncomingMessage) => overhear(deps, m, routeOf(m), BOT_ID);
  await t.step("a person's message, with its files named", async () => {
    assert.equal(
      await keep(message({
        attachments: [
          {
            id: "1",
            name: "cat.png",
            url: "u",
            content_type: "image/png",
            size: 5,
          },
          {
            id: "2",
            name: "a.zip",
            url: "u",
            content_type: "application/zip",
            size: 2_100_000,
          },
        ],
      })),
      true,
    );
  });
  await t.step("bots, webhooks, the bot itself, denied users", async () => {
    const author = message().author;
    assert.equal(
      await keep(message({ author: { ...author, is_bot: true } })),
      false,
    );
    assert.equal(
      await keep(message({ author: { ...author, is_webhook: true } })),
      false,
    );
    assert.equal(
      await keep(message({ author: { ...author, id: BOT_ID } })),
      false,
    );
    assert.equal(
      await keep(message({ author: { ...author, id: "666" } })),
      false,
    );
  });
  await t.step("a user with history off", async () => {
    const off = { ...deps, keepsHistory: () => Promise.resolve(false) };
    const m = message();
    assert.equal(await overhear(off, m, routeOf(m), BOT_ID), false);
  });
  const kept = await store.recentMessages({
    conversation: channelLogKey(routeOf(message())),
    limit: 10,
    since: 0,
  });
  assert.deepEqual(kept.map((m) => [m.author_name, m.content]), [[
    "Bob",
    "pineapple belongs on pizza\n[image: cat.png]\n[attached: a.zip, 2.1 MB, not read]",
  ]]);
});

Deno.test("overheard messages are exported and forgotten with everything else about their author", async () => {
  await using store = await SqliteStore.open(":memory:");
  const deps = {
    store,
    access: new AccessGate({ config: () => config }),
    now: () => NOW,
  };
  const m = message();
  await overhear(deps, m, routeOf(m), BOT_ID);
  assert.equal((await store.messagesOfUser("42")).length, 1);
  assert.ok(await store.forgetUser("42") >= 1);
  assert.equal((await store.messagesOfUser("42")).length, 0);
});

Deno.test("overheardFor() gives a scope: user turn the channel's messages after the user's own last reset", async () => {
  await using store = await SqliteStore.open(":memory:");
  let now = NOW;
  const deps = {
    store,
    access: new AccessGate({ config: () => config }),
    now: () => now,
  };
  const inUserScope = (content: string) =>
    message({ channel_id: USER_SCOPE_CHANNEL, content });
  const first = inUserScope("before the reset");
  await overhear(deps, first, routeOf(first), BOT_ID);
  const alice = routeOf(message({
    channel_id: USER_SCOPE_CHANNEL,
    author: { ...message().author, id: "7", display_name: "Alice" },
  }));
  now += 1000;
  await store.resetConversation(alice.conversation, now);
  now += 1000;
  const second = inUserScope("after the reset");
  await overhear(deps, second, routeOf(second), BOT_ID);
  const budget = config.budgets.default!;
  const seen = await overheardFor(store, alice, budget, now);
  assert.deepEqual(seen.map((m) => m.content), ["after the reset"]);
  assert.deepEqual(
    await overheardFor(store, routeOf(message()), budget, now),
    [],
    "scope: channel reads them as history",
  );
});
