import assert from "node:assert/strict";
import { handleAsk } from "../../src/discord/ask_command.ts";
import type { AskDeps } from "../../src/discord/ask_command.ts";
import { ChannelDirectory } from "../../src/discord/channel_directory.ts";
import {
  ChannelThrottle,
  systemThrottleTimers,
} from "../../src/discord/channel_throttle.ts";
import type { InteractionWebhook } from "../../src/discord/interaction_port.ts";
import type { GatewayInteraction } from "../../src/discord/slash_commands.ts";
import { log } from "../../src/log/logging.ts";
import { ACCESS_REFUSED } from "../../src/pipeline/access/access_gate.ts";
import type { IncomingMessage } from "../../src/pipeline/incoming_message.ts";
import type { ReplyTarget } from "../../src/pipeline/reply_target.ts";
import type { DispatchOutcome } from "../../src/pipeline/runner.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { CHANNEL, GUILD, testConfig } from "../support/test_config.ts";

const ALICE = 400000000000000001n;

function interaction(over: Partial<GatewayInteraction> = {}) {
  return {
    id: 77n,
    type: 2,
    token: "tok",
    channelId: BigInt(CHANNEL),
    guildId: BigInt(GUILD),
    member: { roles: [], user: { id: ALICE, username: "alice" } },
    data: {
      name: "ask",
      options: [{ name: "prompt", value: "why is the sky blue?" }],
    },
    ...over,
  } as GatewayInteraction;
}

/** A webhook that records calls, and a runner that answers (or not) as told. */
function harness(
  store: SqliteStore,
  answer: (
    message: IncomingMessage,
    reply: ReplyTarget,
  ) => Promise<DispatchOutcome>,
) {
  const calls: string[] = [];
  const dispatched: IncomingMessage[] = [];
  const webhook: InteractionWebhook = {
    defer: () => (calls.push("defer"), Promise.resolve()),
    editOriginal: (c) => (calls.push(`original ${c}`), Promise.resolve("1")),
    followUp: (c, ephemeral) => (
      calls.push(`follow-up${ephemeral ? " (ephemeral)" : ""} ${c}`),
        Promise.resolve("2")
    ),
    editMessage: (id, c) => (calls.push(`edit ${id} ${c}`), Promise.resolve()),
    deleteOriginal: () => (calls.push("delete original"), Promise.resolve()),
  };
  const config = testConfig();
  config.access.deny_users = ["400000000000000666"];
  const throttle = new ChannelThrottle(1000, 1, systemThrottleTimers);
  const deps: AskDeps = {
    services: {
      config: () => config,
      commands: { store, config: () => config, now: () => 0 },
      runner: {
        dispatch(message: IncomingMessage, reply: ReplyTarget) {
          dispatched.push(message);
          return answer(message, reply);
        },
      } as unknown as AskDeps["services"]["runner"],
    },
    directory: new ChannelDirectory(() => Promise.resolve(null)),
    webhook: () => webhook,
    throttle,
    timers: systemThrottleTimers,
    logger: log("test"),
    now: () => 1_000,
  };
  return { deps, calls, dispatched, close: () => throttle.close() };
}

Deno.test("handleAsk() defers first, dispatches a slash-command message with the persona and file, and the answer replaces the deferral", async () => {
  await using store = await SqliteStore.open(":memory:");
  const h = harness(store, async (_message, reply) => {
    await reply.show(["The air scatters blue light."], true);
    return "answered";
  });
  try {
    const attachments = new Map([[55n, {
      id: 55n,
      filename: "sky.png",
      contentType: "image/png",
      size: 10,
      url: "https://cdn.discordapp.com/attachments/1/55/sky.png",
    }]]);
    await handleAsk(
      interaction({
        data: {
          name: "ask",
          options: [
            { name: "prompt", value: "why is the sky blue?" },
            { name: "persona", value: "PIRATE" },
            { name: "file", value: "55" },
          ],
          resolved: { attachments },
        } as NonNullable<GatewayInteraction["data"]>,
      }),
      h.deps,
    );
    assert.deepEqual(h.calls, [
      "defer",
      "original The air scatters blue light.",
    ]);
    const [message] = h.dispatched;
    assert.equal(message?.slash_command, true);
    assert.equal(message?.content, "why is the sky blue?");
    assert.equal(message?.persona, "pirate");
    assert.equal(message?.author.id, String(ALICE));
    assert.deepEqual(message?.attachments, [{
      id: "55",
      name: "sky.png",
      url: "https://cdn.discordapp.com/attachments/1/55/sky.png",
      content_type: "image/png",
      size: 10,
    }]);
  } finally {
    h.close();
  }
});

Deno.test("handleAsk() refuses only to the caller: no access, an unknown persona, nothing said", async (t) => {
  await using store = await SqliteStore.open(":memory:");
  const cases: [string, GatewayInteraction, DispatchOutcome, string][] = [
    [
      "a denied user",
      interaction({
        member: {
          roles: [],
          user: { id: 400000000000000666n, username: "eve" },
        },
      }),
      "answered",
      ACCESS_REFUSED,
    ],
    [
      "a persona not allowed here",
      interaction({
        data: {
          name: "ask",
          options: [{ name: "prompt", value: "hi" }, {
            name: "persona",
            value: "wizard\n@everyone",
          }],
        },
      }),
      "answered",
      'There is no persona "wizard @everyone" here. Available: **Helper** (`helper`), **Pirate** (`pirate`).',
    ],
    [
      "a turn that said nothing",
      interaction(),
      "failed",
      "⚠️ I could not answer that. Please try again.",
    ],
  ];
  for (const [name, raw, outcome, note] of cases) {
    await t.step(name, async () => {
      const h = harness(store, () => Promise.resolve(outcome));
      try {
        await handleAsk(raw, h.deps);
        assert.deepEqual(h.calls, [
          "defer",
          "delete original",
          `follow-up (ephemeral) ${note}`,
        ]);
      } finally {
        h.close();
      }
    });
  }
});
