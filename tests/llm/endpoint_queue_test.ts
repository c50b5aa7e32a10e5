import assert from "node:assert/strict";
import { EndpointQueue, type Slot } from "../../src/llm/endpoint_queue.ts";
import { LlmError } from "../../src/llm/llm_error.ts";
import { systemTimers } from "../../src/llm/timers.ts";

const limits = { max_concurrency: 1, max_queue: 3, queue_timeout: 1000 };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

Deno.test("EndpointQueue grants slots first come, first served and reports positions", async () => {
  const queue = new EndpointQueue("local", limits, systemTimers);
  const signal = new AbortController().signal;
  const first = await queue.acquire(signal);
  const positions: Record<string, number[]> = { b: [], c: [] };
  const order: string[] = [];
  const b = queue.acquire(signal, (p) => positions.b!.push(p)).then((s) => {
    order.push("b");
    return s;
  });
  const c = queue.acquire(signal, (p) => positions.c!.push(p)).then((s) => {
    order.push("c");
    return s;
  });
  assert.deepEqual({ active: queue.active, waiting: queue.waiting }, {
    active: 1,
    waiting: 2,
  });
  first.release();
  const slotB = await b;
  assert.deepEqual(order, ["b"]);
  slotB.release();
  (await c).release();
  assert.deepEqual(order, ["b", "c"]);
  assert.deepEqual(positions, { b: [1], c: [2, 1] });
  assert.deepEqual({ active: queue.active, waiting: queue.waiting }, {
    active: 0,
    waiting: 0,
  });
});

Deno.test("EndpointQueue refuses a request as saturated when the queue is full", async () => {
  const queue = new EndpointQueue(
    "local",
    { ...limits, max_queue: 1 },
    systemTimers,
  );
  const controller = new AbortController();
  const held = await queue.acquire(controller.signal);
  const waiting = queue.acquire(controller.signal);
  const error = await rejection(queue.acquire(controller.signal));
  assert.ok(error instanceof LlmError);
  assert.equal(error.kind, "saturated");
  assert.match(error.message, /max_queue 1/);
  held.release();
  (await waiting).release();
});

Deno.test("EndpointQueue gives up after queue_timeout and moves the others up", async () => {
  const queue = new EndpointQueue(
    "local",
    { ...limits, queue_timeout: 30 },
    systemTimers,
  );
  const signal = new AbortController().signal;
  const held = await queue.acquire(signal);
  const error = await rejection(queue.acquire(signal));
  assert.ok(error instanceof LlmError);
  assert.equal(error.kind, "saturated");
  assert.match(error.message, /queue_timeout \(30 ms\)/);
  assert.equal(queue.waiting, 0);
  held.release();
});

Deno.test("EndpointQueue lets a cancelled waiter leave and tells the ones behind", async () => {
  const queue = new EndpointQueue("local", limits, systemTimers);
  const held = await queue.acquire(new AbortController().signal);
  const leaving = new AbortController();
  const left = queue.acquire(leaving.signal);
  const positions: number[] = [];
  const staying = queue.acquire(
    new AbortController().signal,
    (p) => positions.push(p),
  );
  leaving.abort(new Error("user went away"));
  assert.equal(((await rejection(left)) as Error).message, "user went away");
  assert.deepEqual(positions, [2, 1]);
  held.release();
  const slot: Slot = await staying;
  slot.release();
  slot.release(); // a second release changes nothing
  assert.equal(queue.active, 0);
});

Deno.test("EndpointQueue.tryAcquire() takes a free slot at once, and never one a waiter is owed", async () => {
  const queue = new EndpointQueue("local", limits, systemTimers);
  const signal = new AbortController().signal;
  const first = queue.tryAcquire();
  assert.ok(first !== null);
  assert.equal(queue.tryAcquire(), null, "the only slot is taken");
  const waiting = queue.acquire(signal);
  first.release();
  assert.equal(queue.tryAcquire(), null, "the freed slot went to the waiter");
  (await waiting).release();
  const again = queue.tryAcquire();
  assert.ok(again !== null);
  again.release();
  assert.deepEqual({ active: queue.active, waiting: queue.waiting }, {
    active: 0,
    waiting: 0,
  });
});
