/**
 * Each gateway process paces its requests to its shards' share of the
 * bot's 45 a second, rounded down, so that the processes together stay
 * under Discord's global limit with room for what they send on their own.
 */
import assert from "node:assert/strict";
import { discordPacing } from "../../src/discord/discord_pacing.ts";
import type { DiscordPort } from "../../src/discord/discord_port.ts";
import type { DiscordRuntimeOptions } from "../../src/discord/discord_runtime_options.ts";
import { FakeTimers, settle } from "../support/fake_timers.ts";

function typingsInOneSecond(shards?: DiscordRuntimeOptions["shards"]) {
  const timers = new FakeTimers();
  let started = 0;
  const port: DiscordPort = {
    send: () => Promise.reject(new Error("not used")),
    edit: () => Promise.reject(new Error("not used")),
    typing: () => {
      started++;
      return Promise.resolve();
    },
  };
  const options = { timers, shards } as unknown as DiscordRuntimeOptions;
  const { throttle, port: paced } = discordPacing(options, port);
  for (let i = 0; i < 60; i++) paced.typing(String(i)).catch(() => {});
  return {
    count: async () => {
      await settle();
      return started;
    },
    close: () => {
      paced.close();
      throttle.close();
    },
  };
}

Deno.test("one process paces to 45 requests a second", async () => {
  const run = typingsInOneSecond();
  assert.equal(await run.count(), 45);
  run.close();
});

Deno.test("a process with half the shards paces to 22, not 23", async () => {
  const run = typingsInOneSecond({ first: 0, last: 1, total: 4 });
  assert.equal(await run.count(), 22);
  run.close();
});
