import assert from "node:assert/strict";
import { SilenceTimer } from "../../src/llm/silence_timer.ts";
import { FakeTimers } from "../support/fake_timers.ts";

Deno.test("SilenceTimer fires after the silence, counted from the last touch, with one timer", async () => {
  const timers = new FakeTimers();
  let set = 0;
  const counting = {
    now: () => timers.now(),
    setTimeout: (callback: () => void, ms: number) => {
      set++;
      return timers.setTimeout(callback, ms);
    },
    clearTimeout: (handle: unknown) => timers.clearTimeout(handle),
  };
  const silence = new SilenceTimer(counting);
  let expired = 0;
  silence.start(100, () => expired++);
  for (let i = 0; i < 20; i++) {
    await timers.advance(30);
    silence.touch();
  }
  assert.equal(expired, 0, "never quiet for 100 ms");
  assert.ok(set <= 8, `${set} timers for 20 chunks`);
  await timers.advance(99);
  assert.equal(expired, 0);
  await timers.advance(1);
  assert.equal(expired, 1, "fires 100 ms after the last touch");
  assert.equal(timers.pending, 0);
});

Deno.test("SilenceTimer does not count a pause, and stop() leaves no timer", async () => {
  const timers = new FakeTimers();
  const silence = new SilenceTimer(timers);
  let expired = 0;
  silence.start(100, () => expired++);
  silence.pause();
  await timers.advance(500);
  assert.equal(expired, 0, "the caller's time is not the server's");
  silence.resume();
  await timers.advance(99);
  assert.equal(expired, 0);
  await timers.advance(1);
  assert.equal(expired, 1);
  silence.start(100, () => expired++);
  silence.stop();
  assert.equal(timers.pending, 0);
});
