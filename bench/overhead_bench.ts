/**
 * The bot's own cost before the model: from a MESSAGE_CREATE leaving the
 * fake gateway to the chat request reaching the fake LLM, one message at a
 * time (each waits for the previous reply), in conversations with a given
 * amount of stored history. Groups of channels with different history
 * sizes are sampled interleaved in the same bot process, so the history
 * scaling ratio compares like with like.
 *
 * @module
 */

import type { BenchRig } from "./bench_rig.ts";
import { ChannelPacer, sleep } from "./stats.ts";
import { turnTag, type TurnTracker } from "./turn_tracker.ts";

/** Channels sharing one history size, and how many samples to take from them. */
export interface OverheadGroup {
  name: string;
  channels: readonly string[];
  samples: number;
}

/** How to sample. */
export interface OverheadOptions {
  /** Turns at the start whose samples are dropped (JIT, caches), besides each channel's first. */
  warmup_turns: number;
  /** Least time between two turns of one channel (the bot sends ≤ 5 per 5 s per channel). */
  pace_ms: number;
  /**
   * Least time between two turns overall: the bot paces its Discord
   * requests to 45/s bot-wide, and a turn makes two (typing, reply).
   */
  gap_ms: number;
  /** Longest wait for one turn's request or reply. */
  timeout_ms: number;
  /** Numbers the turns' tags from here (tags must be unique per rig). */
  first_turn: number;
}

/** What an overhead run measured. */
export interface OverheadResult {
  /** Milliseconds from MESSAGE_CREATE to the LLM request, per group name. */
  samples: Record<string, number[]>;
  /** Messages in each sampled request (system prompt, history, new message), per group. */
  window_messages: Record<string, number[]>;
  /** The next free turn number. */
  next_turn: number;
}

/** A short question, different per turn. */
const QUESTIONS = [
  "what does the retry setting do when the server times out?",
  "can you summarise the last answer in two lines",
  "and how would that look in TypeScript?",
  "why is the context window limited to 8k tokens here?",
  "thanks! one more: how do I reset the conversation?",
];

/** Runs the overhead measurement; the LLM answers each turn at once in one chunk. */
export async function measureOverhead(
  rig: BenchRig,
  tracker: TurnTracker,
  groups: readonly OverheadGroup[],
  options: OverheadOptions,
): Promise<OverheadResult> {
  tracker.setReply((_, tag) => ({
    chunks: [
      `Noted ${tag}. The retry setting only applies before the first token arrives; after that a failure is reported instead.`,
    ],
  }));
  const pacer = new ChannelPacer(options.pace_ms);
  const samples: Record<string, number[]> = {};
  const windows: Record<string, number[]> = {};
  const seen = new Set<string>();
  const cursor = new Map<string, number>();
  for (const group of groups) {
    samples[group.name] = [];
    windows[group.name] = [];
  }
  let turn = options.first_turn;
  let warmup = options.warmup_turns;
  let rotation = 0;
  let last = -Infinity;

  const wanted = () =>
    groups.filter((g) => (samples[g.name]?.length ?? 0) < g.samples);
  for (let open = wanted(); open.length > 0; open = wanted()) {
    const gap = last + options.gap_ms - performance.now();
    if (gap > 0) await sleep(gap);
    // The next channel of each open group in rotation; take the first ready one.
    const now = performance.now();
    let choice: { group: OverheadGroup; channel: string } | null = null;
    let soonest = Infinity;
    for (let g = 0; g < open.length; g++) {
      const group = open[(rotation + g) % open.length];
      if (group === undefined) continue;
      const index = cursor.get(group.name) ?? 0;
      const channel = group.channels[index % group.channels.length];
      if (channel === undefined) continue;
      const wait = pacer.waitFor(channel, now);
      if (wait === 0) {
        choice = { group, channel };
        cursor.set(group.name, index + 1);
        rotation++;
        break;
      }
      soonest = Math.min(soonest, wait);
    }
    if (choice === null) {
      await sleep(Math.min(soonest, 50));
      continue;
    }
    const { group, channel } = choice;
    const tag = turnTag(turn++);
    const request = tracker.llmRequest(tag, options.timeout_ms);
    const question = QUESTIONS[turn % QUESTIONS.length] ?? "";
    const sent = rig.send(channel, `${tag} ${question}`);
    pacer.use(channel, sent.at);
    last = sent.at;
    const reply = tracker.botWrite(
      channel,
      (w) => w.kind === "send" && w.reply_to === sent.id,
      options.timeout_ms,
      `reply to turn ${tag}`,
    );
    const [arrival] = await Promise.all([request, reply]);
    const first = !seen.has(channel);
    seen.add(channel);
    if (warmup > 0) warmup--;
    else if (!first) {
      samples[group.name]?.push(arrival.at - sent.at);
      const messages = arrival.body.messages;
      windows[group.name]?.push(Array.isArray(messages) ? messages.length : 0);
    }
  }
  return { samples, window_messages: windows, next_turn: turn };
}
