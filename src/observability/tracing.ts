/**
 * Traces of the bot's turns, on Deno's built-in OpenTelemetry: with
 * `OTEL_DENO=true` Deno registers its tracer provider with
 * `@opentelemetry/api` and exports spans over OTLP/HTTP to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (protocol `http/protobuf`, or `http/json`
 * with `OTEL_EXPORTER_OTLP_PROTOCOL`). This module (through `otel_api.ts`)
 * is the only one that imports the API; the rest of the bot calls the helpers below.
 *
 * Off by default, and then free: {@link tracingEnabled} is read once at
 * start-up; {@link withSpan} then calls its function directly and
 * {@link traceCalls} returns its target unwrapped, so the hot path runs the
 * same code as without tracing.
 *
 * @module
 */

import type { Span } from "@opentelemetry/api";

/** Attribute values a span accepts; `undefined` and `null` ones are skipped. */
export type SpanAttributes = Record<
  string,
  string | number | boolean | null | undefined
>;

/** The part of a span the bot's code uses. */
export interface TraceSpan {
  /** Adds attributes (e.g. token counts once known). */
  set(attributes: SpanAttributes): void;
  /** Records a moment in the span (e.g. `first token`). */
  event(name: string, attributes?: SpanAttributes): void;
  /** Marks the span failed with `error`, without ending it. */
  fail(error: unknown): void;
  /** Ends the span (for spans from {@link startSpan}; {@link withSpan} ends its own). */
  end(): void;
}

function readEnabled(): boolean {
  try {
    return Deno.env.get("OTEL_DENO") === "true";
  } catch {
    return false;
  }
}

/** True when Deno exports traces (`OTEL_DENO=true`, the only value Deno accepts), read once. */
export const tracingEnabled: boolean = readEnabled();

// The API is loaded only when tracing is on: off, the bot never carries it.
const otel = tracingEnabled ? await loadOtel() : null;

async function loadOtel() {
  const api = await import("./otel_api.ts");
  return { api, tracer: api.trace.getTracer("llm-discord-bot") };
}

const NOOP: TraceSpan = { set() {}, event() {}, fail() {}, end() {} };

function clean(
  attributes: SpanAttributes,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function wrap(span: Span): TraceSpan {
  return {
    set: (attributes) => void span.setAttributes(clean(attributes)),
    event: (name, attributes = {}) =>
      void span.addEvent(name, clean(attributes)),
    fail(error) {
      span.recordException(
        error instanceof Error ? error : new Error(String(error)),
      );
      span.setStatus({
        code: otel?.api.SpanStatusCode.ERROR ?? 2,
        message: error instanceof Error ? error.message : String(error),
      });
    },
    end: () => span.end(),
  };
}

/**
 * Runs `fn` inside a new span named `name`, a child of the current one (or
 * the root of a new trace with `root: true`), and ends the span when `fn`
 * settles (failed when it throws). Work `fn` starts (store calls, fetches)
 * becomes the span's children.
 */
export function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: (span: TraceSpan) => Promise<T>,
  options: { root?: boolean } = {},
): Promise<T> {
  if (otel === null) return fn(NOOP);
  return otel.tracer.startActiveSpan(
    name,
    { attributes: clean(attributes), root: options.root ?? false },
    async (span) => {
      const handle = wrap(span);
      try {
        return await fn(handle);
      } catch (error) {
        handle.fail(error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Starts a span that the caller ends, a child of the current span, for work
 * that is not one function call (a stream). It does not become current.
 */
export function startSpan(name: string, attributes: SpanAttributes): TraceSpan {
  if (otel === null) return NOOP;
  return wrap(otel.tracer.startSpan(name, { attributes: clean(attributes) }));
}

/**
 * `target` with each method call in a span `<prefix>.<method>`, ended when
 * the call returns or, for a promise, settles; `target` itself when tracing
 * is off. For ports and stores whose every method is one request.
 */
export function traceCalls<T extends object>(target: T, prefix: string): T {
  if (otel === null) return target;
  const { tracer } = otel;
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (typeof value !== "function" || typeof key !== "string") return value;
      return (...args: unknown[]) =>
        tracer.startActiveSpan(`${prefix}.${key}`, (span) => {
          const handle = wrap(span);
          const failed = (error: unknown) => {
            handle.fail(error);
            span.end();
            throw error;
          };
          let result: unknown;
          try {
            result = value.apply(object, args);
          } catch (error) {
            return failed(error);
          }
          if (!(result instanceof Promise)) {
            span.end();
            return result;
          }
          return result.then((settled) => {
            span.end();
            return settled;
          }, failed);
        });
    },
  });
}

/** The current trace and span ids, for log lines; undefined outside a span or when tracing is off. */
export function currentTraceIds():
  | { trace_id: string; span_id: string }
  | undefined {
  if (otel === null) return undefined;
  const span = otel.api.trace.getSpan(otel.api.context.active());
  if (span === undefined) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
