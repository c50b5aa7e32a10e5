/**
 * History dropped in blocks, so that the start of the prompt stays the same
 * for many turns. An inference server (llama.cpp, vLLM, Ollama) keeps the
 * prompt it last evaluated and reuses the longest prefix the next request
 * shares with it. A window that drops its oldest message every turn once it
 * is full changes the message right after the system prompt every turn, and
 * the server evaluates the whole prompt again each time. Here each
 * conversation's history starts at an anchor: while everything from the
 * anchor on fits (the budget, `max_messages`, `max_age`), nothing before it
 * is sent even if it would fit, and the prompt only grows at its end. When
 * it no longer fits, or the anchor itself is gone (aged out, summarized,
 * reset, or cut off by `max_messages`), the history is cut back to the
 * newest half of what fits and the anchor moves there: one cold prompt,
 * then again many warm ones.
 *
 * The anchors live in memory only: after a restart the first turn of a
 * conversation sets a new one.
 *
 * @module
 */

import type { ConversationKey } from "../store/store.ts";

/** How many conversations' anchors are kept; the least recently used go first. */
export const MAX_ANCHORS = 10_000;

/** What {@link chooseBlock} decided for one request. */
export interface BlockChoice {
  /** How many of the newest history messages to send. */
  keep: number;
  /** The conversation position the history now starts at, or undefined for none. */
  anchor: number | undefined;
}

/**
 * Which history messages to send. `positions` are the candidates'
 * conversation positions, newest first (see `conversationPosition`); `fit`
 * is how many of the newest fit the window; `cut` says older messages were
 * left out of the candidates (`max_messages`); `anchor` is the position the
 * conversation's history started at last time.
 */
export function chooseBlock(
  positions: readonly number[],
  fit: number,
  cut: boolean,
  anchor: number | undefined,
): BlockChoice {
  const n = positions.length;
  const fits = Math.min(fit, n);
  if (anchor === undefined) {
    // The first request this process sends in the conversation: all that fits.
    return { keep: fits, anchor: fits === 0 ? undefined : positions[fits - 1] };
  }
  if (positions.includes(anchor)) {
    let from = 0;
    while (from < n && positions[from]! >= anchor) from++;
    if (from <= fits) return { keep: from, anchor };
  } else if (fits === n && !cut) {
    // The anchor is gone but all the rest fits (after a summary or a reset).
    return { keep: n, anchor: n === 0 ? undefined : positions[n - 1] };
  }
  // A new block: the newest half of what fits.
  let keep = Math.floor(fits / 2);
  // Never start with an answer whose question is left out.
  if (keep > 0 && keep < n && positions[keep] === positions[keep - 1]) keep--;
  return { keep, anchor: keep === 0 ? undefined : positions[keep - 1] };
}

function keyOf(conversation: ConversationKey): string {
  return `${conversation.guild_id}/${conversation.channel_id}/${conversation.user_id}`;
}

/** The anchors of the conversations this process has answered in. */
export class HistoryAnchors {
  readonly #anchors = new Map<string, number>();
  readonly #max: number;

  constructor(max = MAX_ANCHORS) {
    this.#max = Math.max(1, max);
  }

  /** Decides for one request and remembers the new anchor; see {@link chooseBlock}. */
  choose(
    conversation: ConversationKey,
    positions: readonly number[],
    fit: number,
    cut: boolean,
  ): number {
    const key = keyOf(conversation);
    const previous = this.#anchors.get(key);
    const choice = chooseBlock(positions, fit, cut, previous);
    this.#anchors.delete(key);
    if (choice.anchor !== undefined) {
      this.#anchors.set(key, choice.anchor);
      if (this.#anchors.size > this.#max) {
        const oldest = this.#anchors.keys().next().value;
        if (oldest !== undefined) this.#anchors.delete(oldest);
      }
    }
    return choice.keep;
  }

  /**
   * Where the conversation's history starts now, if known: reading history
   * further back than this is not needed while it fits.
   */
  peek(conversation: ConversationKey): number | undefined {
    return this.#anchors.get(keyOf(conversation));
  }

  /** Conversations with an anchor. */
  get size(): number {
    return this.#anchors.size;
  }
}
