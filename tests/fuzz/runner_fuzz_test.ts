import assert from "node:assert/strict";
import type { TokenCounter } from "../../src/llm/token_counter.ts";
import { estimateTokens } from "../../src/llm/token_estimate.ts";
import { log } from "../../src/log/logging.ts";
import type { IncomingMessage } from "../../src/pipeline/incoming_message.ts";
import { buildPipeline } from "../../src/pipeline/pipeline.ts";
import { Runner } from "../../src/pipeline/runner.ts";
import type { DispatchOutcome } from "../../src/pipeline/runner.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { ScriptedLlm } from "../support/scripted_llm.ts";
import {
  BOT_ID,
  GUILD,
  testConfig,
  USER_SCOPE_CHANNEL,
} from "../support/test_config.ts";
import { chance, fuzzCases, hostileString, int, pick } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";
import { idCheckingStore } from "./id_checking_store.ts";
import { unhandledRejectionsOf } from "./unhandled_rejections.ts";
import { copyTree, mutateTree } from "./value_mutations.ts";

const OUTCOMES: ReadonlySet<DispatchOutcome> = new Set<DispatchOutcome>([
  "ignored",
  "denied",
  "rate_limited",
  "answered",
  "failed",
  "interrupted",
  "unrouted",
  "queue_full",
  "shutting_down",
]);

const counter: TokenCounter = {
  count: estimateTokens,
  countMessages: () => 0,
  countExact: (text) => Promise.resolve(estimateTokens(text)),
  ratio: 1,
};

const WEIRD_IDS = [
  "",
  "abc",
  "-1",
  "0",
  "9".repeat(400),
  "__proto__",
  "constructor",
  "１２３", // full-width digits
  "1\u200b2",
  "<@everyone>",
];

const WEIRD_CONTENT = [
  "",
  " ",
  `<@${BOT_ID}>`,
  `<@${BOT_ID}> ${"x".repeat(100_000)}`,
  `<@${BOT_ID}> ${"\u200b".repeat(50_000)}`,
  `<@!${BOT_ID}> مرحبا \u202eevil\u202c 👨‍👩‍👧‍👦`,
  `<@${BOT_ID}> ${"Z\u0336\u0351".repeat(20_000)}`,
  `<@${BOT_ID}> \ud83d lone surrogate \ude00`,
  `<@${BOT_ID}> @everyone @here <@&1> <@123>`,
];

/** A message to mutate: in a bound channel, a per-user channel, a server channel or a DM. */
function baseMessage(random: Random): IncomingMessage {
  const place = pick(random, [
    {},
    { channel_id: USER_SCOPE_CHANNEL },
    { channel_id: "100000000000000077", guild_id: GUILD },
    { guild_id: "" },
  ]);
  return message({ ...place, text: hostileString(random, int(random, 0, 30)) });
}

/** Breaks a message the way a buggy transport or a hostile user might. */
function mutateMessage(random: Random, value: IncomingMessage): void {
  const target = value as unknown as Record<string, unknown>;
  const author = typeof target.author === "object" && target.author !== null
    ? target.author as Record<string, unknown>
    : undefined;
  switch (int(random, 0, 4)) {
    case 0:
      target.content = pick(random, WEIRD_CONTENT);
      break;
    case 1: {
      const field = pick(random, [
        "id",
        "channel_id",
        "guild_id",
        "parent_channel_id",
      ]);
      target[field] = pick(random, WEIRD_IDS);
      break;
    }
    case 2:
      if (author !== undefined) {
        if (chance(random, 0.5)) {
          delete author[
            pick(random, ["id", "display_name", "role_ids", "is_bot"])
          ];
        } else author.id = pick(random, WEIRD_IDS);
      }
      break;
    default:
      mutateTree(random, target);
  }
}

