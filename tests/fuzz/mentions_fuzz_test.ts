import assert from "node:assert/strict";
import { ChannelThrottle } from "../../src/discord/channel_throttle.ts";
import { DiscordRequestError } from "../../src/discord/discord_port.ts";
import { DiscordReply } from "../../src/discord/discord_reply.ts";
import { discordenoPort } from "../../src/discord/discordeno_port.ts";
import type { ChatEvent, ChatRequest } from "../../src/llm/chat_types.ts";
import type { LlmClient } from "../../src/llm/llm_client.ts";
import type { TokenCounter } from "../../src/llm/token_counter.ts";
import { estimateTokens } from "../../src/llm/token_estimate.ts";
import { log } from "../../src/log/logging.ts";
import { buildPipeline } from "../../src/pipeline/pipeline.ts";
import { Runner } from "../../src/pipeline/runner.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { FakeTimers } from "../support/fake_timers.ts";
import { message } from "../support/fixtures.ts";
import { BOT_ID, testConfig } from "../support/test_config.ts";
import { chance, fuzzCases, pick, randomPieces } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";
import { pingText, recordingHelpers } from "./ping_attempts.ts";
import type { HelperCall } from "./ping_attempts.ts";

/** A Discordeno REST error as the port sees it, or none. */
function restFailure(random: Random): unknown {
  if (!chance(random, 0.15)) return undefined;
  return pick<unknown>(random, [
    { cause: { status: 429, body: '{"retry_after":0.01}' } },
    { cause: { status: 500, body: "<html>oops</html>" } },
    {
      cause: {
        status: 404,
        body: '{"code":10008,"message":"Unknown Message"}',
      },
    },
    { cause: { status: 403, body: "null" } },
    { cause: null },
    new TypeError("fetch failed"),
    null,
  ]);
}

/**
 * Every call carries `allowed_mentions` that parse nothing. `replied_user`
 * is what `repliedUser(call)` says: the port passes the caller's flag on,
 * a reply pings only when configured and only as a reply.
 */
function checkCalls(
  calls: readonly HelperCall[],
  repliedUser: (call: HelperCall & { kind: "send" }) => boolean,
): void {
  for (const call of calls) {
    if (call.kind === "typing") continue;
    const where = `${call.kind} of ${
      JSON.stringify(call.content.slice(0, 80))
    }`;
    if (call.kind === "edit") {
      assert.deepEqual(call.allowed_mentions, { parse: [] }, where);
    } else {
      assert.deepEqual(
        call.allowed_mentions,
        { parse: [], replied_user: repliedUser(call) },
        where,
      );
    }
  }
}

Deno.test("discordenoPort() sends and edits 2,000 ping attempts with allowed_mentions parsing nothing", async () => {
  await fuzzCases({ seed: 71_000, iterations: 2_000 }, async (random) => {
    const failure = restFailure(random);
    const { helpers, calls } = recordingHelpers(() => failure);
    const port = discordenoPort(helpers);
    const ping = chance(random, 0.5);
    const content = pingText(random);
    const reply_to = pick(random, [undefined, "", "500000000000000001"]);
    try {
      if (chance(random, 0.5)) {
        await port.send("100000000000000001", {
          content,
          reply_to,
          ping_replied_user: ping,
        });
      } else {
        await port.edit("100000000000000001", "800000000000000000", content);
      }
      assert.equal(failure, undefined, "a failed request resolved");
    } catch (error) {
      assert.ok(error instanceof DiscordRequestError, String(error));
      assert.notEqual(failure, undefined, "an unexpected failure");
    }
    assert.equal(calls.length, 1);
    assert.equal((calls[0] as { content: string }).content, content);
    checkCalls(calls, () => ping);
    const sent = calls[0];
    if (sent?.kind === "send") {
      assert.deepEqual(
        sent.message_reference,
        reply_to
          ? { message_id: reply_to, fail_if_not_exists: false }
          : undefined,
      );
    }
  });
});

