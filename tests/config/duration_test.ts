import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../src/config/duration.ts";

Deno.test("parseDuration() reads the units users write", async (t) => {
  const cases: [string, number | null][] = [
    ["30s", 30_000],
    ["5m", 300_000],
    ["24h", 86_400_000],
    ["7d", 604_800_000],
    ["1w", 604_800_000],
    ["500ms", 500],
    ["1h30m", 5_400_000],
    [" 2m ", 120_000],
    ["1.5s", 1_500],
    ["", null],
    ["60", null],
    ["3 days", null],
    ["5x", null],
    ["m5", null],
  ];
  for (const [text, expected] of cases) {
    await t.step(
      JSON.stringify(text),
      () => assert.equal(parseDuration(text), expected),
    );
  }
});

Deno.test("formatDuration() writes the shortest readable form", () => {
  assert.equal(formatDuration(90_000), "1m30s");
  assert.equal(formatDuration(86_400_000), "1d");
  assert.equal(formatDuration(1_500), "1s500ms");
  assert.equal(formatDuration(0), "0s");
});
