import assert from "node:assert/strict";
import { formatRate, parseRate } from "../../src/config/rate.ts";

Deno.test("parseRate() reads N/unit", async (t) => {
  const cases: [string, { count: number; window_ms: number } | null][] = [
    ["6/minute", { count: 6, window_ms: 60_000 }],
    ["5/second", { count: 5, window_ms: 1_000 }],
    ["100/hour", { count: 100, window_ms: 3_600_000 }],
    ["1000/day", { count: 1000, window_ms: 86_400_000 }],
    [" 3 / minutes ", { count: 3, window_ms: 60_000 }],
    ["6 per minute", null],
    ["6/fortnight", null],
    ["/minute", null],
    ["-1/minute", null],
  ];
  for (const [text, expected] of cases) {
    await t.step(
      JSON.stringify(text),
      () => assert.deepEqual(parseRate(text), expected),
    );
  }
});

Deno.test("formatRate() round-trips a parsed rate", () => {
  assert.equal(formatRate({ count: 6, window_ms: 60_000 }), "6/minute");
});
