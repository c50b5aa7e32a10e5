/**
 * The HTTP listener for probes and scrapes: `GET /healthz` answers `ok`
 * whenever the process can answer at all, `GET /readyz` runs the injected
 * readiness checks and answers `ready` or 503 with one line per failing
 * check, and `GET /metrics` serves the Prometheus text format. `HEAD` works
 * on each like `GET` without a body; every other path is 404 and every
 * other method 405. The handler never throws: a failure is a short 500.
 *
 * ```ts
 * const server = startHealthServer({
 *   ...healthSettingsFromEnv((name) => Deno.env.get(name)),
 *   checks: { gateway: () => connected || "not connected (waiting for READY)" },
 *   metrics,
 * }); // null when HEALTH_PORT=0
 * await server?.close();
 * ```
 *
 * @module
 */

/** The Prometheus text format's content type, for pages that do not say theirs. */
const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * What a readiness check returns: `true` when ready; `false`, or a string
 * saying why, when not (e.g. `"not connected (waiting for READY)"`).
 */
export type ReadinessResult = boolean | string;

/** One readiness check; a throw or a promise that takes too long counts as not ready. */
export type ReadinessCheck = () => ReadinessResult | Promise<ReadinessResult>;

/** Where the listener binds; `port: 0` means disabled. */
export interface HealthSettings {
  port: number;
  hostname: string;
}

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  /** 1–65535; 0 disables the server; `"ephemeral"` lets the OS pick (tests). */
  port: number | "ephemeral";
  /** The address to bind, e.g. `127.0.0.1` or `0.0.0.0`. */
  hostname: string;
  /** Readiness checks by name, reported in this order by `/readyz`. */
  checks?: Record<string, ReadinessCheck> | undefined;
  /** What `/metrics` renders; without it `/metrics` is 404. */
  metrics?:
    | { render(): string | Promise<string>; readonly contentType?: string }
    | undefined;
  /** How long one check may take before it counts as failed (default 1000 ms). */
  checkTimeoutMs?: number | undefined;
  /** Told about errors turned into 500 answers (e.g. to log them). */
  onError?: ((error: unknown) => void) | undefined;
}

/** A running health server. */
export interface HealthServer extends AsyncDisposable {
  /** The address bound. */
  readonly hostname: string;
  /** The port bound (the OS's pick for `"ephemeral"`). */
  readonly port: number;
  /** The base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Stops accepting connections and waits for open requests to finish. */
  close(): Promise<void>;
}

/** Thrown when the health settings are invalid or the port cannot be bound. */
export class HealthServerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HealthServerError";
  }
}

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = "127.0.0.1";

/**
 * Reads `HEALTH_PORT` (default 8080; 0 disables) and `HEALTH_HOST` (default
 * 127.0.0.1); an empty value counts as unset. Throws a
 * {@link HealthServerError} naming the variable when the port is not a whole
 * number from 0 to 65535.
 */
export function healthSettingsFromEnv(
  env: (name: string) => string | undefined,
): HealthSettings {
  const rawPort = env("HEALTH_PORT")?.trim() ?? "";
  const rawHost = env("HEALTH_HOST")?.trim() ?? "";
  let port = DEFAULT_PORT;
  if (rawPort !== "") {
    port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
    if (!(port <= 65535)) {
      throw new HealthServerError(
        `HEALTH_PORT must be a port number from 1 to 65535, or 0 to disable the health server; got "${rawPort}"`,
      );
    }
  }
  return { port, hostname: rawHost === "" ? DEFAULT_HOST : rawHost };
}

/**
 * Starts the listener, or returns null when `port` is 0. Binding happens
 * before this returns; a port in use throws a {@link HealthServerError}.
 * Nothing is printed.
 */
