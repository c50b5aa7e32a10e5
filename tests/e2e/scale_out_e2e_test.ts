/**
 * End to end, scaled out: a fake Discord with 4 shards (each guild's events
 * on shard `(guild_id >> 22) % 4`), PostgreSQL, one REST proxy and two
 * gateway processes owning shards 0-1/4 and 2-3/4. 40 guilds × 5 messages
 * are each answered exactly once, in order, by the process owning the
 * guild's shard; Discord never answers 429; a user's rate limit is counted
 * across both processes; a process killed with SIGKILL and restarted keeps
 * every conversation. Ignored, after one "skipped: PostgreSQL" line, without
 * a PostgreSQL server.
 */
import assert from "node:assert/strict";
import { builtBotMain } from "../../src/cli/build.ts";
import { FakeDiscord } from "../fakes/fake_discord/fake_discord.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import {
  createTestDatabase,
  testPostgresUrl,
} from "../support/test_postgres.ts";
import {
  ALICE,
  BOB,
  channelId,
  type Child,
  freePort,
  get,
  guildId,
  GUILDS,
  openTurns,
  PER_GUILD,
  SECRET,
  spawnDeno,
  STRICT,
  until,
} from "./scale_out_harness.ts";
import { scaleOutConfig as config } from "./scale_out_harness.ts";

const url = await testPostgresUrl();

