import assert from "node:assert/strict";
import {
  createBot,
  createDesiredPropertiesObject,
  GatewayIntents,
  type GatewayManager,
  type RestManager,
} from "@discordeno/bot";
import { FakeDiscord } from "./fake_discord/fake_discord.ts";

const GUILD = "200000000000000000";
const CHANNEL = "200000000000000001";
const THREAD = "200000000000000003";
const ALICE = "300000000000000001";

const desiredProperties = createDesiredPropertiesObject({
  message: {
    id: true,
    content: true,
    channelId: true,
    guildId: true,
    author: true,
    member: true,
    mentions: true,
    messageReference: true,
    referencedMessage: true,
    webhookId: true,
    type: true,
  },
  messageReference: { messageId: true, channelId: true, guildId: true },
  user: { id: true, username: true, toggles: true },
  member: { id: true, roles: true },
  guild: { id: true, name: true, channels: true, roles: true, members: true },
  channel: { id: true, type: true, parentId: true, guildId: true, name: true },
  role: { id: true, name: true, permissions: true },
});

const silent = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

/**
 * `bot.shutdown()` closes the shards but leaves 60-second timers behind: each shard's
 * LeakyBucket refill (`shard.bucket.timeoutId`) and each REST queue's delayed self-deletion
 * (`queue.deleteQueueTimeout`, plus `queue.timeoutId` when a bucket ran low). Clear them all.
 */
async function shutdownCleanly(
  bot: {
    shutdown(): Promise<void>;
    gateway: GatewayManager;
    rest: RestManager;
  },
): Promise<void> {
  await bot.shutdown();
  for (const shard of bot.gateway.shards.values()) {
    clearTimeout(shard.bucket.timeoutId);
    delete shard.bucket.timeoutId;
  }
  for (const queue of bot.rest.queues.values()) {
    clearTimeout(queue.timeoutId);
    clearTimeout(queue.deleteQueueTimeout);
  }
  bot.rest.queues.clear();
}

Deno.test(
  "a real Discordeno 21 bot connects to the fake, reads a message and replies",
  {
    sanitizeOps: true,
    sanitizeResources: true,
  },
  async () => {
    const fake = FakeDiscord.start({
      users: [{ id: ALICE, username: "alice" }],
      guilds: [{
        id: GUILD,
        channels: [{ id: CHANNEL, name: "general" }],
        threads: [{ id: THREAD, parentId: CHANNEL }],
        roles: [{ id: "400000000000000001", name: "admins", permissions: "8" }],
        memberRoles: { [ALICE]: ["400000000000000001"] },
      }],
    });
    const seen: {
      content: string;
      authorBot: boolean;
      id: bigint;
      channelId: bigint;
    }[] = [];
    const guilds: { channels: number; threadParent: bigint | undefined }[] = [];
    let readyUser: bigint | undefined;
    const bot = createBot({
      token: fake.token,
      intents: GatewayIntents.Guilds | GatewayIntents.GuildMessages |
        GatewayIntents.DirectMessages | GatewayIntents.MessageContent,
      desiredProperties,
      loggerFactory: () => silent,
      rest: { proxy: { baseUrl: fake.restBaseUrl } },
      gateway: { url: fake.gatewayUrl, spawnShardDelay: 0 },
      events: {
        ready(payload) {
          readyUser = payload.user.id;
        },
        guildCreate(guild) {
          guilds.push({
            channels: guild.channels?.size ?? 0,
            threadParent: guild.channels?.get(BigInt(THREAD))?.parentId,
          });
        },
        messageCreate(message) {
          seen.push({
            content: message.content,
            authorBot: message.author.bot,
            id: message.id,
            channelId: message.channelId,
          });
        },
      },
    });
    // A proxy baseUrl turns Discordeno's own rate limiting off; the fake is not a proxy.
    bot.rest.isProxied = false;
    try {
      await bot.start();
      assert.equal(readyUser, BigInt(fake.botId));
      await fake.waitFor(() => guilds.length === 1, 2000, "GUILD_CREATE");
      assert.deepEqual(guilds, [{
        channels: 2,
        threadParent: BigInt(CHANNEL),
      }]);

      const trigger = fake.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${fake.botId}> ping`,
      });
      const received = await fake.waitFor(
        () => seen.find((m) => !m.authorBot),
        2000,
        "the message",
      );
      assert.equal(received.content, `<@${fake.botId}> ping`);
      assert.equal(received.id, BigInt(trigger.id));

      const reply = await bot.helpers.sendMessage(received.channelId, {
        content: "pong",
        messageReference: { messageId: received.id, failIfNotExists: false },
        allowedMentions: { parse: [] },
      });
      assert.equal(reply.content, "pong");
      const stored = fake.messagesIn(CHANNEL).at(-1);
      assert.equal(stored?.content, "pong");
      assert.equal(stored?.replyToId, trigger.id);
      assert.equal(stored?.pings.repliedUser, false);
      const post = fake.requestsTo("POST /channels/{channel}/messages").at(-1);
      assert.deepEqual(post?.body, {
        content: "pong",
        message_reference: {
          message_id: trigger.id,
          fail_if_not_exists: false,
        },
        allowed_mentions: { parse: [] },
      });
      await fake.waitFor(
        () => seen.some((m) => m.authorBot),
        2000,
        "the echo of the reply",
      );
      assert.equal(fake.intents, 1 | 512 | 4096 | 32768);
    } finally {
      await shutdownCleanly(bot);
      await fake.close();
    }
  },
);