Deno.test("Runner.dispatch() never rejects and leaves no unhandled rejection for 500 batches of 1–5 mutated messages", async () => {
  await using sqlite = await SqliteStore.open(":memory:");
  let failing = false;
  const { store } = idCheckingStore(sqlite, () => failing);
  const config = testConfig();
  config.rate_limits.default = {};
  let clock = 1_000_000;
  const now = () => clock++;
  const llm = new ScriptedLlm(() => 0.5);
  const runner = new Runner({
    store,
    pipeline: buildPipeline({
      store,
      llm,
      counterFor: () => counter,
      now,
      logger: log("fuzz"),
    }),
    config: () => config,
    bot_user_id: () => BOT_ID,
    now,
    logger: log("fuzz"),
  });
  const outcomes = new Map<string, number>();
  const reasons = await unhandledRejectionsOf(async () => {
    await fuzzCases({ seed: 31_000, iterations: 500 }, async (random) => {
      failing = chance(random, 0.05);
      // A few messages at once, some in the same conversation.
      const batch = Array.from({ length: int(random, 1, 5) }, () => {
        const value = copyTree(baseMessage(random));
        const mutations = int(random, 1, 3);
        for (let i = 0; i < mutations; i++) mutateMessage(random, value);
        return { value, reply: new RecordingReply() };
      });
      const results = await Promise.allSettled(
        batch.map(({ value, reply }) => runner.dispatch(value, reply)),
      );
      for (const [i, result] of results.entries()) {
        const entry = batch[i];
        const describe = () =>
          JSON.stringify(
            entry?.value,
            (_k, v) =>
              typeof v === "bigint"
                ? `${v}n`
                : typeof v === "string" && v.length > 80
                ? `${v.slice(0, 80)}…`
                : v,
          );
        if (result.status === "rejected") {
          throw new Error(
            `dispatch() rejected with ${
              String(result.reason)
            } for ${describe()}`,
          );
        }
        assert.ok(OUTCOMES.has(result.value), `outcome ${result.value}`);
        outcomes.set(result.value, (outcomes.get(result.value) ?? 0) + 1);
        for (const shown of entry?.reply.shows ?? []) {
          for (const chunk of shown.chunks) {
            assert.ok(
              chunk.length <= 2000,
              `a ${chunk.length}-character chunk`,
            );
          }
        }
        for (const notice of entry?.reply.notices ?? []) {
          assert.ok(notice.trim() !== "", "an empty notice");
        }
      }
    });
  });
  assert.deepEqual(reasons.map(String), [], "unhandled rejections");
  assert.equal(runner.pending, 0);
  // Not vacuous: plenty of turns ran all the way, some failed or were refused.
  assert.ok(
    (outcomes.get("answered") ?? 0) > 100,
    JSON.stringify([...outcomes]),
  );
});

Deno.test("Runner.dispatch() resolves for a message without an author or with a bigint channel id", async (t) => {
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig();
  const runner = new Runner({
    store,
    pipeline: buildPipeline({
      store,
      llm: new ScriptedLlm(() => 0),
      counterFor: () => counter,
      now: () => 1_000_000,
      logger: log("fuzz"),
    }),
    config: () => config,
    bot_user_id: () => BOT_ID,
    now: () => 1_000_000,
    logger: log("fuzz"),
  });
  const cases: [string, Record<string, unknown>][] = [
    ["no author", { author: undefined }],
    ["author null", { author: null }],
    ["a bigint channel id", { channel_id: 100000000000000001n }],
  ];
  for (const [name, change] of cases) {
    await t.step(name, async () => {
      const broken = { ...message(), ...change } as unknown as IncomingMessage;
      const reasons = await unhandledRejectionsOf(async () => {
        const outcome = await runner.dispatch(broken, new RecordingReply())
          .catch((error) => `rejected: ${String(error)}`);
        assert.ok(OUTCOMES.has(outcome as DispatchOutcome), outcome);
      });
      assert.deepEqual(reasons.map(String), []);
    });
  }
});
