import assert from "node:assert/strict";
import {
  formatShardRange,
  parseShardRange,
  shardOfGuild,
} from "../../src/config/shard_range.ts";

Deno.test("parseShardRange() reads FIRST-LAST/TOTAL and explains what is wrong", async (t) => {
  const cases: [string, unknown][] = [
    ["0-1/4", { first: 0, last: 1, total: 4 }],
    [" 2 - 3 / 4 ", { first: 2, last: 3, total: 4 }],
    ["0-0/1", { first: 0, last: 0, total: 1 }],
    ["2-1/4", "FIRST (2) is above LAST (1)"],
    ["0-4/4", "LAST (4) must be below TOTAL (4): shards are numbered from 0"],
    ["0-0/0", "TOTAL must be at least 1"],
    [
      "1/4",
      'expected FIRST-LAST/TOTAL, e.g. 0-1/4 (shards 0 and 1 of 4), got "1/4"',
    ],
  ];
  for (const [text, want] of cases) {
    await t.step(text, () => assert.deepEqual(parseShardRange(text), want));
  }
  assert.equal(formatShardRange({ first: 0, last: 1, total: 4 }), "0-1/4");
});

Deno.test("shardOfGuild() is (guild_id >> 22) % total, and DMs are on shard 0", () => {
  assert.equal(shardOfGuild(String(6n << 22n), 4), 2);
  assert.equal(
    shardOfGuild("81384788765712384", 4),
    Number((81384788765712384n >> 22n) % 4n),
  );
  assert.equal(shardOfGuild("", 4), 0);
});
