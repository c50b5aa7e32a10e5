import assert from "node:assert/strict";
import { RateLimiter } from "../../src/pipeline/rate_limiter.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { Store } from "../../src/store/store.ts";

const sixPerMinute = {
  key: "user:1:default",
  rate: { count: 6, window_ms: 60_000 },
};

Deno.test("RateLimiter drops the 7th message inside the window and notifies once", async () => {
  await using store = await SqliteStore.open(":memory:");
  const limiter = new RateLimiter(store);
  const verdicts = [];
  for (let i = 0; i < 9; i++) {
    verdicts.push(await limiter.hit([sixPerMinute], 1_000 + i));
  }
  assert.deepEqual(verdicts.slice(0, 6).map((v) => v.allowed), [
    true,
    true,
    true,
    true,
    true,
    true,
  ]);
  assert.deepEqual(
    verdicts.slice(6).map((v) => v.allowed ? "allowed" : v.notify),
    [true, false, false],
  );
  const seventh = verdicts[6];
  assert.ok(seventh && !seventh.allowed);
  assert.equal(seventh.retry_after_ms, 60_000 - 6);
});

Deno.test("RateLimiter opens a new window when the old one ends", async () => {
  await using store = await SqliteStore.open(":memory:");
  const limiter = new RateLimiter(store);
  for (let i = 0; i < 6; i++) await limiter.hit([sixPerMinute], 0);
  assert.equal((await limiter.hit([sixPerMinute], 59_999)).allowed, false);
  assert.equal((await limiter.hit([sixPerMinute], 60_000)).allowed, true);
});

Deno.test("RateLimiter keeps counting across a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bot.db`;
    {
      await using store = await SqliteStore.open(path);
      const limiter = new RateLimiter(store);
      for (let i = 0; i < 6; i++) await limiter.hit([sixPerMinute], 0);
    }
    await using reopened = await SqliteStore.open(path);
    const verdict = await new RateLimiter(reopened).hit([sixPerMinute], 10);
    assert.equal(verdict.allowed, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RateLimiter counts nothing when one of several limits refuses", async () => {
  await using store = await SqliteStore.open(":memory:");
  const limiter = new RateLimiter(store);
  const channel = {
    key: "channel:9:default",
    rate: { count: 1, window_ms: 60_000 },
  };
  assert.equal((await limiter.hit([sixPerMinute, channel], 0)).allowed, true);
  const refused = await limiter.hit([sixPerMinute, channel], 1);
  assert.ok(!refused.allowed && refused.key === channel.key);
  assert.equal((await store.getRateLimit(sixPerMinute.key))?.count, 1);
});

Deno.test("RateLimiter loses no hit when many turns race", async () => {
  await using store = await SqliteStore.open(":memory:");
  const limiter = new RateLimiter(store);
  const limit = {
    key: "user:2:default",
    rate: { count: 1000, window_ms: 60_000 },
  };
  await Promise.all(Array.from({ length: 200 }, () => limiter.hit([limit], 0)));
  assert.equal((await store.getRateLimit(limit.key))?.count, 200);
});

Deno.test("two RateLimiters on one store (two processes) count a user's messages together", async () => {
  await using store = await SqliteStore.open(":memory:");
  const first = new RateLimiter(store);
  const second = new RateLimiter(store);
  const verdicts = [];
  for (let i = 0; i < 7; i++) {
    const limiter = i % 2 === 0 ? first : second;
    verdicts.push((await limiter.hit([sixPerMinute], 1_000 + i)).allowed);
  }
  assert.deepEqual(verdicts, [true, true, true, true, true, true, false]);
  assert.equal((await store.getRateLimit(sixPerMinute.key))?.count, 6);
});

Deno.test("RateLimiter gives its verdicts in the order the hits came, even when the store answers out of order", async () => {
  await using store = await SqliteStore.open(":memory:");
  let release = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  let calls = 0;
  const slowFirst = {
    hitRateLimits: async (...args: Parameters<Store["hitRateLimits"]>) => {
      if (calls++ === 0) await gate;
      return await store.hitRateLimits(...args);
    },
  } as unknown as Store;
  const limiter = new RateLimiter(slowFirst);
  const order: string[] = [];
  const first = limiter.hit([sixPerMinute], 1_000).then(() =>
    order.push("first")
  );
  const second = limiter.hit([sixPerMinute], 1_001).then(() =>
    order.push("second")
  );
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ["first", "second"]);
});
