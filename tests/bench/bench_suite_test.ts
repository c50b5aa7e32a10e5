/**
 * The benchmark harness works end to end: a tiny run of every scenario
 * against the real bot process produces every figure of
 * `bench/last-run.json`. Speed is not checked here; `deno task bench`
 * measures it.
 */
import assert from "node:assert/strict";
import { formatTable, rounded, ROWS } from "../../bench/results.ts";
import { runSuite } from "../../bench/suite.ts";
import { SMOKE } from "../../bench/suite_sizes.ts";
import { percentile } from "../../bench/stats.ts";

Deno.test("percentile() interpolates between ranks and refuses no samples", () => {
  assert.equal(percentile([5, 1, 3], 50), 3);
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([1, 2, 3, 4], 100), 4);
  assert.throws(() => percentile([], 99), RangeError);
});

Deno.test({
  name: "runSuite() at smoke size measures every headline figure",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const results = await runSuite(SMOKE);
    for (const row of ROWS) {
      const value = results[row.key];
      assert.equal(typeof value, "number", `${row.key} is a number`);
      assert.ok(
        Number.isFinite(value) && (value as number) >= 0,
        `${row.key} = ${value}`,
      );
    }
    assert.ok(results.overhead_p50_ms > 0, "overhead was measured");
    assert.ok(results.first_text_extra_ms > 0, "first text was measured");
    assert.ok(results.rss_mb > 10, `rss_mb = ${results.rss_mb}`);
    assert.ok(results.machine.cores >= 1);
    const json = JSON.parse(JSON.stringify(rounded(results)));
    assert.equal(typeof json.machine.deno, "string");
    const table = formatTable(results).join("\n");
    assert.match(table, /overhead_p99_ms/);
    assert.match(table, /Machine: /);
  },
});
