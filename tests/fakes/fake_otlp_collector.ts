/**
 * A fake OpenTelemetry collector: the OTLP/HTTP receiver with the JSON
 * encoding (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`), over real HTTP on
 * loopback. It keeps the spans of `POST /v1/traces` and the log records of
 * `POST /v1/logs` flattened (ids in hex, values unwrapped) and counts what
 * arrives on `/v1/metrics`. Like a real collector it answers 404 to other paths, 405 to
 * other methods, 415 to other content types (protobuf included: use JSON)
 * and 400 to a body that is not an export request.
 *
 * ```ts
 * await using collector = startFakeOtlpCollector();
 * // OTEL_EXPORTER_OTLP_ENDPOINT: collector.url
 * await collector.waitFor((spans) => spans.some((s) => s.name === "turn"));
 * ```
 *
 * @module
 */

/** One received span. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
  /** The names of the span's events. */
  events: string[];
  /** `STATUS_CODE_ERROR` is 2. */
  statusCode: number;
  /** The `service.name` of the resource that sent it. */
  service: string;
}

/** One received log record. */
export interface ReceivedLog {
  body: string;
  /** "" when the record was written outside any span. */
  traceId: string;
  spanId: string;
}

/** A running fake collector. */
export interface FakeOtlpCollector extends AsyncDisposable {
  /** The base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  /** Every span received so far. */
  spans(): ReceivedSpan[];
  /** Every log record received so far. */
  logs(): ReceivedLog[];
  /** Export requests per path, e.g. `{ "/v1/traces": 3 }`. */
  requests(): Record<string, number>;
  /** Resolves with the spans once `done(spans)` is true; rejects after `timeout_ms`. */
  waitFor(
    done: (spans: ReceivedSpan[]) => boolean,
    timeout_ms?: number,
  ): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};
type KeyValue = { key: string; value?: AnyValue };

function unwrap(value: AnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return value;
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (list ?? []).map((kv) => [kv.key, unwrap(kv.value)]),
  );
}

// deno-lint-ignore no-explicit-any
function flatten(body: any): ReceivedSpan[] {
  if (!Array.isArray(body?.resourceSpans)) {
    throw new Error("not an ExportTraceServiceRequest: no resourceSpans");
  }
  const out: ReceivedSpan[] = [];
  for (const resource of body.resourceSpans) {
    const service = String(
      attributes(resource.resource?.attributes)["service.name"] ?? "",
    );
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        out.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? "",
          name: span.name,
          attributes: attributes(span.attributes),
          // deno-lint-ignore no-explicit-any
          events: (span.events ?? []).map((e: any) => e.name),
          statusCode: span.status?.code ?? 0,
          service,
        });
      }
    }
  }
  return out;
}

// deno-lint-ignore no-explicit-any
function flattenLogs(body: any): ReceivedLog[] {
  if (!Array.isArray(body?.resourceLogs)) {
    throw new Error("not an ExportLogsServiceRequest: no resourceLogs");
  }
  const out: ReceivedLog[] = [];
  for (const resource of body.resourceLogs) {
    for (const scope of resource.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        out.push({
          body: String(unwrap(record.body) ?? ""),
          traceId: record.traceId ?? "",
          spanId: record.spanId ?? "",
        });
      }
    }
  }
  return out;
}

/** Starts the collector on a free loopback port. */
export function startFakeOtlpCollector(): FakeOtlpCollector {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const counts: Record<string, number> = {};
  const json = (status: number, body: unknown) =>
    Response.json(body, { status });
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: () => {},
  }, async (request) => {
    const path = new URL(request.url).pathname;
    if (!["/v1/traces", "/v1/logs", "/v1/metrics"].includes(path)) {
      return json(404, { code: 5, message: `unknown path ${path}` });
    }
    if (request.method !== "POST") {
      return json(405, { code: 12, message: "POST only" });
    }
    const type = request.headers.get("content-type") ?? "";
    if (!type.startsWith("application/json")) {
      await request.body?.cancel();
      return json(415, {
        code: 3,
        message: `this fake reads application/json only, not ${type}`,
      });
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return json(400, { code: 3, message: "the body is not JSON" });
    }
    counts[path] = (counts[path] ?? 0) + 1;
    try {
      if (path === "/v1/traces") spans.push(...flatten(body));
      if (path === "/v1/logs") logs.push(...flattenLogs(body));
    } catch (error) {
      return json(400, { code: 3, message: String(error) });
    }
    return json(200, {});
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const close = async () => {
    await server.shutdown();
  };
  return {
    url,
    spans: () => [...spans],
    logs: () => [...logs],
    requests: () => ({ ...counts }),
    async waitFor(done, timeout_ms = 10_000) {
      const deadline = Date.now() + timeout_ms;
      while (!done(spans)) {
        if (Date.now() > deadline) {
          throw new Error(
            `The collector did not get the expected spans within ${timeout_ms} ms; it has: ${
              spans.map((s) => s.name).join(", ") || "none"
            }`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [...spans];
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
