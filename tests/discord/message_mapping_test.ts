import assert from "node:assert/strict";
import { ChannelDirectory } from "../../src/discord/channel_directory.ts";
import { toIncomingMessage } from "../../src/discord/message_mapping.ts";
import type { GatewayMessage } from "../../src/discord/message_mapping.ts";

const BOT = "900000000000000001";
const directory = () => {
  const d = new ChannelDirectory((id) =>
    Promise.resolve(
      id === "700"
        ? {
          id,
          name: "a-thread",
          guild_id: "1",
          parent_id: "600",
          is_thread: true,
        }
        : null,
    )
  );
  d.setChannel({
    id: "600",
    name: "general",
    guild_id: "1",
    parent_id: "",
    is_thread: false,
  });
  d.setGuild("1", "Guild");
  return d;
};
const base: GatewayMessage = {
  id: 10n,
  channelId: 600n,
  guildId: 1n,
  content: `<@${BOT}> hi`,
  author: { id: 5n, username: "alice", globalName: "Alice A." },
  member: { nick: "Ally", roles: [77n] },
  mentions: [{ id: BigInt(BOT) }],
  timestamp: 1_700_000_000_000,
};

Deno.test("toIncomingMessage() turns ids into strings and names into the server nickname", async () => {
  const mapped = await toIncomingMessage(base, BOT, directory());
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.message, {
    id: "10",
    channel_id: "600",
    parent_channel_id: "",
    guild_id: "1",
    guild_name: "Guild",
    channel_name: "general",
    author: {
      id: "5",
      display_name: "Ally",
      is_bot: false,
      is_webhook: false,
      role_ids: ["77"],
    },
    content: `<@${BOT}> hi`,
    mentions_bot: true,
    reply_to: null,
    attachments: [],
    created_at: 1_700_000_000_000,
  });
});

Deno.test("toIncomingMessage() keeps attachments and image embeds (through Discord's proxy only)", async () => {
  const mapped = await toIncomingMessage(
    {
      ...base,
      attachments: [
        {
          id: 55n,
          filename: "a.py",
          contentType: "text/x-python",
          size: 12,
          url: "https://cdn.discordapp.com/attachments/600/55/a.py?ex=1",
        },
        { id: 56n, filename: "no-url.txt" },
      ],
      embeds: [
        {
          type: "image",
          image: {
            proxyUrl:
              "https://media.discordapp.net/external/x/https/e.example/cat.png",
          },
        },
        {
          type: "rich",
          image: { proxyUrl: "https://media.discordapp.net/y.png" },
        },
      ],
    },
    BOT,
    directory(),
  );
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.message.attachments, [
    {
      id: "55",
      name: "a.py",
      url: "https://cdn.discordapp.com/attachments/600/55/a.py?ex=1",
      content_type: "text/x-python",
      size: 12,
    },
    {
      id: "",
      name: "cat.png",
      url: "https://media.discordapp.net/external/x/https/e.example/cat.png",
      content_type: "image/*",
      size: 0,
    },
  ]);
});

Deno.test("toIncomingMessage() finds a thread's parent and a reply to the bot", async () => {
  const mapped = await toIncomingMessage(
    {
      ...base,
      channelId: 700n,
      mentions: [],
      content: "thanks",
      member: {},
      messageReference: { messageId: 9n },
      referencedMessage: {
        id: 9n,
        content: "earlier answer",
        author: { id: BigInt(BOT), username: "bot" },
      },
    },
    BOT,
    directory(),
  );
  assert.ok(mapped.ok);
  assert.equal(mapped.message.parent_channel_id, "600");
  assert.equal(mapped.message.author.display_name, "Alice A.");
  assert.equal(mapped.message.mentions_bot, false);
  assert.deepEqual(mapped.message.reply_to, {
    message_id: "9",
    author_id: BOT,
    author_name: "bot",
    content: "earlier answer",
  });
});

Deno.test("toIncomingMessage() refuses a message without an author, with a reason", async () => {
  const { author: _author, ...rest } = base;
  const mapped = await toIncomingMessage(
    rest as GatewayMessage,
    BOT,
    directory(),
  );
  assert.deepEqual(mapped, { ok: false, reason: "no author" });
});

Deno.test("toIncomingMessage() marks webhooks and bots", async () => {
  const mapped = await toIncomingMessage(
    { ...base, webhookId: 3n, author: { id: 8n, username: "hook", bot: true } },
    BOT,
    directory(),
  );
  assert.ok(mapped.ok);
  assert.equal(mapped.message.author.is_webhook, true);
  assert.equal(mapped.message.author.is_bot, true);
});

Deno.test("toIncomingMessage() refuses system messages and keeps defaults and replies", async (t) => {
  const cases: [string, number, boolean][] = [
    ["default", 0, true],
    ["reply", 19, true],
    ["pin notice", 6, false],
    ["member join", 7, false],
    ["boost", 8, false],
    ["thread created", 18, false],
    ["slash command notice", 20, false],
  ];
  for (const [name, type, ok] of cases) {
    await t.step(name, async () => {
      const mapped = await toIncomingMessage(
        { ...base, type },
        BOT,
        directory(),
      );
      assert.equal(mapped.ok, ok);
    });
  }
});

Deno.test("toIncomingMessage() treats a mention of the bot's managed role as a mention of the bot", async () => {
  const d = directory();
  d.addBotRole("1", "880");
  const byContent = await toIncomingMessage(
    { ...base, content: "<@&880> hello", mentions: [] },
    BOT,
    d,
  );
  assert.ok(byContent.ok);
  assert.equal(byContent.message.mentions_bot, true);
  assert.equal(byContent.message.content, `<@${BOT}> hello`);
  const otherRole = await toIncomingMessage(
    { ...base, content: "<@&881> hello", mentions: [] },
    BOT,
    d,
  );
  assert.ok(otherRole.ok);
  assert.equal(otherRole.message.mentions_bot, false);
});
