/**
 * What tracing costs per turn, in process: a turn's worth of traced work —
 * five composed stages (each a span when tracing is on) and twelve store
 * calls through `traceCalls` — timed with tracing as the environment says.
 * Run it twice to compare: `deno run -A bench/tracing_cost.ts` (off) and
 * `OTEL_DENO=true deno run -A bench/tracing_cost.ts` (on; spans are
 * exported to `OTEL_EXPORTER_OTLP_ENDPOINT`, by default localhost:4318,
 * whether anything listens there or not). Prints microseconds per turn.
 *
 * @module
 */

import { traceCalls, tracingEnabled } from "../src/observability/tracing.ts";
import { compose } from "../src/pipeline/compose.ts";
import type { Stage } from "../src/pipeline/compose.ts";

interface Ctx {
  n: number;
}

const store = traceCalls({
  get(n: number): Promise<number> {
    return Promise.resolve(n + 1);
  },
}, "store");

const stages: Stage<Ctx>[] = [
  "auth",
  "rateLimit",
  "context",
  "generation",
  "chunking",
]
  .map((name) => ({
    name,
    async run(ctx, next) {
      ctx.n = await store.get(ctx.n);
      if (name === "context") {
        for (let i = 0; i < 8; i++) ctx.n = await store.get(ctx.n);
      }
      await next();
    },
  }));

/** Microseconds per turn (best of `repeats` runs of `turns` turns). */
export async function measureTracingCost(
  turns = 20_000,
  repeats = 5,
): Promise<number> {
  const run = compose(stages);
  for (let i = 0; i < 2_000; i++) await run({ n: 0 });
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    for (let i = 0; i < turns; i++) await run({ n: i });
    best = Math.min(best, (performance.now() - start) * 1000 / turns);
  }
  return best;
}

if (import.meta.main) {
  const us = await measureTracingCost();
  console.log(
    `tracing ${tracingEnabled ? "on" : "off"}: ${us.toFixed(2)} µs per turn`,
  );
}
