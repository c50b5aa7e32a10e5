/**
 * Which of a process's gateway shards are connected, for `/readyz`: with a
 * shard range (`DISCORD_SHARDS`) the process is ready only while every
 * owned shard has a READY session; without one (all shards, their number
 * chosen by Discord) while at least one shard is up and none is down.
 *
 * @module
 */

import type { ShardRange } from "../config/shard_range.ts";

/** The connection state of each owned shard. */
export class ShardStatus {
  readonly #range: ShardRange | undefined;
  readonly #state = new Map<number, boolean>();

  /** Tracks the shards of `range`, or whichever shards report when absent. */
  constructor(range?: ShardRange) {
    this.#range = range;
    if (range !== undefined) {
      for (let id = range.first; id <= range.last; id++) {
        this.#state.set(id, false);
      }
    }
  }

  /** Shard `id` has a READY (or RESUMED) session. */
  up(id: number): void {
    this.#state.set(id, true);
  }

  /** Shard `id` lost its connection. */
  down(id: number): void {
    this.#state.set(id, false);
  }

  /** Every shard marked down. */
  markAllDown(): void {
    for (const id of this.#state.keys()) this.#state.set(id, false);
  }

  /** True while every owned shard is connected (and at least one is). */
  get ready(): boolean {
    if (this.#state.size === 0) return false;
    return [...this.#state.values()].every((up) => up);
  }

  /** True while any shard is connected. */
  get anyUp(): boolean {
    return [...this.#state.values()].some((up) => up);
  }

  /** True while shard `id` is connected. */
  isUp(id: number): boolean {
    return this.#state.get(id) === true;
  }

  /** Every shard known so far and whether it is connected, in order (the playground's status). */
  get all(): { id: number; up: boolean }[] {
    return [...this.#state.entries()].map(([id, up]) => ({ id, up }))
      .sort((a, b) => a.id - b.id);
  }

  /** The owned shards that are not connected, in order. */
  get downShards(): number[] {
    return [...this.#state.entries()].filter(([, up]) => !up).map(([id]) => id)
      .sort((a, b) => a - b);
  }
}
