/**
 * The idle bot and the long conversation: `rss_mb_idle` and `prefix_reuse`.
 *
 * @module
 */

import { benchChannels, startRig } from "./bench_rig.ts";
import { measurePrefixReuse } from "./prefix_bench.ts";
import { sleep } from "./stats.ts";
import type { SuiteSize } from "./suite_sizes.ts";
import { TurnTracker } from "./turn_tracker.ts";

/**
 * A bot with one channel bound, left idle for `idle_ms` (its resident
 * memory is `rss_mb_idle`), then one long conversation in that channel
 * under a 2,048-token budget (`prefix_reuse`).
 */
export async function idleRun(
  size: SuiteSize,
  options: { log?: (line: string) => void },
) {
  const log = options.log ?? (() => {});
  const [channel] = benchChannels(7, 1);
  log("idle: one channel bound, starting the bot…");
  const rig = await startRig({
    channels: [{ id: channel!, history: 0 }],
    budget: { context_tokens: 2048, reserve_tokens: 512 },
    // One conversation, turn after turn: Discord's pacing would only slow the run.
    env: { DISCORD_PACING: "off" },
  });
  try {
    log(`idle: ${size.idle.idle_ms / 1000} s with nothing said…`);
    await sleep(size.idle.idle_ms);
    const rss_mb_idle = await rig.bot.rssMb();
    log(`prefix: ${size.idle.prefix_turns} turns of one conversation…`);
    const tracker = new TurnTracker(rig);
    const prefix = await measurePrefixReuse(rig, tracker, {
      channel: channel!,
      turns: size.idle.prefix_turns,
      timeout_ms: size.timeout_ms,
      first_turn: 1,
    });
    tracker.cancelAll();
    return { rss_mb_idle, ...prefix };
  } finally {
    await rig.close();
  }
}
