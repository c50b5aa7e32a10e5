/**
 * Middleware composition in the style of Hono and grammY: each stage is a
 * named `(ctx, next) => Promise<void>`. A stage that calls `next()` twice, or
 * returns without awaiting the `next()` it started, is a bug, and `compose`
 * reports it with the stage's name instead of letting turns interleave.
 * With tracing on, each stage runs in a span `stage <name>`, so a turn's
 * trace shows the stages nested in their order.
 *
 * @module
 */

import { tracingEnabled, withSpan } from "../observability/tracing.ts";

/** One step of the pipeline. */
export interface Stage<C> {
  /** Shown in errors and metrics, e.g. "rateLimit". */
  readonly name: string;
  run(ctx: C, next: () => Promise<void>): Promise<void>;
}

/** Thrown when a stage breaks the middleware contract. */
export class StageContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StageContractError";
  }
}

/**
 * Observes stage timings (for metrics): called once per stage that ran, with
 * the time spent in the stage itself, not in the stages after it, and the
 * turn's context.
 */
export type StageObserver<C = unknown> = (
  stage: string,
  elapsed_ms: number,
  ctx: C,
) => void;

/**
 * Chains stages into one function. The first stage runs first; each runs the
 * rest by calling `next()` at most once and awaiting it.
 */
export function compose<C>(
  stages: readonly Stage<C>[],
  observe: StageObserver<C> = () => {},
): (ctx: C) => Promise<void> {
  // Span names and attributes are made once, not per turn.
  const spans = stages.map((stage) => ({
    name: `stage ${stage.name}`,
    attributes: { "bot.stage": stage.name },
  }));
  const dispatch = async (ctx: C, index: number): Promise<void> => {
    const stage = stages[index];
    if (stage === undefined) return;
    let called = false;
    let settled = true;
    let inner_ms = 0;
    const next = async () => {
      if (called) {
        throw new StageContractError(
          `Stage "${stage.name}" called next() twice`,
        );
      }
      called = true;
      settled = false;
      const nextStarted = performance.now();
      try {
        await dispatch(ctx, index + 1);
      } finally {
        settled = true;
        inner_ms = performance.now() - nextStarted;
      }
    };
    const started = performance.now();
    try {
      if (tracingEnabled) {
        const span = spans[index]!;
        await withSpan(span.name, span.attributes, () => stage.run(ctx, next));
      } else await stage.run(ctx, next);
    } finally {
      observe(stage.name, performance.now() - started - inner_ms, ctx);
    }
    if (!settled) {
      throw new StageContractError(
        `Stage "${stage.name}" returned before the next stage finished: await next()`,
      );
    }
  };
  return (ctx: C): Promise<void> => dispatch(ctx, 0);
}
