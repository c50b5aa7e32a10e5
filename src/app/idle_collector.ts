/**
 * Gives memory back when the bot goes quiet. V8 grows its heap under load
 * and after start-up, and only shrinks it at its next full collection,
 * which an idle process never reaches on its own: start-up's garbage (the
 * config's schema checks, migrations, module evaluation) and a burst's
 * garbage would stay resident for as long as nobody talks to the bot.
 *
 * Every `interval_ms` the collector looks: while the bot is busy (not yet
 * connected, or turns running) or has taken messages since the last look,
 * it waits; the first quiet look after work (start-up counts as work) runs
 * one full collection, and then none until there has been work again. A
 * quiet bot therefore costs nothing, and a busy one is never paused.
 *
 * It needs `gc()`, which V8 exposes with `--v8-flags=--expose-gc` (set in
 * the `start` task and the Containerfile); without it the collector does
 * nothing. Measured in bench/README.md ("Idle memory").
 *
 * @module
 */

/** What the collector watches and calls. */
export interface IdleCollectorOptions {
  /** True while there is work that a collection could pause. */
  busy(): boolean;
  /** A count that rises with every message taken. */
  activity(): number;
  /** The full collection; default `globalThis.gc` when exposed. */
  collect?: () => void;
  /** How often to look (default 5 s). */
  interval_ms?: number;
}

/** A running collector; `stop()` ends it. */
export interface IdleCollector {
  /** Full collections run so far. */
  readonly collections: number;
  stop(): void;
}

/** The runtime's `gc()`, when V8 exposes it (`--expose-gc`). */
export function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function"
    ? () => gc({ type: "major", execution: "sync", flavor: "last-resort" })
    : undefined;
}

/** One look of the collector, without the timer (what `startIdleCollector` runs). */
export interface IdleLook {
  /** Looks once; true when it ran a collection. */
  look(): boolean;
  /** Full collections run so far. */
  readonly collections: number;
}

/** The collector's decisions, called by hand; see the module doc. */
export function idleLook(options: IdleCollectorOptions): IdleLook {
  const collect = options.collect ?? exposedGc();
  let collections = 0;
  let worked = true;
  let seen = options.activity();
  return {
    look() {
      const activity = options.activity();
      if (activity !== seen || options.busy()) {
        seen = activity;
        worked = true;
        return false;
      }
      if (!worked || collect === undefined) return false;
      worked = false;
      collect();
      collections++;
      return true;
    },
    get collections() {
      return collections;
    },
  };
}

/** Starts looking every `interval_ms`; the timer never keeps the process alive. */
export function startIdleCollector(
  options: IdleCollectorOptions,
): IdleCollector {
  const looker = idleLook(options);
  const timer = setInterval(() => looker.look(), options.interval_ms ?? 5_000);
  Deno.unrefTimer(timer);
  return {
    get collections() {
      return looker.collections;
    },
    stop: () => clearInterval(timer),
  };
}