const counter: TokenCounter = {
  count: estimateTokens,
  countMessages: () => 0,
  countExact: (text) => Promise.resolve(estimateTokens(text)),
  ratio: 1,
};

/** An LLM whose answer is `pieces`, streamed as they are. */
function hostileLlm(pieces: readonly string[]): Pick<LlmClient, "streamChat"> {
  return {
    async *streamChat(endpoint: string, request: ChatRequest) {
      const events: ChatEvent[] = pieces.map((text) => ({
        type: "text",
        text,
      }));
      for (const event of events) {
        await Promise.resolve();
        yield event;
      }
      yield {
        type: "done",
        result: {
          endpoint,
          model: request.model,
          finish_reason: "stop",
          usage: null,
          text: pieces.join(""),
          reasoning: "",
          attempts: 1,
          timing: { queued_ms: 0, first_token_ms: 0, total_ms: 0 },
        },
      };
    },
  };
}

Deno.test("model output with 150 kinds of ping attempts, streamed in pieces through DiscordReply, pings nobody", async () => {
  await using store = await SqliteStore.open(":memory:");
  let answered = 0;
  await fuzzCases({ seed: 72_000, iterations: 150 }, async (random) => {
    const config = testConfig();
    config.rate_limits.default = {};
    config.discord.ping_replied_user = chance(random, 0.5);
    const text = pingText(random);
    const timers = new FakeTimers();
    const { helpers, calls } = recordingHelpers(() => restFailure(random));
    const throttle = new ChannelThrottle(5, 5_000, timers);
    const now = () => timers.now();
    const runner = new Runner({
      store,
      pipeline: buildPipeline({
        store,
        llm: hostileLlm(randomPieces(random, text).filter((p) => p !== "")),
        counterFor: () => counter,
        now,
        logger: log("fuzz"),
      }),
      config: () => config,
      bot_user_id: () => BOT_ID,
      now,
      logger: log("fuzz"),
    });
    const trigger = message({ text: "say something" });
    const reply = new DiscordReply({
      port: discordenoPort(helpers),
      throttle,
      timers,
      logger: log("fuzz"),
      channel_id: trigger.channel_id,
      trigger_message_id: trigger.id,
      ping_replied_user: config.discord.ping_replied_user,
    });
    let outcome: string | undefined;
    runner.dispatch(trigger, reply).then((o) => outcome = o);
    for (let step = 0; outcome === undefined; step++) {
      assert.ok(step < 2_000, "the turn did not end within 2,000 fake seconds");
      await timers.advance(1_000);
      if (step % 50 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    throttle.close();
    if (outcome === "answered") answered++;
    assert.ok(
      calls.some((c) => c.kind === "send"),
      `nothing was sent (outcome ${outcome})`,
    );
    for (const call of calls) {
      if (call.kind !== "typing") {
        assert.ok(
          call.content.length <= 2000,
          `${call.content.length} characters`,
        );
        assert.ok(call.content.trim() !== "", `an empty ${call.kind}`);
      }
    }
    const ping = config.discord.ping_replied_user;
    checkCalls(calls, (send) => ping && send.message_reference !== undefined);
    for (const call of calls) {
      if (call.kind === "send" && call.message_reference !== undefined) {
        assert.deepEqual(call.message_reference, {
          message_id: trigger.id,
          fail_if_not_exists: false,
        });
      }
    }
    // Later messages of a long answer reply to nothing, so they ping nobody either.
    const sends = calls.filter((c): c is HelperCall & { kind: "send" } =>
      c.kind === "send" && c.ok
    );
    for (const send of sends.slice(1)) {
      if (send.kind === "send" && send.message_reference !== undefined) {
        assert.match(
          send.content,
          /^[⚠️⏳]/u,
          `a later chunk replied to the trigger: ${
            JSON.stringify(
              sends.map((
                s,
              ) => [s.content.slice(0, 40), s.message_reference !== undefined]),
            )
          }`,
        );
      }
    }
  });
  assert.ok(answered > 50, `only ${answered} turns were answered`);
});
