import assert from "node:assert/strict";
import { ShardStatus } from "../../src/discord/shard_status.ts";

Deno.test("ShardStatus is ready only while every owned shard is connected", () => {
  const status = new ShardStatus({ first: 2, last: 3, total: 4 });
  assert.equal(status.ready, false);
  status.up(2);
  assert.equal(status.ready, false);
  assert.deepEqual(status.downShards, [3]);
  status.up(3);
  assert.equal(status.ready, true);
  status.down(2);
  assert.equal(status.ready, false);
  assert.deepEqual(status.downShards, [2]);
  status.up(2);
  status.markAllDown();
  assert.deepEqual(status.downShards, [2, 3]);
});

Deno.test("ShardStatus without a range is ready once the shards that reported are all up", () => {
  const status = new ShardStatus();
  assert.equal(status.ready, false);
  status.up(0);
  assert.equal(status.ready, true);
  status.down(0);
  assert.equal(status.ready, false);
});
