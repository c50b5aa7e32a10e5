import assert from "node:assert/strict";
import { GatewayTestClient } from "./gateway_test_client.ts";
import { Intents } from "./types.ts";
import {
  ALICE,
  api,
  BOT_INTENTS,
  CHANNEL,
  connectIdentified,
  GUILD,
  type Loose,
  OTHER_CHANNEL,
  SANITIZED,
  startFake,
  THREAD,
} from "./test_support.ts";

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
  "a user's reply to the bot carries message_reference and referenced_message",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      const sent = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "answer",
      });
      await client.nextDispatch("MESSAGE_CREATE");
      fake.sendUserMessage({
        channelId: CHANNEL,
        content: "tell me more",
        replyTo: sent.json.id,
      });
      const d = (await client.nextDispatch("MESSAGE_CREATE")).d as Loose;
      assert.equal(d.type, 19);
      assert.equal(d.message_reference.message_id, sent.json.id);
      assert.equal(d.referenced_message.author.id, fake.botId);
      assert.equal(d.referenced_message.referenced_message, undefined);
      assert.deepEqual(d.mentions.map((u: { id: string }) => u.id), [
        fake.botId,
      ]);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "THREAD_CREATE and GUILD_CREATE helpers dispatch what Discord sends",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      await client.nextDispatch("GUILD_CREATE");
      fake.createThread({
        id: "200000000000000010",
        parentId: OTHER_CHANNEL,
        name: "t",
      });
      const thread = (await client.nextDispatch("THREAD_CREATE")).d as Loose;
      assert.deepEqual([
        thread.id,
        thread.parent_id,
        thread.guild_id,
        thread.type,
      ], [
        "200000000000000010",
        OTHER_CHANNEL,
        GUILD,
        11,
      ]);
      assert.equal(thread.newly_created, true);
      fake.addGuild({
        id: "500000000000000000",
        channels: [{ id: "500000000000000001" }],
      });
      const guild = (await client.nextDispatch("GUILD_CREATE")).d as Loose;
      assert.equal(guild.id, "500000000000000000");
      assert.deepEqual(guild.channels.map((c: { id: string }) => c.id), [
        "500000000000000001",
      ]);
      const channel = await api(fake, "GET", "/channels/200000000000000010");
      assert.equal(channel.json.parent_id, OTHER_CHANNEL);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);
