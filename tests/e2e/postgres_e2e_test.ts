/**
 * End to end on PostgreSQL: the real bot process with
 * `DATABASE_URL=postgres://…` (a fresh database on the test server) answers,
 * and after a restart still knows the conversation; when PostgreSQL drops
 * its connections (a server restart), it keeps answering. Ignored, after one
 * "skipped: PostgreSQL" line, when no server answers.
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";
import {
  adminQuery,
  createTestDatabase,
  testPostgresUrl,
} from "../support/test_postgres.ts";

const url = await testPostgresUrl();

Deno.test({
  name:
    "the bot on PostgreSQL answers and remembers the conversation across a restart",
  ignore: url === null,
  async fn() {
    const database = await createTestDatabase(url ?? "");
    try {
      await using h = await startHarness({
        env: { DATABASE_URL: database.url },
      });
      h.llm.script({ chunks: ["Nice to meet you, Alice."] });
      h.discord.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${h.discord.botId}> my name is Alice`,
      });
      await h.discord.waitFor(
        () => botMessages(h, CHANNEL)[0],
        15_000,
        "the first reply",
      );
      assert.equal(await h.stop(), 0);
      await h.start();
      h.llm.script({ chunks: ["You are Alice."] });
      h.discord.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${h.discord.botId}> what is my name?`,
      });
      await h.discord.waitFor(
        () => botMessages(h, CHANNEL)[1],
        15_000,
        "the second reply",
      );
      assert.deepEqual(h.llmMessages(1).map((m) => m.content), [
        "You are Helper.",
        "alice: my name is Alice",
        "Nice to meet you, Alice.",
        "alice: what is my name?",
      ]);
      await h.stop();
    } finally {
      await database.drop();
    }
  },
});

/** Ends every connection to database `name` but this one, as a server restart does. */
async function dropConnections(name: string): Promise<void> {
  await adminQuery(
    url ?? "",
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
  );
}

Deno.test({
  name:
    "the bot on PostgreSQL keeps answering after its connections are dropped, idle and mid-turn",
  ignore: url === null,
  async fn() {
    const database = await createTestDatabase(url ?? "");
    try {
      await using h = await startHarness({
        env: { DATABASE_URL: database.url },
      });
      h.llm.script({ chunks: ["first answer"] });
      h.discord.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${h.discord.botId}> one`,
      });
      await h.discord.waitFor(
        () =>
          botMessages(h, CHANNEL).find((m) =>
            m.content.includes("first answer")
          ),
        15_000,
        "the first reply",
      );
      // Idle connections dropped.
      await new Promise((r) => setTimeout(r, 500));
      await dropConnections(database.name);
      const second = h.discord.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${h.discord.botId}> two`,
      });
      // The answer, or a short reply saying it failed: never silence.
      await h.discord.waitFor(
        () => botMessages(h, CHANNEL).find((m) => m.replyToId === second.id),
        15_000,
        "the reply after idle connections were dropped",
      ).catch((e) => {
        throw new Error(`${e.message}\n${h.output()}`);
      });
      // Dropped mid-turn.
      let release = () => {};
      const gate = new Promise<void>((r) => release = r);
      h.llm.script({ gate, chunks: ["third answer"] });
      const third = h.discord.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${h.discord.botId}> three`,
      });
      await h.llm.waitForChatRequests(h.llm.chatCount + 1);
      await dropConnections(database.name);
      release();
      await h.discord.waitFor(
        () => botMessages(h, CHANNEL).find((m) => m.replyToId === third.id),
        15_000,
        "some reply to the turn cut by the drop",
      ).catch((e) => {
        throw new Error(`${e.message}\n${h.output()}`);
      });
      const fourth = h.discord.sendUserMessage({
        channelId: CHANNEL,
        content: `<@${h.discord.botId}> four`,
      });
      await h.discord.waitFor(
        () =>
          botMessages(h, CHANNEL).find((m) =>
            m.replyToId === fourth.id && m.content.startsWith("echo:")
          ),
        15_000,
        "the reply after the mid-turn drop",
      ).catch((e) => {
        throw new Error(`${e.message}\n${h.output()}`);
      });
      assert.equal(await h.stop(), 0);
    } finally {
      await database.drop();
    }
  },
});
