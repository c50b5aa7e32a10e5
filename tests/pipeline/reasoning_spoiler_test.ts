/**
 * `reasoning: spoiler` with thoughts longer than one message: every message
 * that carries reasoning keeps it behind its own spoiler (issue 10, item 15);
 * bars in the answer's code (`a || b`) are not spoilers, so they leave no
 * stray bars and hide nothing.
 */
import assert from "node:assert/strict";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, testConfig } from "../support/test_config.ts";

Deno.test("long reasoning shown as a spoiler stays hidden in every message", async () => {
  const thought = "I think about this | carefully and at length. ";
  const final = await answer(
    Array.from({ length: 110 }, () => thought),
    ["The answer is 42."],
  );
  assert.ok(final.length >= 3, `${final.length} messages`);
  for (const chunk of final) {
    assert.ok(chunk.length <= 2000, `${chunk.length} characters`);
    const bars = chunk.match(/(?<!\\)\|\|/g)?.length ?? 0;
    assert.equal(bars % 2, 0, `an unbalanced spoiler in:\n${chunk}`);
    if (chunk.includes("carefully")) {
      // Every piece of reasoning sits between a pair of bars.
      const outside = chunk.split(/(?<!\\)\|\|/).filter((_, i) => i % 2 === 0)
        .join("");
      assert.ok(
        !outside.includes("carefully"),
        `reasoning shows in:\n${chunk}`,
      );
    }
  }
  assert.ok(final.at(-1)!.endsWith("The answer is 42."));
});

/** The final messages of a turn whose model thinks `reasoning` and says `chunks`. */
async function answer(reasoning: string[], chunks: string[]) {
  await using server = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig(server.url);
  config.personas.helper!.reasoning = "spoiler";
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => BOT_ID,
  });
  server.script({ reasoning, chunks });
  const reply = new RecordingReply();
  assert.equal(await services.runner.dispatch(message(), reply), "answered");
  await services.runner.shutdown(1000);
  return reply.shows.findLast((s) => s.done)!.chunks;
}

Deno.test("a spoiler reasoning reply adds no stray bars after an answer with `||` in code", async () => {
  const final = await answer(["Short thought."], [
    "Use `a || b` to take the first truthy value.",
  ]);
  assert.deepEqual(final, [
    "💭 ||Short thought.||\n\nUse `a || b` to take the first truthy value.",
  ]);
});

Deno.test("a spoiler reasoning reply does not hide the answer's later messages behind a spoiler", async () => {
  const code = "```js\nconst x = a || b;\n```\n\n";
  const prose = "This sentence explains the code in some detail. ".repeat(60);
  const final = await answer(["Short thought."], [code, prose]);
  assert.ok(final.length >= 2, `${final.length} messages`);
  for (const chunk of final.slice(1)) {
    assert.ok(
      !chunk.startsWith("||") && !chunk.endsWith("||"),
      `the answer is wrapped in a spoiler:\n${chunk.slice(0, 80)}…${
        chunk.slice(-40)
      }`,
    );
  }
  assert.ok(final[0]!.endsWith("detail."), final[0]!.slice(-60));
});
