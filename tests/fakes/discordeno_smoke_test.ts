import assert from "node:assert/strict";
import {
  createBot,
  createDesiredPropertiesObject,
  type DesiredPropertiesBehavior,
  type EventHandlers,
  GatewayIntents,
  type GatewayManager,
  InteractionResponseTypes,
  type RestManager,
} from "@discordeno/bot";
import {
  FakeDiscord,
  type FakeDiscordOptions,
} from "./fake_discord/fake_discord.ts";

const GUILD = "200000000000000000";
const CHANNEL = "200000000000000001";
const THREAD = "200000000000000003";
const ALICE = "300000000000000001";
const SANITIZED = { sanitizeOps: true, sanitizeResources: true };

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
  interaction: {
    id: true,
    type: true,
    token: true,
    data: true,
    channelId: true,
    guildId: true,
    user: true,
    member: true,
  },
});

type Events = Partial<
  EventHandlers<typeof desiredProperties, DesiredPropertiesBehavior.RemoveKey>
>;

const silent = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

function startFake(options: FakeDiscordOptions = {}): FakeDiscord {
  return FakeDiscord.start({
    users: [{ id: ALICE, username: "alice" }],
    guilds: [{
      id: GUILD,
      channels: [{ id: CHANNEL, name: "general" }],
      threads: [{ id: THREAD, parentId: CHANNEL }],
      roles: [{ id: "400000000000000001", name: "admins", permissions: "8" }],
      memberRoles: { [ALICE]: ["400000000000000001"] },
    }],
    ...options,
  });
}

/**
 * A Discordeno 21 bot pointed at the fake: REST through `proxy.baseUrl` with `isProxied`
 * switched back off (a proxy URL disables Discordeno's own rate limiting), the gateway URL
 * given directly, and `spawnShardDelay: 0` so `start()` does not wait 5 s after READY.
 */
function createFakeBot(fake: FakeDiscord, events: Events) {
  const bot = createBot({
    token: fake.token,
    intents: GatewayIntents.Guilds | GatewayIntents.GuildMessages |
      GatewayIntents.DirectMessages | GatewayIntents.MessageContent,
    desiredProperties,
    loggerFactory: () => silent,
    rest: { proxy: { baseUrl: fake.restBaseUrl } },
    gateway: { url: fake.gatewayUrl, spawnShardDelay: 0 },
    events,
  });
  bot.rest.isProxied = false;
  return bot;
}

/**
 * `bot.shutdown()` closes the shards but leaves 60-second timers behind: each shard's
 * LeakyBucket refill (`shard.bucket.timeoutId`) and each REST queue's delayed self-deletion
 * (`queue.deleteQueueTimeout`, plus `queue.timeoutId` when a bucket ran low). Clear them all,
 * after waiting out the 1-second re-check chain Discordeno runs (without a handle) while a
 * path is marked rate limited.
 */
async function shutdownCleanly(
  fake: FakeDiscord,
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
  await fake.waitFor(
    () => !bot.rest.processingRateLimitedPaths,
    5000,
    "Discordeno's re-check",
  );
  for (const queue of bot.rest.queues.values()) {
    clearTimeout(queue.timeoutId);
    clearTimeout(queue.deleteQueueTimeout);
  }
  bot.rest.queues.clear();
}

Deno.test(
  "a Discordeno 21 bot connects, reads a message and replies",
  SANITIZED,
  async () => {
    const fake = startFake();
    const seen: {
      content: string;
      authorBot: boolean;
      id: bigint;
      channelId: bigint;
    }[] = [];
    const guilds: { channels: number; threadParent: bigint | undefined }[] = [];
    let readyUser: bigint | undefined;
    const bot = createFakeBot(fake, {
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
    });
    try {
      await bot.start();
      assert.equal(readyUser, BigInt(fake.botId));
      await fake.waitFor(() => guilds.length === 1, 2000, "GUILD_CREATE");
      assert.deepEqual(guilds, [{
        channels: 2,
        threadParent: BigInt(CHANNEL),
      }]);
      assert.equal(fake.intents, 1 | 512 | 4096 | 32768);

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
      assert.deepEqual(
        fake.requestsTo("POST /channels/{channel}/messages").at(-1)?.body,
        {
          content: "pong",
          message_reference: {
            message_id: trigger.id,
            fail_if_not_exists: false,
          },
          allowed_mentions: { parse: [] },
        },
      );
      await fake.waitFor(
        () => seen.some((m) => m.authorBot),
        2000,
        "the echo of the reply",
      );
    } finally {
      await shutdownCleanly(fake, bot);
      await fake.close();
    }
  },
);

Deno.test(
  "Discordeno defers an interaction and edits the original response",
  SANITIZED,
  async () => {
    const fake = startFake();
    const bot = createFakeBot(fake, {
      async interactionCreate(interaction) {
        await bot.helpers.sendInteractionResponse(
          interaction.id,
          interaction.token,
          {
            type: InteractionResponseTypes.DeferredChannelMessageWithSource,
            data: { flags: 64 },
          },
        );
        await bot.helpers.editOriginalInteractionResponse(interaction.token, {
          content: `done: ${interaction.data?.name}`,
        });
      },
    });
    try {
      await bot.start();
      const sent = fake.sendCommand({
        channelId: THREAD,
        commandName: "reset",
      });
      const message = await fake.waitFor(
        () => fake.messagesIn(THREAD).find((m) => m.content !== ""),
        2000,
        "the edited response",
      );
      assert.equal(message.content, "done: reset");
      assert.equal(message.ephemeral, true);
      assert.equal(fake.interaction(sent.id)?.response?.type, 5);
      assert.deepEqual(
        fake.requests.filter((r) =>
          r.route?.includes("interactions") || r.route?.includes("webhooks")
        )
          .map((r) => [r.route, r.status]),
        [
          ["POST /interactions/{interaction}/{token}/callback", 204],
          ["PATCH /webhooks/{application}/{token}/messages/@original", 200],
        ],
      );
    } finally {
      await shutdownCleanly(fake, bot);
      await fake.close();
    }
  },
);

Deno.test(
  "Discordeno paces sends by the fake's headers and retries an injected 429",
  SANITIZED,
  async () => {
    const fake = startFake({ messageRateLimit: { limit: 2, windowMs: 300 } });
    const bot = createFakeBot(fake, {});
    try {
      await bot.start();
      fake.failNext({
        route: "POST /channels/{channel}/messages",
        times: 1,
        status: 429,
        retryAfterMs: 200,
      });
      const sends = Array.from(
        { length: 4 },
        (_, i) =>
          bot.helpers.sendMessage(BigInt(CHANNEL), {
            content: `m${i}`,
            allowedMentions: { parse: [] },
          }),
      );
      await Promise.all(sends);
      // Discordeno puts a request that got a 429 at the back of its queue: order changes.
      assert.deepEqual(fake.contentsIn(CHANNEL), ["m1", "m2", "m3", "m0"]);
      assert.equal(
        fake.rateLimitedCount(true),
        0,
        "Discordeno ran into the fake's own limit",
      );
      assert.equal(fake.rateLimitedCount(), 1);
    } finally {
      await shutdownCleanly(fake, bot);
      await fake.close();
    }
  },
);
