import assert from "node:assert/strict";
import { ChannelThrottle } from "../../src/discord/channel_throttle.ts";
import { FakeTimers, settle } from "../support/fake_timers.ts";

Deno.test("ChannelThrottle lets 5 operations through per 5 s per channel", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(5, 5_000, timers);
  const granted: number[] = [];
  for (let i = 0; i < 12; i++) {
    throttle.acquire("a").then((done) => {
      granted.push(timers.now());
      done();
    });
  }
  await settle();
  assert.equal(granted.length, 5);
  await timers.advance(4_999);
  assert.equal(granted.length, 5);
  await timers.advance(1);
  assert.equal(granted.length, 10);
  await timers.advance(5_000);
  assert.equal(granted.length, 12);
  // In no 5-second window were there more than 5.
  for (const t of granted) {
    assert.ok(granted.filter((u) => u >= t && u < t + 5_000).length <= 5);
  }
  throttle.close();
});

Deno.test("ChannelThrottle keeps channels independent", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(1, 5_000, timers);
  let a = 0;
  let b = 0;
  throttle.acquire("a").then((done) => {
    a++;
    done();
  });
  throttle.acquire("a").then((done) => {
    a++;
    done();
  });
  throttle.acquire("b").then((done) => {
    b++;
    done();
  });
  await settle();
  assert.deepEqual([a, b], [1, 1]);
  await timers.advance(5_000);
  assert.equal(a, 2);
  throttle.close();
});

Deno.test("ChannelThrottle.pause() holds the channel for a 429's retry_after", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(5, 5_000, timers);
  throttle.pause("a", 1_500);
  let done = false;
  throttle.acquire("a").then(() => done = true);
  await timers.advance(1_499);
  assert.equal(done, false);
  await timers.advance(1);
  assert.equal(done, true);
  throttle.close();
});

Deno.test("ChannelThrottle drops a waiter whose signal aborts", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(1, 5_000, timers);
  (await throttle.acquire("a"))();
  const abort = new AbortController();
  const waiting = throttle.acquire("a", abort.signal);
  abort.abort(new Error("cancelled"));
  await assert.rejects(waiting, /cancelled/);
  throttle.close();
  assert.equal(timers.pending, 0);
});

Deno.test("ChannelThrottle counts a slot from when its request finished, not when it was taken", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(1, 5_000, timers);
  const done = await throttle.acquire("a");
  let second = false;
  throttle.acquire("a").then(() => second = true);
  await timers.advance(1_000); // the HTTP client held the request back for 1 s
  done();
  await timers.advance(4_500);
  assert.equal(
    second,
    false,
    "5 s have not passed since the first request finished",
  );
  await timers.advance(500);
  assert.equal(second, true);
  throttle.close();
});

Deno.test("ChannelThrottle holds a slot for as long as its request runs", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(1, 1_000, timers);
  const done = await throttle.acquire("a");
  let second = false;
  throttle.acquire("a").then(() => second = true);
  await timers.advance(10_000);
  assert.equal(second, false, "the first request has not finished");
  done();
  await timers.advance(999);
  assert.equal(second, false);
  await timers.advance(1);
  assert.equal(second, true);
  throttle.close();
});

Deno.test("ChannelThrottle bounds a channel's wait list and counts what it refuses", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(1, 5_000, timers, {
    max_waiters: 3,
  });
  const outcomes: string[] = [];
  for (let i = 0; i < 6; i++) {
    throttle.acquire("a").then(
      (done) => {
        outcomes.push("granted");
        done();
      },
      (error) => outcomes.push(error.name),
    );
  }
  await settle();
  // One slot taken at once, three waiting, two refused.
  assert.deepEqual(outcomes.sort(), [
    "ThrottleFullError",
    "ThrottleFullError",
    "granted",
  ]);
  assert.equal(throttle.waiting, 3);
  assert.equal(throttle.rejected, 2);
  await timers.advance(15_000);
  assert.equal(throttle.waiting, 0);
  assert.equal(outcomes.filter((o) => o === "granted").length, 4);
  throttle.close();
});

Deno.test("ChannelThrottle counts an operation for the window plus its margin", async () => {
  const timers = new FakeTimers();
  const throttle = new ChannelThrottle(5, 5_000, timers, { margin_ms: 100 });
  let granted = 0;
  for (let i = 0; i < 6; i++) {
    throttle.acquire("a").then((done) => {
      granted++;
      done();
    });
  }
  await settle();
  assert.equal(granted, 5);
  await timers.advance(5_099);
  assert.equal(granted, 5);
  await timers.advance(1);
  assert.equal(granted, 6);
  throttle.close();
});

/** A small deterministic generator (tests must replay the same timings). */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

Deno.test("ChannelThrottle never lets Discord's fixed window see a 6th operation, whatever the timings", async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = seeded(seed);
    const timers = new FakeTimers(1_000_000);
    const throttle = new ChannelThrottle(5, 5_000, timers);
    // Discord's window: opens with the first request it takes, lasts 5 s.
    let opened = -Infinity;
    let used = 0;
    let refused = 0;
    const land = () => {
      if (timers.now() >= opened + 5_000) {
        opened = timers.now();
        used = 0;
      }
      if (used === 5) refused++;
      else used++;
    };
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
    const operation = async () => {
      const done = await throttle.acquire("a");
      await sleep(Math.floor(random() * 400)); // on its way
      land();
      await sleep(Math.floor(random() * 400)); // the answer on its way back
      if (random() < 0.05) throttle.pause("a", Math.floor(random() * 2_000));
      done();
    };
    const running: Promise<void>[] = [];
    for (let t = 0; t < 60_000; t += 100) {
      if (random() < 0.15) running.push(operation());
      await timers.advance(100);
    }
    await timers.advance(600_000);
    await Promise.all(running);
    assert.equal(refused, 0, `seed ${seed}`);
    assert.ok(
      running.length > 20,
      `seed ${seed}: ${running.length} operations`,
    );
    throttle.close();
  }
});
