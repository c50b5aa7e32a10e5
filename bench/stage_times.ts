/**
 * Per-stage time inside the bot, from its own Prometheus histogram
 * `bot_stage_duration_seconds{stage}` (each stage's time without the stages
 * after it): two scrapes around a run give the mean time per stage in it.
 *
 * @module
 */

/** Sum (seconds) and count per stage from one `/metrics` page. */
export function stageTotals(
  metrics: string,
): Map<string, { sum: number; count: number }> {
  const totals = new Map<string, { sum: number; count: number }>();
  const pattern =
    /^bot_stage_duration_seconds_(sum|count)\{stage="([^"]+)"\}\s+(\S+)$/gm;
  for (const match of metrics.matchAll(pattern)) {
    const [, kind, stage, value] = match;
    if (stage === undefined || value === undefined) continue;
    const entry = totals.get(stage) ?? { sum: 0, count: 0 };
    if (kind === "sum") entry.sum = Number(value);
    else entry.count = Number(value);
    totals.set(stage, entry);
  }
  return totals;
}

/** Mean milliseconds per stage between two scrapes (stages with no new turns are left out). */
export function stageMeansMs(
  before: string,
  after: string,
): Record<string, number> {
  const start = stageTotals(before);
  const means: Record<string, number> = {};
  for (const [stage, end] of stageTotals(after)) {
    const from = start.get(stage) ?? { sum: 0, count: 0 };
    const count = end.count - from.count;
    if (count > 0) means[stage] = ((end.sum - from.sum) / count) * 1000;
  }
  return means;
}