export function startHealthServer(
  options: HealthServerOptions,
): HealthServer | null {
  const { port, hostname } = options;
  if (port === 0) return null;
  if (
    port !== "ephemeral" &&
    !(Number.isInteger(port) && port >= 1 && port <= 65535)
  ) {
    throw new HealthServerError(
      `Cannot start the health server: port ${port} is not a whole number from 0 to 65535`,
    );
  }
  const handler = createHealthHandler(options);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname,
      port: port === "ephemeral" ? 0 : port,
      onListen() {},
      onError: () => plain(500, "internal error\n", false),
    }, handler);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HealthServerError(
      `Cannot start the health server on ${hostname}:${port}: ${reason}. Set HEALTH_PORT to a free port, or to 0 to disable it`,
      { cause: error },
    );
  }
  const bound = server.addr.port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= server.shutdown();
    return closing;
  }
  return {
    hostname,
    port: bound,
    url: `http://${host}:${bound}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The request handler alone (no listener), for embedding in another server
 * or testing without a socket. It never rejects.
 */
export function createHealthHandler(
  options: Omit<HealthServerOptions, "port" | "hostname">,
): (request: Request) => Promise<Response> {
  const checks = Object.entries(options.checks ?? {});
  const timeoutMs = options.checkTimeoutMs ?? 1000;
  const { metrics, onError } = options;

  function report(error: unknown): void {
    try {
      onError?.(error);
    } catch {
      // A failing error reporter must not turn a 500 into a crash.
    }
  }

  async function answer(path: string, head: boolean): Promise<Response> {
    switch (path) {
      case "/healthz":
        return plain(200, "ok\n", head);
      case "/readyz": {
        const failures = await failingChecks(checks, timeoutMs);
        return failures.length === 0
          ? plain(200, "ready\n", head)
          : plain(503, failures.map((line) => `${line}\n`).join(""), head);
      }
      case "/metrics": {
        if (metrics === undefined) return plain(404, "not found\n", head);
        let page: string;
        try {
          page = await metrics.render();
        } catch (error) {
          report(error);
          return plain(500, "cannot render metrics\n", head);
        }
        return plain(
          200,
          page,
          head,
          metrics.contentType ?? PROMETHEUS_CONTENT_TYPE,
        );
      }
      default:
        return plain(404, "not found\n", head);
    }
  }

  return async function handle(request: Request): Promise<Response> {
    const head = request.method === "HEAD";
    try {
      const path = new URL(request.url).pathname;
      if (request.method !== "GET" && !head) {
        const known = ["/healthz", "/readyz", "/metrics"].includes(path);
        const response = plain(
          known ? 405 : 404,
          known ? "method not allowed\n" : "not found\n",
          false,
        );
        if (known) response.headers.set("allow", "GET, HEAD");
        return response;
      }
      return await answer(path, head);
    } catch (error) {
      report(error);
      return plain(500, "internal error\n", head);
    }
  };
}

/** Runs every check at once; one `name: reason` line per failing check, in order. */
async function failingChecks(
  checks: [string, ReadinessCheck][],
  timeoutMs: number,
): Promise<string[]> {
  const reasons = await Promise.all(
    checks.map(([, check]) => runCheck(check, timeoutMs)),
  );
  const lines: string[] = [];
  reasons.forEach((reason, i) => {
    if (reason !== null) lines.push(`${checks[i]?.[0]}: ${reason}`);
  });
  return lines;
}

/** null when ready, else a one-line reason. */
async function runCheck(
  check: ReadinessCheck,
  timeoutMs: number,
): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`no answer within ${timeoutMs} ms`),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([
      Promise.resolve().then(check),
      late,
    ]);
    if (result === true) return null;
    if (result === false || result.trim() === "") return "not ready";
    return oneLine(result);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `check failed: ${oneLine(message)}`;
  } finally {
    clearTimeout(timer);
  }
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\r?\n\s*/g, " ");
}

function plain(
  status: number,
  body: string,
  head: boolean,
  type = "text/plain; charset=utf-8",
): Response {
  const bytes = new TextEncoder().encode(body);
  return new Response(head ? null : bytes, {
    status,
    headers: {
      "content-type": type,
      "content-length": String(bytes.byteLength),
      "cache-control": "no-store",
    },
  });
}
