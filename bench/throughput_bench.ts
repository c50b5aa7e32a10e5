/**
 * Throughput under load: many conversations at once, each sending its next
 * message as soon as the previous reply is delivered whole, against an LLM
 * that answers instantly (a streamed reply of a few chunks, no delays).
 * Completed turns — final text delivered to the fake Discord — are counted
 * over a fixed window after a warm-up; the bot's CPU time over the window
 * and its resident memory at the end are read from `/proc`. Turns still
 * running when the window closes are abandoned (the rig's shutdown lets the
 * bot finish or interrupt them), so the run takes warm-up + window.
 *
 * @module
 */

import type { BenchRig } from "./bench_rig.ts";
import { sleep } from "./stats.ts";
import { turnTag, type TurnTracker } from "./turn_tracker.ts";

/** How to load the bot. */
export interface ThroughputOptions {
  channels: readonly string[];
  warmup_ms: number;
  window_ms: number;
  timeout_ms: number;
  first_turn: number;
}

/** What a throughput run measured. */
export interface ThroughputResult {
  /** Turns whose final reply arrived inside the window. */
  turns: number;
  turns_per_second: number;
  /** Bot CPU time (user + system) over the window, per completed turn. */
  cpu_ms_per_turn: number;
  /** Bot CPU time over the window divided by the window: cores busy on average. */
  cpu_cores_busy: number;
  /** Bot resident memory at the end of the window, MB. */
  rss_mb: number;
  /** Message sends and edits the bot made inside the window, per second. */
  writes_per_second: number;
  next_turn: number;
}

/** The instant LLM's reply after the turn's tag, chunk by chunk. */
export const REPLY_CHUNKS = [
  "Sure. ",
  "The retry setting ",
  "applies only before ",
  "the first token arrives; ",
  "after that, ",
  "a failure is reported ",
  "and the partial answer is kept.",
];

/** Runs the throughput measurement. */
export async function measureThroughput(
  rig: BenchRig,
  tracker: TurnTracker,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  tracker.setReply((_, tag) => ({ chunks: [`${tag} `, ...REPLY_CHUNKS] }));
  const full = (tag: string) => `${tag} ${REPLY_CHUNKS.join("")}`;
  const completions: number[] = [];
  let writes = 0;
  let counting = false;
  let running = true;
  let turn = options.first_turn;
  tracker.observeWrites(() => {
    if (counting) writes++;
  });

  const conversation = async (channel: string) => {
    while (running) {
      const tag = turnTag(turn++);
      const final = tracker.botWrite(
        channel,
        (w) => w.content === full(tag),
        options.timeout_ms,
        `final reply of turn ${tag}`,
      );
      rig.send(channel, `${tag} how does the retry setting work?`);
      const write = await final;
      completions.push(write.at);
    }
  };
  let failure: unknown = null;
  const loops = options.channels.map((channel) =>
    conversation(channel).catch((error) => {
      if (running) failure ??= error;
    })
  );
  /** Waits `ms`, or less if a conversation failed. */
  const wait = async (ms: number) => {
    const end = performance.now() + ms;
    while (failure === null && performance.now() < end) {
      await sleep(Math.min(50, end - performance.now()));
    }
  };

  await wait(options.warmup_ms);
  const start = performance.now();
  const cpuStart = await rig.bot.cpuMs();
  counting = true;
  await wait(options.window_ms);
  counting = false;
  const end = performance.now();
  const cpuEnd = await rig.bot.cpuMs();
  const rss_mb = await rig.bot.rssMb();
  running = false;
  tracker.observeWrites(null);
  tracker.cancelAll();
  await Promise.all(loops);
  if (failure !== null) {
    throw new Error(
      `The throughput run failed: ${
        failure instanceof Error ? failure.message : String(failure)
      }`,
      { cause: failure },
    );
  }

  const seconds = (end - start) / 1000;
  const turns = completions.filter((t) => t >= start && t < end).length;
  return {
    turns,
    turns_per_second: turns / seconds,
    cpu_ms_per_turn: turns === 0 ? NaN : (cpuEnd - cpuStart) / turns,
    cpu_cores_busy: (cpuEnd - cpuStart) / (end - start),
    rss_mb,
    writes_per_second: writes / seconds,
    next_turn: turn,
  };
}
