import assert from "node:assert/strict";
import {
  DEFAULT_PRUNE_INTERVAL_MS,
  type RetentionLogger,
  startRetentionScheduler,
} from "../../src/retention/retention_scheduler.ts";
import type { Store } from "../../src/store/store.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { FakeTimers } from "../support/fake_timers.ts";
import { CHANNEL, memoryStore, newMessage } from "../store/store_fixtures.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = 100 * DAY;

interface Line {
  level: keyof RetentionLogger;
  message: string;
  properties: Record<string, unknown>;
}

/** Records every log call. */
class RecordingLogger implements RetentionLogger {
  readonly lines: Line[] = [];
  debug(message: string, properties: Record<string, unknown> = {}): void {
    this.lines.push({ level: "debug", message, properties });
  }
  info(message: string, properties: Record<string, unknown> = {}): void {
    this.lines.push({ level: "info", message, properties });
  }
  warn(message: string, properties: Record<string, unknown> = {}): void {
    this.lines.push({ level: "warn", message, properties });
  }
  error(message: string, properties: Record<string, unknown> = {}): void {
    this.lines.push({ level: "error", message, properties });
  }
  at(level: keyof RetentionLogger): Line[] {
    return this.lines.filter((line) => line.level === level);
  }
}

/** Stores one message per `ages` entry, created that long before START. */
async function storeWithAges(ages: number[]): Promise<SqliteStore> {
  const store = await memoryStore();
  for (const [index, age] of ages.entries()) {
    await store.addMessage(
      newMessage({ content: `m${index}`, created_at: START - age }),
    );
  }
  return store;
}

async function contents(store: Store): Promise<string[]> {
  const messages = await store.recentMessages({
    conversation: CHANNEL,
    limit: 100,
    since: 0,
  });
  return messages.map((m) => m.content).reverse();
}

Deno.test("startRetentionScheduler() prunes at start-up and then every interval", async () => {
  const store = await storeWithAges([10 * DAY, 3 * DAY, 2 * HOUR]);
  const timers = new FakeTimers(START);
  const logger = new RecordingLogger();
  const scheduler = startRetentionScheduler({
    store,
    retention: () => 2 * DAY,
    timers,
    logger,
  });
  try {
    assert.deepEqual(await contents(store), ["m0", "m1", "m2"]);
    await timers.advance(0);
    assert.deepEqual(await contents(store), ["m2"]);
    assert.equal(logger.at("info").length, 1);
    assert.equal(logger.at("info")[0]?.properties["deleted"], 2);
    assert.equal(logger.at("info")[0]?.properties["retention"], "2d");
    assert.equal(
      logger.at("info")[0]?.properties["before"],
      new Date(START - 2 * DAY).toISOString(),
    );

    // m2 (2 h old at start) is exactly 2 days old at 46 h, which keeps it;
    // the run at 47 h deletes it.
    await timers.advance(46 * HOUR);
    assert.deepEqual(await contents(store), ["m2"]);
    await timers.advance(HOUR);
    assert.deepEqual(await contents(store), []);
    assert.equal(logger.at("info").length, 2);
    assert.equal(logger.at("info")[1]?.properties["deleted"], 1);
    // The 46 runs that found nothing were logged at debug level.
    assert.equal(logger.at("debug").length, 46);
    assert.equal(timers.pending, 1);
  } finally {
    await scheduler.stop();
    await store.close();
  }
  assert.equal(timers.pending, 0);
});

Deno.test("startRetentionScheduler() reads the retention period before every run", async () => {
  const store = await storeWithAges([]);
  const timers = new FakeTimers(START);
  const logger = new RecordingLogger();
  let retention: number | undefined = undefined;
  const scheduler = startRetentionScheduler({
    store,
    retention: () => retention,
    timers,
    logger,
    interval_ms: 10 * 60_000,
  });
  try {
    await store.addMessage(newMessage({ content: "old", created_at: 1 }));
    await timers.advance(0);
    assert.deepEqual(await contents(store), ["old"], "retention off");
    assert.equal(logger.at("debug")[0]?.message.includes("off"), true);

    retention = 7 * DAY; // a reload sets retention: 7d
    await timers.advance(10 * 60_000 - 1);
    assert.deepEqual(await contents(store), ["old"], "not yet time");
    await timers.advance(1);
    assert.deepEqual(await contents(store), []);

    retention = undefined; // a reload removes it again
    await store.addMessage(newMessage({ content: "kept", created_at: 1 }));
    await timers.advance(10 * 60_000);
    assert.deepEqual(await contents(store), ["kept"]);
  } finally {
    await scheduler.stop();
    await store.close();
  }
});

Deno.test("startRetentionScheduler() logs a failing run and tries again at the next one", async () => {
  const timers = new FakeTimers(START);
  const logger = new RecordingLogger();
  const calls: number[] = [];
  let failures = 2;
  const store: Pick<Store, "pruneMessages"> = {
    pruneMessages(before) {
      calls.push(before);
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error("database is locked"));
      }
      return Promise.resolve(4);
    },
  };
  const scheduler = startRetentionScheduler({
    store,
    retention: () => DAY,
    timers,
    logger,
  });
  try {
    await timers.advance(0);
    assert.equal(calls.length, 1);
    assert.equal(logger.at("error").length, 1);
    const failure = logger.at("error")[0];
    assert.match(String(failure?.message), /^Cannot prune messages/);
    assert.equal(
      (failure?.properties["error"] as Error).message,
      "database is locked",
    );
    assert.equal(failure?.properties["next"], "1h");
    assert.equal(timers.pending, 1, "the next run is still scheduled");

    await timers.advance(HOUR);
    assert.equal(logger.at("error").length, 2);
    await timers.advance(HOUR);
    assert.deepEqual(calls, [
      START - DAY,
      START + HOUR - DAY,
      START + 2 * HOUR - DAY,
    ]);
    assert.equal(logger.at("info")[0]?.properties["deleted"], 4);
  } finally {
    await scheduler.stop();
  }
});

