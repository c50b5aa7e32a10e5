import assert from "node:assert/strict";
import { createBotMetrics } from "../../src/observability/bot_metrics.ts";

function value(page: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, "m").exec(page);
  assert.ok(match, `${name} is missing`);
  return Number(match[1]);
}

Deno.test("the page has the process's CPU time, memory and event-loop lag, none stuck at 0", async () => {
  const page = await createBotMetrics().render();
  assert.ok(value(page, "process_cpu_seconds_total") > 0);
  assert.ok(value(page, "process_resident_memory_bytes") > 1_000_000);
  assert.ok(value(page, "nodejs_heap_size_used_bytes") > 1_000_000);
  assert.ok(value(page, "nodejs_eventloop_lag_seconds") >= 0);
  assert.ok(value(page, "process_uptime_seconds") > 0);
  const started = value(page, "process_start_time_seconds");
  assert.ok(Math.abs(started - Date.now() / 1000) < 24 * 3600);
});

Deno.test("collectors that need --allow-all under Deno are not on the page", async () => {
  const page = await createBotMetrics().render();
  for (
    const name of [
      "process_virtual_memory_bytes",
      "process_heap_bytes",
      "process_open_fds",
    ]
  ) {
    assert.ok(!page.includes(`\n${name} `), `${name} is on the page`);
  }
});

Deno.test("the lag percentiles come from the event-loop monitor, and are left out without one", async () => {
  const lag = {
    min: 0.001,
    max: 0.3,
    mean: 0.01,
    stddev: 0.02,
    p50: 0.002,
    p90: 0.004,
    p99: 0.25,
    count: 600,
  };
  const page = await createBotMetrics({ eventLoopLag: () => lag }).render();
  assert.equal(value(page, "nodejs_eventloop_lag_p99_seconds"), 0.25);
  assert.equal(value(page, "nodejs_eventloop_lag_max_seconds"), 0.3);
  assert.equal(value(page, "nodejs_eventloop_lag_p50_seconds"), 0.002);
  const without = await createBotMetrics().render();
  assert.ok(!without.includes("nodejs_eventloop_lag_p99_seconds"));
});
