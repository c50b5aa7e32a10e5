import assert from "node:assert/strict";
import { ChannelDirectory } from "../../src/discord/channel_directory.ts";
import type { ChannelInfo } from "../../src/discord/channel_directory.ts";
import { toIncomingMessage } from "../../src/discord/message_mapping.ts";
import type { GatewayMessage } from "../../src/discord/message_mapping.ts";
import type { IncomingMessage } from "../../src/pipeline/incoming_message.ts";
import { chance, fuzzCases, int, pick } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";
import { copyTree, mutateTree } from "./value_mutations.ts";

const BOT_ID = "900000000000000001";
const SNOWFLAKE = /^[0-9]+$/;

/** A MESSAGE_CREATE as Discordeno hands it over: camelCase, ids as bigint. */
function gatewayMessage(): Record<string, unknown> {
  return {
    id: 500000000000000001n,
    channelId: 100000000000000001n,
    guildId: 200000000000000001n,
    content: `<@${BOT_ID}> hello there`,
    author: {
      id: 400000000000000001n,
      username: "alice",
      globalName: "Alice",
      bot: false,
    },
    member: { nick: "Ali", roles: [300000000000000001n] },
    mentions: [{ id: 900000000000000001n, username: "bot", bot: true }],
    timestamp: 1_700_000_000_000,
    messageReference: { messageId: 500000000000000000n },
    referencedMessage: {
      id: 500000000000000000n,
      content: "earlier",
      author: { id: 900000000000000001n, username: "bot", bot: true },
    },
  };
}

/** A directory whose REST lookup misbehaves in one of several ways. */
function hostileDirectory(random: Random): ChannelDirectory {
  const thread: ChannelInfo = {
    id: "100000000000000001",
    name: "a thread",
    guild_id: "200000000000000001",
    parent_id: "100000000000000009",
    is_thread: true,
  };
  const behaviours: ((id: string) => Promise<ChannelInfo | null>)[] = [
    () => Promise.resolve(null),
    () => Promise.reject(new Error("REST said 500")),
    async () => {
      await Promise.resolve();
      throw new TypeError("network down");
    },
    () => {
      throw new Error("thrown before any promise");
    },
    (id) => Promise.resolve({ ...thread, id }),
  ];
  const directory = new ChannelDirectory(pick(random, behaviours));
  if (chance(random, 0.3)) directory.setGuild("200000000000000001", "Server");
  return directory;
}

function isId(value: unknown, allowEmpty: boolean): boolean {
  return typeof value === "string" &&
    (SNOWFLAKE.test(value) || (allowEmpty && value === ""));
}

/** Every field of a mapped message has the type and form the pipeline relies on. */
function checkMessage(message: IncomingMessage): void {
  assert.ok(isId(message.id, false), `id ${String(message.id)}`);
  assert.ok(isId(message.channel_id, false), "channel_id");
  assert.ok(isId(message.guild_id, true), "guild_id");
  assert.ok(isId(message.parent_channel_id, true), "parent_channel_id");
  assert.equal(typeof message.guild_name, "string");
  assert.equal(typeof message.channel_name, "string");
  assert.equal(typeof message.content, "string");
  assert.equal(typeof message.mentions_bot, "boolean");
  assert.ok(Number.isFinite(message.created_at), "created_at");
  const author = message.author;
  assert.ok(isId(author.id, false), `author.id ${String(author.id)}`);
  assert.equal(typeof author.display_name, "string", "display_name");
  assert.ok(author.display_name !== "", "display_name is empty");
  assert.equal(typeof author.is_bot, "boolean");
  assert.equal(typeof author.is_webhook, "boolean");
  assert.ok(Array.isArray(author.role_ids), "role_ids");
  for (const role of author.role_ids) {
    assert.ok(isId(role, false), `role id ${String(role)}`);
  }
  const reply = message.reply_to;
  if (reply !== null) {
    assert.ok(
      isId(reply.message_id, false),
      `reply_to.message_id ${String(reply.message_id)}`,
    );
    assert.ok(
      isId(reply.author_id, true),
      `reply_to.author_id ${String(reply.author_id)}`,
    );
    assert.equal(typeof reply.author_name, "string", "reply_to.author_name");
    assert.equal(typeof reply.content, "string", "reply_to.content");
  }
}

Deno.test("toIncomingMessage() resolves with a well-formed message or a reason for 10,000 mutated MESSAGE_CREATEs", async () => {
  let refused = 0;
  let mapped = 0;
  await fuzzCases({ seed: 4_100, iterations: 10_000 }, async (random) => {
    const raw = copyTree(gatewayMessage());
    const mutations = int(random, 1, 5);
    for (let i = 0; i < mutations; i++) mutateTree(random, raw);
    const describe = () =>
      JSON.stringify(
        raw,
        (_k, v) => typeof v === "bigint" ? `${v}n` : v,
      ).slice(0, 600);
    let result;
    try {
      result = await toIncomingMessage(
        raw as unknown as GatewayMessage,
        BOT_ID,
        hostileDirectory(random),
      );
    } catch (error) {
      throw new Error(
        `toIncomingMessage() rejected (${String(error)}) for ${describe()}`,
        { cause: error },
      );
    }
    try {
      if (result.ok) {
        mapped++;
        checkMessage(result.message);
      } else {
        refused++;
        assert.equal(typeof result.reason, "string");
        assert.ok(result.reason.trim() !== "", "empty reason");
      }
    } catch (error) {
      throw new Error(`${String(error)} for ${describe()}`, { cause: error });
    }
  });
  assert.ok(
    mapped > 1_000 && refused > 300,
    `${mapped} mapped, ${refused} refused`,
  );
});

Deno.test("toIncomingMessage() resolves for each hostile payload the fuzzer found", async (t) => {
  const lookups: [string, () => Promise<ChannelInfo | null>][] = [
    ["a lookup that answers null", () => Promise.resolve(null)],
    ["a lookup that throws before returning a promise", () => {
      throw new Error("thrown before any promise");
    }],
  ];
  const cases: [string, (raw: Record<string, unknown>) => void][] = [
    ["untouched", () => {}],
    ["mentions is not a list", (raw) => raw.mentions = "everyone"],
    ["mentions holds null", (raw) => raw.mentions = [null]],
    ["member.roles is a number", (raw) => raw.member = { roles: 1.5 }],
    ["guildId is null", (raw) => raw.guildId = null],
    [
      "the nickname is a list",
      (raw) => raw.member = { nick: ["a"], roles: [] },
    ],
    ["a role id is an object", (raw) => raw.member = { roles: [{}] }],
    ["the replied-to author has no id", (raw) => {
      raw.referencedMessage = { id: 1n, author: { username: "x" } };
    }],
    ["the replied-to text is a bigint", (raw) => {
      raw.referencedMessage = { id: 1n, content: 5n };
    }],
    ["the reference id is a mapping", (raw) => {
      raw.messageReference = { messageId: {} };
    }],
  ];
  for (const [lookup, fetch] of lookups) {
    for (const [name, mutate] of cases) {
      await t.step(`${name}, with ${lookup}`, async () => {
        const raw = copyTree(gatewayMessage());
        mutate(raw);
        const result = await toIncomingMessage(
          raw as unknown as GatewayMessage,
          BOT_ID,
          new ChannelDirectory(fetch),
        );
        if (result.ok) checkMessage(result.message);
        else assert.ok(result.reason !== "");
      });
    }
  }
});