Deno.test("startRetentionScheduler() survives a retention getter that throws and a bad period", async (t) => {
  for (
    const [name, retention, level] of [
      ["throwing getter", () => {
        throw new Error("config gone");
      }, "error"],
      ["zero", () => 0, "warn"],
      ["negative", () => -5, "warn"],
      ["NaN", () => Number.NaN, "warn"],
    ] as const
  ) {
    await t.step(name, async () => {
      const timers = new FakeTimers(START);
      const logger = new RecordingLogger();
      let pruned = 0;
      const scheduler = startRetentionScheduler({
        store: {
          pruneMessages() {
            pruned += 1;
            return Promise.resolve(0);
          },
        },
        retention,
        timers,
        logger,
      });
      await timers.advance(0);
      assert.equal(pruned, 0);
      assert.equal(logger.at(level).length, 1);
      assert.equal(timers.pending, 1);
      await scheduler.stop();
      assert.equal(timers.pending, 0);
    });
  }
});

Deno.test("pruneNow() waits for a run in progress, and runs never overlap", async () => {
  const timers = new FakeTimers(START);
  let active = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const store: Pick<Store, "pruneMessages"> = {
    async pruneMessages() {
      active += 1;
      most = Math.max(most, active);
      await new Promise<void>((resolve) => releases.push(resolve));
      active -= 1;
      return 1;
    },
  };
  const scheduler = startRetentionScheduler({
    store,
    retention: () => DAY,
    timers,
    logger: new RecordingLogger(),
  });
  await timers.advance(0);
  assert.equal(releases.length, 1, "the start-up run is in progress");
  const now = scheduler.pruneNow();
  await timers.advance(0);
  assert.equal(releases.length, 1, "pruneNow() waits for it");
  releases[0]?.();
  await timers.advance(0);
  assert.equal(releases.length, 2);
  releases[1]?.();
  assert.deepEqual(await now, {
    status: "pruned",
    deleted: 1,
    before: START - DAY,
  });
  assert.equal(most, 1);
  await scheduler.stop();
  assert.equal(timers.pending, 0);
});

Deno.test("stop() waits for the run in progress, schedules nothing more, and later runs report stopped", async () => {
  const timers = new FakeTimers(START);
  let release = () => {};
  let runs = 0;
  const scheduler = startRetentionScheduler({
    store: {
      pruneMessages() {
        runs += 1;
        return new Promise((resolve) => {
          release = () => resolve(0);
        });
      },
    },
    retention: () => DAY,
    timers,
    logger: new RecordingLogger(),
  });
  await timers.advance(0);
  let stopped = false;
  const stopping = scheduler.stop().then(() => stopped = true);
  await timers.advance(0);
  assert.equal(stopped, false, "stop() waits for the run");
  release();
  await stopping;
  assert.equal(timers.pending, 0);
  await timers.advance(10 * HOUR);
  assert.equal(runs, 1);
  assert.deepEqual(await scheduler.pruneNow(), { status: "stopped" });
  await scheduler.stop();
});

Deno.test("startRetentionScheduler() with the system timers leaves no timer behind", async () => {
  const store = await storeWithAges([]);
  await store.addMessage(newMessage({ created_at: Date.now() - 2 * DAY }));
  const scheduler = startRetentionScheduler({
    store,
    retention: () => DAY,
    logger: new RecordingLogger(),
  });
  const outcome = await scheduler.pruneNow();
  assert.equal(outcome.status, "pruned");
  assert.equal(outcome.status === "pruned" && outcome.deleted, 1);
  await scheduler.stop();
  await store.close();
});

Deno.test("startRetentionScheduler() refuses an interval that is not positive", () => {
  for (const interval_ms of [0, -1, Number.NaN, Infinity]) {
    assert.throws(
      () =>
        startRetentionScheduler({
          store: { pruneMessages: () => Promise.resolve(0) },
          retention: () => DAY,
          interval_ms,
        }),
      RangeError,
    );
  }
  assert.equal(DEFAULT_PRUNE_INTERVAL_MS, HOUR);
});

Deno.test("startRetentionScheduler() also prunes ended rate-limit windows and choices of removed personas", async () => {
  await using store = await memoryStore();
  await store.setRateLimit("user:7:default", {
    count: 6,
    window_start: START - 2 * DAY,
    notified: true,
  });
  await store.setRateLimit("user:8:default", {
    count: 1,
    window_start: START - HOUR,
    notified: false,
  });
  await store.setPersonaChoice(
    { binding_key: "channel:1", user_id: "7" },
    "poet",
    START - 3 * DAY,
  );
  await store.setPersonaChoice(
    { binding_key: "channel:1", user_id: "8" },
    "helper",
    START - 3 * DAY,
  );
  const timers = new FakeTimers(START);
  const logger = new RecordingLogger();
  const scheduler = startRetentionScheduler({
    store,
    retention: () => 30 * DAY,
    personas: () => ["helper", "pirate"],
    timers,
    logger,
  });
  try {
    await timers.advance(0);
    assert.equal(await store.getRateLimit("user:7:default"), null);
    assert.notEqual(await store.getRateLimit("user:8:default"), null);
    assert.equal(
      await store.getPersonaChoice({ binding_key: "channel:1", user_id: "7" }),
      null,
    );
    assert.equal(
      await store.getPersonaChoice({ binding_key: "channel:1", user_id: "8" }),
      "helper",
    );
  } finally {
    await scheduler.stop();
  }
});
