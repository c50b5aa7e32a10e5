/** Builds planner input: `n` messages newest first, ids n..1, each costing `cost`. */
import { planSummary } from "../../src/memory/summary_plan.ts";

export function messages(n: number, cost = 10, created_at = 1_000) {
  return Array.from({ length: n }, (_, i) => ({
    id: n - i,
    created_at,
    cost,
  }));
}

/** `planSummary` with the usual limits. */
export function summaryPlan(
  n: number,
  room: number,
  max_messages = 1_000,
  oldest = 0,
) {
  return planSummary(messages(n), { room, max_messages, oldest });
}
