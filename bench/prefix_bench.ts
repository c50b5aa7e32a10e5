/**
 * How warm the model's prompt cache stays: one long conversation under a
 * small budget, one turn after another, with every chat request's messages
 * kept. A server such as llama.cpp reuses its cache for the longest prefix
 * a request shares with the one before, so the figure is, per request, the
 * share of its messages that equal (role and content) the previous
 * request's messages from the start; `prefix_reuse` is their mean over the
 * conversation.
 *
 * @module
 */

import type { BenchRig } from "./bench_rig.ts";
import { turnTag, type TurnTracker } from "./turn_tracker.ts";

/** How long a conversation to hold. */
export interface PrefixOptions {
  channel: string;
  turns: number;
  timeout_ms: number;
  first_turn: number;
}

/** What a prefix run measured. */
export interface PrefixResult {
  /** Mean share over every request after the first. */
  prefix_reuse: number;
  /** Mean share over the requests after the window first had to drop history. */
  steady_prefix_reuse: number;
  /** Requests that shared only the system message, or less, with the one before. */
  cold_requests: number;
  /** Most messages one request carried. */
  max_request_messages: number;
  next_turn: number;
}

const REPLY =
  "The retry setting applies only before the first token arrives; after that, a failure is reported and the partial answer is kept for the history."
    .split(" ");

/** The share of `current`'s messages that equal `previous`'s from the start. */
export function prefixShare(
  previous: readonly unknown[],
  current: readonly unknown[],
): number {
  if (current.length === 0) return 0;
  let same = 0;
  while (
    same < previous.length && same < current.length &&
    JSON.stringify(previous[same]) === JSON.stringify(current[same])
  ) same++;
  return same / current.length;
}

/** Runs the conversation; see the module doc. */
export async function measurePrefixReuse(
  rig: BenchRig,
  tracker: TurnTracker,
  options: PrefixOptions,
): Promise<PrefixResult> {
  const requests: unknown[][] = [];
  tracker.setReply((arrival, tag) => {
    const messages = arrival.body.messages;
    requests.push(Array.isArray(messages) ? messages : []);
    return { chunks: [`${tag} `, ...REPLY.map((w) => `${w} `)] };
  });
  const full = (tag: string) => `${tag} ${REPLY.join(" ")}`;
  let turn = options.first_turn;
  for (let i = 0; i < options.turns; i++) {
    const tag = turnTag(turn++);
    const final = tracker.botWrite(
      options.channel,
      (w) => w.content.trim() === full(tag),
      options.timeout_ms,
      `final reply of turn ${tag}`,
    );
    rig.send(
      options.channel,
      `${tag} question ${i}: how does the retry setting work with a slow server?`,
    );
    await final;
  }
  const shares: number[] = [];
  let dropped = -1;
  for (let i = 1; i < requests.length; i++) {
    const previous = requests[i - 1]!;
    const current = requests[i]!;
    shares.push(prefixShare(previous, current));
    // History grows by two messages a turn until the window has to drop some.
    if (dropped === -1 && current.length < previous.length + 2) dropped = i;
  }
  const mean = (values: readonly number[]) =>
    values.length === 0
      ? NaN
      : values.reduce((a, b) => a + b, 0) / values.length;
  return {
    prefix_reuse: mean(shares),
    steady_prefix_reuse: dropped === -1 ? NaN : mean(shares.slice(dropped - 1)),
    cold_requests:
      shares.filter((s, i) => s * (requests[i + 1]?.length ?? 0) <= 1).length,
    max_request_messages: Math.max(...requests.map((r) => r.length)),
    next_turn: turn,
  };
}
