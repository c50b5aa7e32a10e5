/**
 * Retention: deletes stored messages older than the configured `retention`
 * period, once shortly after start-up and then on a fixed schedule (hourly
 * by default). The period is read afresh before every run, so a config
 * reload that sets, changes or removes `retention` takes effect at the next
 * run without restarting the scheduler. A failing run is logged and tried
 * again at the next one: nothing ever escapes the timer.
 *
 * @module
 */

import { formatDuration } from "../config/duration.ts";
import { systemTimers, type Timers } from "../llm/timers.ts";
import { log } from "../log/logging.ts";
import type { Store } from "../store/store.ts";

/** How often messages are pruned unless told otherwise: one hour. */
export const DEFAULT_PRUNE_INTERVAL_MS = 3_600_000;

/** The logger methods the scheduler calls; LogTape's `Logger` satisfies it. */
export interface RetentionLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** What {@link startRetentionScheduler} needs. */
export interface RetentionSchedulerOptions {
  /**
   * Where the messages are. With `pruneRateLimits` and `prunePersonaChoices`
   * each run also deletes rate-limit windows that ended over a day ago and
   * persona choices of personas no longer configured (`personas`).
   */
  store:
    & Pick<Store, "pruneMessages">
    & Partial<Pick<Store, "pruneRateLimits" | "prunePersonaChoices">>;
  /** The personas configured right now (for pruning stale persona choices). */
  personas?: () => readonly string[];
  /**
   * The retention period in milliseconds as configured right now, or
   * `undefined` when messages are kept forever. Called before every run.
   */
  retention: () => number | undefined;
  /** Clock and timers (default: the system's). */
  timers?: Timers;
  /** Milliseconds between the end of one run and the start of the next (default one hour). */
  interval_ms?: number;
  /** Where runs are reported (default: the `bot.retention` logger). */
  logger?: RetentionLogger;
}

/** How one run ended. */
export type PruneOutcome =
  | {
    status: "pruned";
    /** Messages deleted. */
    deleted: number;
    /** Messages created before this time (epoch ms) were deleted. */
    before: number;
  }
  /** No retention period is configured (or it is not a positive number): nothing was deleted. */
  | { status: "disabled" }
  /** The store failed; the error was logged and the next run tries again. */
  | { status: "failed"; error: unknown }
  /** The scheduler was stopped before the run started. */
  | { status: "stopped" };

/** A running retention schedule. */
export interface RetentionScheduler {
  /**
   * Runs a prune now (after any run in progress; runs never overlap), for
   * example right after a reload changed `retention`. Never rejects.
   */
  pruneNow(): Promise<PruneOutcome>;
  /**
   * Cancels the schedule and resolves once any run in progress has ended,
   * so the store can be closed safely afterwards. Calling it again does nothing.
   */
  stop(): Promise<void>;
}

/**
 * Starts pruning `store` by the period `retention()` returns: the first run
 * is queued at once (through `timers.setTimeout(…, 0)`, so start-up is not
 * held up), each later one `interval_ms` after the previous ended. A run with
 * retention R deletes every message created before `now − R`, and logs how
 * many it deleted (at `info` when there were some, `debug` otherwise).
 * Throws a `RangeError` at once for an interval that is not a positive number.
 */
export function startRetentionScheduler(
  options: RetentionSchedulerOptions,
): RetentionScheduler {
  const interval = options.interval_ms ?? DEFAULT_PRUNE_INTERVAL_MS;
  if (!Number.isFinite(interval) || interval <= 0) {
    throw new RangeError(
      `Cannot schedule retention runs every ${interval} ms: the interval must be a positive number of milliseconds`,
    );
  }
  const timers = options.timers ?? systemTimers;
  const logger = options.logger ?? log("retention");
  let handle: unknown = undefined;
  let stopped = false;
  let tail: Promise<unknown> = Promise.resolve();

  function run(): Promise<PruneOutcome> {
    const result = tail.then(() =>
      stopped ? { status: "stopped" } as const : pruneOnce(options, {
        timers,
        logger,
        interval,
      })
    );
    tail = result;
    return result;
  }

  function schedule(ms: number): void {
    handle = timers.setTimeout(() => {
      handle = undefined;
      void run().then(() => {
        if (!stopped) schedule(interval);
      });
    }, ms);
  }

  schedule(0);
  return {
    pruneNow: run,
    async stop() {
      stopped = true;
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
      await tail;
    },
  };
}

async function pruneOnce(
  options: RetentionSchedulerOptions,
  context: { timers: Timers; logger: RetentionLogger; interval: number },
): Promise<PruneOutcome> {
  const { timers, logger, interval } = context;
  const next = formatDuration(interval);
  let retention: number | undefined;
  try {
    retention = options.retention();
  } catch (error) {
    logger.error(
      "Cannot prune old messages: reading the retention period failed: {error}; trying again in {next}",
      { error, next },
    );
    return { status: "failed", error };
  }
  if (retention === undefined) {
    logger.debug("Retention is off: stored messages are kept");
    return { status: "disabled" };
  }
  if (!Number.isFinite(retention) || retention <= 0) {
    logger.warn(
      "Not pruning messages: the retention period {retention_ms} ms is not a positive number of milliseconds",
      { retention_ms: retention },
    );
    return { status: "disabled" };
  }
  const before = timers.now() - retention;
  const properties = {
    retention: formatDuration(retention),
    before: new Date(before).toISOString(),
  };
  try {
    await pruneUnused(options, timers.now(), logger);
    const deleted = await options.store.pruneMessages(before);
    const report = deleted > 0 ? logger.info : logger.debug;
    report.call(
      logger,
      "Pruned {deleted} messages older than {retention} (created before {before})",
      { ...properties, deleted },
    );
    return { status: "pruned", deleted, before };
  } catch (error) {
    logger.error(
      "Cannot prune messages older than {retention}: {error}; trying again in {next}",
      { ...properties, error, next },
    );
    return { status: "failed", error };
  }
}

/** The longest rate-limit window (a day): windows that started before now minus this are over. */
export const LONGEST_RATE_WINDOW_MS = 86_400_000;

/**
 * How long a choice of a persona this config lacks is kept: another
 * process sharing the database may already run a config that has it.
 */
export const UNKNOWN_PERSONA_CHOICE_KEPT_MS = 86_400_000;

/** Deletes rate-limit windows and persona choices nobody uses any more. */
async function pruneUnused(
  options: RetentionSchedulerOptions,
  now: number,
  logger: RetentionLogger,
): Promise<void> {
  const { store } = options;
  const windows = await store.pruneRateLimits?.(now - LONGEST_RATE_WINDOW_MS);
  const personas = options.personas?.();
  const choices = personas === undefined
    ? undefined
    : await store.prunePersonaChoices?.(
      personas,
      now - UNKNOWN_PERSONA_CHOICE_KEPT_MS,
    );
  if ((windows ?? 0) + (choices ?? 0) > 0) {
    logger.info(
      "Pruned {windows} ended rate-limit windows and {choices} choices of removed personas",
      { windows: windows ?? 0, choices: choices ?? 0 },
    );
  }
}
