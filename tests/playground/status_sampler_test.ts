/** The status panel's series, from successive metric snapshots. */
import assert from "node:assert/strict";
import { StatusSampler } from "../../src/playground/status_sampler.ts";
import type { StatusSnapshot } from "../../src/playground/status_sampler.ts";

function snapshot(
  turns: number,
  ttft: { count: number; sum: number },
  replies: number,
  errors: number,
  waiting = 0,
): StatusSnapshot {
  return {
    gateway: { state: "connected (READY)", shards: [], reconnects: 0 },
    endpoints: [{
      name: "local",
      replies_total: replies,
      errors_total: errors,
      active: 1,
      waiting,
      first_token_count: ttft.count,
      first_token_sum_seconds: ttft.sum,
    }],
    turns_total: turns,
  };
}

Deno.test("StatusSampler turns counters into per-minute rates and recent time to first token", async () => {
  const snapshots = [
    snapshot(10, { count: 4, sum: 2 }, 4, 0),
    snapshot(16, { count: 6, sum: 3 }, 6, 0, 3),
    snapshot(16, { count: 6, sum: 3 }, 6, 2),
    snapshot(17, { count: 7, sum: 3.25 }, 7, 2),
  ];
  let now = 0;
  const sampler = new StatusSampler(
    { snapshot: () => snapshots.shift()! },
    () => now,
  );
  const first = await sampler.sample();
  assert.deepEqual(first.points, [], "one snapshot gives no rate yet");
  assert.equal(first.endpoints[0]?.healthy, true);
  assert.equal(first.endpoints[0]?.recent_first_token_ms, 500);

  now = 30_000;
  const second = await sampler.sample();
  assert.deepEqual(second.points, [{
    at: 30_000,
    turns_per_minute: 12,
    queue_depth: 3,
    first_token_ms: { local: 500 },
  }]);

  now = 60_000;
  const third = await sampler.sample();
  assert.equal(third.points[1]?.turns_per_minute, 0);
  assert.equal(third.points[1]?.first_token_ms.local, null);
  assert.equal(third.endpoints[0]?.healthy, false, "failures and no reply");
  assert.equal(
    third.endpoints[0]?.recent_first_token_ms,
    500,
    "the last known value stays",
  );

  now = 90_000;
  const fourth = await sampler.sample();
  assert.equal(fourth.endpoints[0]?.healthy, true, "a reply again");
  assert.equal(fourth.endpoints[0]?.recent_first_token_ms, 250);
});

Deno.test("StatusSampler keeps only the last points", async () => {
  let turns = 0;
  let now = 0;
  const sampler = new StatusSampler(
    { snapshot: () => snapshot(turns++, { count: 0, sum: 0 }, 0, 0) },
    () => now += 60_000,
    3,
  );
  let report;
  for (let i = 0; i < 10; i++) report = await sampler.sample();
  assert.equal(report?.points.length, 3);
  assert.equal(report?.endpoints[0]?.healthy, null);
});
