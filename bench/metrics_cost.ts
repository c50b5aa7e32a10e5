/**
 * What the metrics cost per turn, in process: the recording calls one turn
 * makes (five stage durations, the turn's outcome, the LLM reply with its
 * times and token counts) and one scrape of the whole page. Run with
 * `deno run bench/metrics_cost.ts`; prints microseconds.
 *
 * @module
 */

import { createBotMetrics } from "../src/observability/bot_metrics.ts";

const STAGES = ["auth", "rate_limit", "context", "generation", "chunking"];

/** The recording one turn makes. */
export function recordTurn(
  metrics: ReturnType<typeof createBotMetrics>,
  i: number,
): void {
  for (const stage of STAGES) metrics.stageObserved(stage, (i % 97) / 1e4);
  metrics.llmReply("local", 0.2 + (i % 13) / 100, 1.5, 500 + (i % 7), 80);
  metrics.turnEnded(i % 50 === 0 ? "error" : "answered");
}

/** Microseconds per turn over `turns` turns (best of `repeats`), and per scrape. */
export async function measureMetricsCost(
  turns = 200_000,
  repeats = 5,
): Promise<{ us_per_turn: number; us_per_scrape: number }> {
  const metrics = createBotMetrics({
    queueStatus: () => ({ local: { active: 1, waiting: 0 } }),
  });
  for (let i = 0; i < 10_000; i++) recordTurn(metrics, i);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    for (let i = 0; i < turns; i++) recordTurn(metrics, i);
    best = Math.min(best, (performance.now() - start) * 1000 / turns);
  }
  for (let i = 0; i < 50; i++) await metrics.render();
  const scrapes = 500;
  const start = performance.now();
  for (let i = 0; i < scrapes; i++) await metrics.render();
  const scrape = (performance.now() - start) * 1000 / scrapes;
  return { us_per_turn: best, us_per_scrape: scrape };
}

if (import.meta.main) {
  const result = await measureMetricsCost();
  console.log(
    `metrics: ${result.us_per_turn.toFixed(2)} µs per turn, ${
      result.us_per_scrape.toFixed(0)
    } µs per scrape`,
  );
}