Deno.test({
  name:
    "two gateway processes, one REST proxy and PostgreSQL answer 40 guilds × 5 messages once each, in order",
  ignore: url === null,
  async fn() {
    await builtBotMain(); // the gateways run the bundle, as `start` does
    const database = await createTestDatabase(url ?? "");
    const guilds = [...Array.from({ length: GUILDS }, (_, i) => i), ...STRICT];
    const discord = FakeDiscord.start({
      users: [{ id: ALICE, username: "alice" }, { id: BOB, username: "bob" }],
      guilds: guilds.map((i) => ({
        id: guildId(i),
        name: `g${i}`,
        channels: [{ id: channelId(i), name: `c${i}` }],
      })),
    });
    const llm = await startFakeLlmServer();
    const dir = await Deno.makeTempDir({ prefix: "scale-out-" });
    await Deno.writeTextFile(`${dir}/bot.config.yaml`, config(llm.url));
    const children: Child[] = [];
    try {
      const restPort = freePort();
      const rest = spawnDeno("rest", "src/cli/rest.ts", [
        "--port",
        String(restPort),
      ], {
        DISCORD_TOKEN: discord.token,
        DISCORD_REST_SECRET: SECRET,
        DISCORD_API_BASE_URL: discord.restBaseUrl,
      }, dir);
      children.push(rest);
      const restUrl = `http://127.0.0.1:${restPort}`;
      await until(
        async () => (await get(`${restUrl}/healthz`))?.status === 200,
        20_000,
        "the REST proxy",
      );

      const ranges = { A: "0-1/4", B: "2-3/4" } as const;
      const health: Record<string, number> = {};
      const gateway = (name: "A" | "B") => {
        health[name] ??= freePort();
        const child = spawnDeno(`gateway ${name}`, "build/bot/main.js", [], {
          DISCORD_TOKEN: discord.token,
          DISCORD_GATEWAY_URL: discord.gatewayUrl,
          DISCORD_REST_URL: restUrl,
          DISCORD_REST_SECRET: SECRET,
          DISCORD_SHARDS: ranges[name],
          DATABASE_URL: database.url,
          BOT_CONFIG: `${dir}/bot.config.yaml`,
          HEALTH_PORT: String(health[name]),
          GATEWAY_NAME: name,
        }, dir);
        children.push(child);
        return child;
      };
      const ready = (name: "A" | "B") =>
        until(
          async () =>
            (await get(`http://127.0.0.1:${health[name]}/readyz`))?.status ===
              200,
          30_000,
          `gateway ${name} to be ready`,
        );
      gateway("A");
      let b = gateway("B");
      await Promise.all([ready("A"), ready("B")]);

      // Health and metrics per process, labelled with its shard range.
      const metrics = await get(`http://127.0.0.1:${health["B"]}/metrics`);
      assert.match(metrics?.body ?? "", /shards="2-3\/4"/);

      // 40 guilds × 5 messages, all sent at once.
      const triggers = new Map<number, string[]>();
      for (let m = 0; m < PER_GUILD; m++) {
        for (let g = 0; g < GUILDS; g++) {
          const sent = discord.sendUserMessage({
            channelId: channelId(g),
            content: `<@${discord.botId}> g${g} m${m}`,
          });
          triggers.set(g, [...(triggers.get(g) ?? []), sent.id]);
        }
      }
      const replies = (g: number) =>
        discord.messagesIn(channelId(g)).filter((msg) =>
          msg.authorId === discord.botId
        );
      await until(
        () =>
          Array.from({ length: GUILDS }, (_, g) => g).every((g) =>
            replies(g).length >= PER_GUILD &&
            replies(g).every((r) =>
              r.content.startsWith("echo:") && !r.content.endsWith(" ")
            )
          ),
        120_000,
        "every message to be answered",
      ).catch((error) => {
        throw new Error(
          `${error.message}\n${
            children.map((c) => `--- ${c.name}\n${c.output().slice(-3000)}`)
              .join("\n")
          }`,
        );
      });
      await until(() => llm.openStreams === 0, 10_000, "streams to end");

      const owner = (g: number) => (g % 4 < 2 ? "A" : "B");
      for (let g = 0; g < GUILDS; g++) {
        const answered = replies(g);
        assert.equal(
          answered.length,
          PER_GUILD,
          `guild ${g}: one reply per message`,
        );
        assert.deepEqual(
          answered.map((r) => r.replyToId),
          triggers.get(g),
          `guild ${g}: replies in order`,
        );
        const requests = llm.chatRequests().filter((r) => {
          const messages = (r.body as { messages: { content: string }[] })
            .messages;
          return messages.at(-1)?.content.includes(`g${g} m`) ?? false;
        });
        assert.equal(
          requests.length,
          PER_GUILD,
          `guild ${g}: one LLM call each`,
        );
        for (const request of requests) {
          const messages = (request.body as { messages: { content: string }[] })
            .messages;
          assert.equal(messages[0]?.content, `You are Helper on ${owner(g)}.`);
        }
      }
      assert.equal(
        discord.rateLimitedCount(),
        0,
        `Discord never answered 429:\n${rateLimitReport(discord, children)}`,
      );

      // One rate limit across both processes: 3 an hour, shards 0 and 2.
      const strictCalls = () =>
        llm.chatRequests().filter((r) =>
          JSON.stringify(r.body).includes("strict ")
        ).length;
      for (
        const [n, g] of [[1, STRICT[0]], [2, STRICT[1]], [
          3,
          STRICT[0],
        ]] as const
      ) {
        discord.sendUserMessage({
          channelId: channelId(g),
          authorId: BOB,
          content: `<@${discord.botId}> strict ${n}`,
        });
        await until(() => strictCalls() === n, 20_000, `strict message ${n}`);
      }
      const fourth = discord.sendUserMessage({
        channelId: channelId(STRICT[1]),
        authorId: BOB,
        content: `<@${discord.botId}> strict 4`,
      });
      await until(
        () =>
          discord.messagesIn(channelId(STRICT[1])).find((m) =>
            m.authorId === discord.botId && m.replyToId === fourth.id
          ),
        20_000,
        "the rate-limit notice",
      );
      assert.equal(strictCalls(), 3, "the 4th message in an hour was refused");

      // Kill gateway B mid-turn while A also has a turn running; A keeps
      // answering; B restarted answers its cut-off turn once and leaves A's.
      // Every earlier turn must have ended in the store first: a reply whose
      // text is whole in Discord still has its last edit (the buttons of a
      // finished reply) to go before it is `answered`, and under load that
      // edit can wait seconds; a turn killed before it is rightly closed as
      // interrupted on restart.
      let open: string[] = [];
      await until(
        async () => (open = await openTurns(database.url)).length === 0,
        60_000,
        "every earlier turn to end",
      ).catch((error) => {
        throw new Error(`${error.message}; still open: ${open.join(", ")}`);
      });
      let releaseB = () => {};
      let releaseA = () => {};
      const gateB = new Promise<void>((resolve) => releaseB = resolve);
      const gateA = new Promise<void>((resolve) => releaseA = resolve);
      llm.script({ gate: gateB });
      const pendingB = discord.sendUserMessage({
        channelId: channelId(2),
        content: `<@${discord.botId}> g2 pending`,
      });
      await llm.waitForChatRequests(llm.chatCount + 1);
      llm.script({ gate: gateA, chunks: ["echo: ", "g0 slow"] });
      const slowA = discord.sendUserMessage({
        channelId: channelId(0),
        content: `<@${discord.botId}> g0 slow`,
      });
      await llm.waitForChatRequests(llm.chatCount + 1);
      await b.stop("SIGKILL");
      releaseB();
      const aTrigger = discord.sendUserMessage({
        channelId: channelId(1),
        content: `<@${discord.botId}> g1 after`,
      });
      await until(
        () => replies(1).find((r) => r.replyToId === aTrigger.id),
        20_000,
        "gateway A to answer while B is down",
      );
      b = gateway("B");
      await ready("B");
      await until(
        () =>
          replies(2).find((r) =>
            r.replyToId === pendingB.id && r.content.endsWith("g2 pending")
          ),
        20_000,
        "gateway B to answer the message its crash cut off",
      );
      // B recovered its own cut-off turn only, not A's running one.
      const recovered = b.output().split("\n").filter((line) =>
        line.includes("Recovered after a restart")
      ).map((line) => JSON.parse(line).properties);
      assert.deepEqual(recovered, [{ answered: 1, closed: 0, expired: 0 }]);
      releaseA();
      await until(
        () =>
          replies(0).find((r) =>
            r.replyToId === slowA.id && r.content.endsWith("g0 slow")
          ),
        20_000,
        "gateway A to finish its own slow turn",
      );
      const before = llm.chatCount;
      const bTrigger = discord.sendUserMessage({
        channelId: channelId(2),
        content: `<@${discord.botId}> g2 after`,
      });
      const reply = await until(
        () =>
          replies(2).find((r) =>
            r.replyToId === bTrigger.id && r.content.endsWith("g2 after")
          ),
        20_000,
        "gateway B to answer after its restart",
      );
      assert.ok(reply);
      const last = llm.chatRequests().at(-1)?.body as {
        messages: { content: string }[];
      };
      assert.equal(llm.chatCount, before + 1);
      assert.equal(last.messages[0]?.content, "You are Helper on B.");
      assert.ok(
        last.messages.some((m) => m.content.includes("g2 m4")),
        "the restarted process sees the conversation so far",
      );
      for (let g = 0; g < GUILDS; g++) {
        const ids = replies(g).map((r) => r.replyToId);
        assert.equal(
          new Set(ids).size,
          ids.length,
          `guild ${g}: nothing answered twice`,
        );
      }
      assert.equal(
        discord.rateLimitedCount(),
        0,
        `Discord never answered 429:\n${rateLimitReport(discord, children)}`,
      );
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n${
          children.map((c) => `--- ${c.name}\n${c.output().slice(-4000)}`)
            .join("\n")
        }`,
        { cause: error },
      );
    } finally {
      for (const child of children.reverse()) await child.stop();
      await llm.close();
      await discord.close();
      await Deno.remove(dir, { recursive: true });
      await database.drop();
    }
  },
});

/**
 * What a 429 needs to be understood: each limited request with the timeline
 * of its channel (ms from the channel's first request), how many bot
 * requests the fake took in the second before it, and what the processes
 * logged about failed Discord requests.
 */
function rateLimitReport(discord: FakeDiscord, children: Child[]): string {
  const lines: string[] = [];
  for (const limited of discord.requests.filter((r) => r.status === 429)) {
    const channel = discord.requests.filter((r) =>
      r.channelId !== null && r.channelId === limited.channelId
    );
    const start = channel[0]?.time ?? limited.time;
    const global = discord.requests.filter((r) =>
      r.time > limited.time - 1_000 && r.time <= limited.time
    ).length;
    lines.push(
      `${limited.method} ${limited.path} at ${limited.time} (error code ${limited.errorCode}); ${global} requests in the second before it`,
      ...channel.map((r) =>
        `  +${r.time - start} ms ${r.method} ${r.route ?? r.path} → ${r.status}`
      ),
    );
  }
  for (const child of children) {
    const failed = child.output().split("\n").filter((line) =>
      /Discord request failed|could not reach Discord|rate limit/i.test(line)
    );
    if (failed.length > 0) {
      lines.push(`--- ${child.name}`, ...failed.slice(-20));
    }
  }
  return lines.join("\n");
}
