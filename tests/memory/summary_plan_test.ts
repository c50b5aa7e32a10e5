import assert from "node:assert/strict";
import { planSummary } from "../../src/memory/summary_plan.ts";
import { messages, summaryPlan } from "./plan_helpers.ts";

Deno.test("planSummary() folds nothing while every message after the summary fits", () => {
  assert.deepEqual(summaryPlan(10, 100), []);
  assert.deepEqual(summaryPlan(0, 100), []);
});

Deno.test("planSummary() folds all but the newest half of the room, oldest first, once the room is exceeded", () => {
  const fold = summaryPlan(11, 100);
  assert.deepEqual(fold.map((m) => m.id), [1, 2, 3, 4, 5, 6]);
});

Deno.test("planSummary() works in blocks: after a fold, many turns pass before the next", () => {
  // Simulate: each turn adds 2 messages; fold when the plan says so.
  let after = 0;
  let next = 1;
  const folds: number[] = [];
  for (let turn = 1; turn <= 60; turn++) {
    next += 2;
    const pending = messages(next - 1).filter((m) => m.id > after);
    const fold = planSummary(pending, {
      room: 100,
      max_messages: 1_000,
      oldest: 0,
    });
    if (fold.length > 0) {
      folds.push(turn);
      after = fold.at(-1)!.id;
    }
  }
  // The room holds 10 messages; a fold keeps 5, so 3 turns (6 messages) pass
  // with the same summary and the same first history message.
  assert.equal(folds.length, 19, `${folds}`);
  for (let i = 1; i < folds.length; i++) {
    assert.equal(folds[i]! - folds[i - 1]!, 3, `folds at ${folds}`);
  }
});

Deno.test("planSummary() also folds what max_messages or max_age leave out", () => {
  assert.deepEqual(
    summaryPlan(10, 1_000, 6).map((m) => m.id),
    [1, 2, 3, 4, 5, 6, 7],
  );
  const aged = [
    ...messages(2, 10, 5_000),
    { id: 0, created_at: 10, cost: 10 },
  ];
  assert.deepEqual(
    planSummary(aged, { room: 1_000, max_messages: 100, oldest: 1_000 })
      .map((m) => m.id),
    [0],
  );
});
