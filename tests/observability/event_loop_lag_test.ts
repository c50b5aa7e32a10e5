import assert from "node:assert/strict";
import { EventLoopLagMonitor } from "../../src/observability/event_loop_lag.ts";
import { FakeTimers } from "../support/fake_timers.ts";

/** Fake timers whose clock can jump ahead of the timers, as a blocked loop does. */
function blockableTimers() {
  const timers = new FakeTimers();
  let blocked = 0;
  return {
    timers,
    block(ms: number) {
      blocked += ms;
    },
    lagTimers: {
      now: () => timers.now() + blocked,
      setTimeout: (callback: () => void, ms: number) =>
        timers.setTimeout(callback, ms),
      clearTimeout: (handle: unknown) => timers.clearTimeout(handle),
    },
  };
}

Deno.test("EventLoopLagMonitor records how late its timer ran", async () => {
  const { timers, block, lagTimers } = blockableTimers();
  const monitor = new EventLoopLagMonitor({ timers: lagTimers, window: 10 });
  assert.equal(monitor.summary().count, 0);
  monitor.start();
  await timers.advance(100 * 8);
  block(300);
  await timers.advance(100);
  const summary = monitor.summary();
  assert.equal(summary.count, 9);
  assert.equal(summary.min, 0);
  assert.equal(summary.p50, 0);
  assert.equal(summary.max, 0.3);
  assert.equal(summary.p99, 0.3);
  monitor.stop();
  assert.equal(timers.pending, 0);
});

Deno.test("EventLoopLagMonitor summarizes only the last window of samples", async () => {
  const { timers, block, lagTimers } = blockableTimers();
  const monitor = new EventLoopLagMonitor({ timers: lagTimers, window: 5 });
  monitor.start();
  monitor.start();
  block(50);
  await timers.advance(100);
  await timers.advance(100 * 5);
  const summary = monitor.summary();
  assert.equal(summary.count, 5);
  assert.equal(summary.max, 0);
  monitor.stop();
  monitor.stop();
  assert.equal(timers.pending, 0);
});
