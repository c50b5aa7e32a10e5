/**
 * End to end on PostgreSQL: the real bot process with
 * `DATABASE_URL=postgres://…` (a fresh database on the test server) answers,
 * and after a restart still knows the conversation. Ignored, after one
 * "skipped: PostgreSQL" line, when no server answers.
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";
import {
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
