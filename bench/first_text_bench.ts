/**
 * How soon streamed text shows: from the first token leaving the fake LLM
 * to the bot's first message (the POST answering the trigger) reaching the
 * fake Discord. The fake LLM holds each reply's first chunk behind a gate
 * opened a few milliseconds after the request (so the response headers are
 * out), timestamps the opening, then streams the rest with small gaps like
 * a real model. Turns go one at a time; each channel is used at most once
 * per `pace_ms` so the bot's per-channel throttle never delays the send.
 * The same turns also time the end: from the last token leaving the fake
 * LLM to the complete text reaching the fake Discord.
 *
 * @module
 */

import type { BenchRig } from "./bench_rig.ts";
import { ChannelPacer, sleep } from "./stats.ts";
import { turnTag, type TurnTracker } from "./turn_tracker.ts";

/** How to sample. */
export interface FirstTextOptions {
  channels: readonly string[];
  samples: number;
  /** Samples at the start that are dropped. */
  warmup_turns: number;
  /** Least time between two turns of one channel (a streamed reply takes a send and an edit). */
  pace_ms: number;
  /** Least time between two turns overall (the bot paces Discord requests to 45/s). */
  gap_ms: number;
  /**
   * Milliseconds from the request's arrival to the first token (default 5,
   * so the response headers are out first; 0 sends it at once).
   */
  first_token_after_ms?: number;
  timeout_ms: number;
  first_turn: number;
  /** Content chunks after the first one, and the gap between chunks. */
  chunks?: number;
  chunk_delay_ms?: number;
}

/** What a first-text run measured. */
export interface FirstTextResult {
  /** Milliseconds from the first token to the first POST, per turn. */
  samples: number[];
  /** Milliseconds from the last token to the write holding the whole text, per turn. */
  final_samples: number[];
  next_turn: number;
}

const WORDS = "Here is how the retry setting works when the server is slow"
  .split(" ");

/** Runs the first-text measurement. */
export async function measureFirstText(
  rig: BenchRig,
  tracker: TurnTracker,
  options: FirstTextOptions,
): Promise<FirstTextResult> {
  const firstToken = new Map<string, number>();
  const lastToken = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const extra = options.chunks ?? 10;
  const after = options.first_token_after_ms ?? 5;
  tracker.setReply((arrival, tag) => {
    const gate = after === 0
      ? Promise.resolve(firstToken.set(tag, arrival.at)).then(() => {})
      : new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          firstToken.set(tag, performance.now());
          resolve();
        }, after);
        timers.add(timer);
      });
    const chunks = [`${tag} `];
    for (let i = 0; i < extra; i++) chunks.push(`${WORDS[i % WORDS.length]} `);
    // The fake awaits `resume` right before the last chunk: a thenable
    // notes that moment, and the chunk leaves at once.
    const resume = {
      then(go: () => void) {
        lastToken.set(tag, performance.now());
        go();
      },
    } as unknown as Promise<void>;
    return {
      gate,
      chunks,
      chunk_delay_ms: options.chunk_delay_ms ?? 20,
      pause_after: extra,
      resume,
    };
  });

  const pacer = new ChannelPacer(options.pace_ms);
  const samples: number[] = [];
  const final_samples: number[] = [];
  const finals: Promise<void>[] = [];
  let turn = options.first_turn;
  let warmup = options.warmup_turns;
  let index = 0;
  let last = -Infinity;
  try {
    while (samples.length < options.samples) {
      const gap = last + options.gap_ms - performance.now();
      if (gap > 0) await sleep(gap);
      const channel = options.channels[index % options.channels.length];
      if (channel === undefined) throw new Error("No channels to measure in");
      const wait = pacer.waitFor(channel);
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      index++;
      const tag = turnTag(turn++);
      const sent = rig.send(channel, `${tag} how does the retry setting work?`);
      pacer.use(channel, sent.at);
      last = sent.at;
      const first = tracker.botWrite(
        channel,
        (w) => w.kind === "send" && w.reply_to === sent.id,
        options.timeout_ms,
        `first text of turn ${tag}`,
      );
      const final = tracker.botWrite(
        channel,
        (w) => w.content.startsWith(tag) && w.content.split(" ").length > extra,
        options.timeout_ms,
        `final text of turn ${tag}`,
      );
      const counted = warmup === 0;
      const timed = final.then((write) => {
        const token = lastToken.get(tag);
        lastToken.delete(tag);
        if (token === undefined) {
          throw new Error(
            `Turn ${tag} posted its whole text before its last token left`,
          );
        }
        if (counted) final_samples.push(write.at - token);
      });
      timed.catch(() => {}); // awaited below
      finals.push(timed);
      const write = await first;
      const token = firstToken.get(tag);
      firstToken.delete(tag);
      if (token === undefined) {
        throw new Error(`Turn ${tag} posted text before its first token left`);
      }
      if (warmup > 0) warmup--;
      else samples.push(write.at - token);
    }
    // Let the edits finish before the next measurement starts.
    await Promise.all(finals);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  return { samples, final_samples, next_turn: turn };
}
