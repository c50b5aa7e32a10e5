/**
 * Matches what the benchmarks send with what comes back: a chat request at
 * the fake LLM (found by the tag, like `[t12]`, written into the user's
 * message) and the bot's message sends and edits at the fake Discord (by
 * channel and a predicate). Every wait has a deadline that names what did
 * not come.
 *
 * @module
 */

import type { ScriptedReply } from "../tests/fakes/fake_llm_server.ts";
import type { BenchRig, BotWrite, LlmArrival } from "./bench_rig.ts";

const TAG = /\[t(\d+)\]/;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface WriteWaiter extends Waiter<BotWrite> {
  match(write: BotWrite): boolean;
}

/** The tag for turn `n`, to put in its message (and in the scripted reply). */
export function turnTag(n: number): string {
  return `[t${n}]`;
}

/** Tracks turns on a rig; see the module doc. */
export class TurnTracker {
  readonly #llm = new Map<string, Waiter<LlmArrival>>();
  readonly #writes = new Map<string, WriteWaiter[]>();
  #observer: ((write: BotWrite) => void) | null = null;
  #reply: (arrival: LlmArrival, tag: string) => ScriptedReply = () => ({
    chunks: ["ok"],
  });

  /** Taps the rig's LLM requests and bot writes (replacing earlier taps). */
  constructor(rig: BenchRig) {
    rig.onLlmRequest((arrival) => {
      const tag = TAG.exec(arrival.last_user)?.[0] ?? "";
      const waiter = this.#llm.get(tag);
      if (waiter !== undefined) {
        this.#llm.delete(tag);
        clearTimeout(waiter.timer);
        waiter.resolve(arrival);
      }
      return this.#reply(arrival, tag);
    });
    rig.onBotWrite((write) => {
      this.#observer?.(write);
      const waiters = this.#writes.get(write.channel_id);
      if (waiters === undefined) return;
      const index = waiters.findIndex((w) => w.match(write));
      const waiter = waiters[index];
      if (waiter === undefined) return;
      waiters.splice(index, 1);
      if (waiters.length === 0) this.#writes.delete(write.channel_id);
      clearTimeout(waiter.timer);
      waiter.resolve(write);
    });
  }

  /** Chooses the fake LLM's reply to each request from now on. */
  setReply(reply: (arrival: LlmArrival, tag: string) => ScriptedReply): void {
    this.#reply = reply;
  }

  /** Told about every send and edit of the bot (null stops it). */
  observeWrites(observer: ((write: BotWrite) => void) | null): void {
    this.#observer = observer;
  }

  /** Resolves when the chat request of the turn tagged `tag` reaches the fake LLM. */
  llmRequest(tag: string, timeout_ms: number): Promise<LlmArrival> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#llm.delete(tag);
        reject(
          new Error(
            `No chat request for turn ${tag} reached the fake LLM within ${timeout_ms} ms`,
          ),
        );
      }, timeout_ms);
      this.#llm.set(tag, { resolve, reject, timer });
    });
  }

  /** Resolves with the first send or edit of the bot in `channel_id` that `match` accepts. */
  botWrite(
    channel_id: string,
    match: (write: BotWrite) => boolean,
    timeout_ms: number,
    what: string,
  ): Promise<BotWrite> {
    return new Promise((resolve, reject) => {
      const list = this.#writes.get(channel_id) ?? [];
      const waiter: WriteWaiter = {
        resolve,
        reject,
        match,
        timer: setTimeout(() => {
          const index = list.indexOf(waiter);
          if (index !== -1) list.splice(index, 1);
          reject(
            new Error(
              `The fake Discord got no ${what} in channel ${channel_id} within ${timeout_ms} ms`,
            ),
          );
        }, timeout_ms),
      };
      list.push(waiter);
      this.#writes.set(channel_id, list);
    });
  }

  /** Rejects every pending wait (used when a run is abandoned). */
  cancelAll(): void {
    const error = new Error("The benchmark run was stopped");
    for (const waiter of this.#llm.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.#llm.clear();
    for (const list of this.#writes.values()) {
      for (const waiter of list) {
        clearTimeout(waiter.timer);
        waiter.reject(error);
      }
    }
    this.#writes.clear();
  }
}
