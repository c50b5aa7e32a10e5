/**
 * The parts of `@opentelemetry/api` the tracing helpers use, re-exported
 * statically. `tracing.ts` imports this module lazily (only with
 * `OTEL_DENO=true`): a dynamic import of the package itself would, in the
 * bundle `start` runs, give its CommonJS build's `default` and no named
 * exports, while a static re-export reads the names under both loaders.
 *
 * @module
 */

export { context, SpanStatusCode, trace } from "@opentelemetry/api";
