/**
 * Makes Discordeno 21's REST manager safe against servers and networks that
 * misbehave, at the root, for every request the bot makes:
 *
 * - **A deadline** (default 15 s) on every request: its `fetch` (headers and
 *   body) is aborted when it expires, so one stuck request never holds a
 *   route, a channel or a turn forever.
 * - **Every route recovers after a failure.** Discordeno takes a route's one
 *   request slot before sending and gives it back only when it reads the
 *   answer's headers; a dropped connection or an aborted request never gets
 *   there, and the route's queue stayed blocked until a restart. The slot is
 *   given back whenever a request ends without an answer.
 * - **A 2xx is a success whatever its body.** Discordeno parses the body
 *   inside its resolve callback and, when that throws, neither resolves nor
 *   rejects: the caller waited forever. A 2xx whose body cannot be parsed
 *   resolves as an empty object (and is logged).
 * - **Every failure is logged** with method, route, status and Discord's
 *   error message, and always rejects the caller.
 * - **Every answer is reported** (`observe`, metrics), also through a proxy.
 *
 * Only this adapter-side file knows Discordeno's internals.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";

/** Discordeno's default request deadline is none; ours. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** What Discordeno hands `sendRequest` (the parts used here). */
export interface SendRequestOptions {
  route: string;
  method: string;
  requestBodyOptions?: { headers?: Record<string, string> } | undefined;
  resolve(data: { ok: boolean; status: number; body?: string }): void;
  reject(
    reason: { ok: boolean; status: number; body?: string; error?: string },
  ): void;
}

/** The parts of Discordeno's REST manager the guard patches. */
export interface GuardedRest {
  token: string;
  isProxied: boolean;
  makeRequest(
    method: string,
    route: string,
    options?: unknown,
  ): Promise<unknown>;
  createRequestBody(method: string, options?: unknown): Record<string, unknown>;
  sendRequest(options: SendRequestOptions): Promise<void>;
  simplifyUrl(url: string, method: string): string;
  queues: Map<
    string,
    {
      handleCompletedRequest(headers: Record<string, number | undefined>): void;
    }
  >;
}

/** How the guard behaves. */
export interface RestGuardOptions {
  logger: Logger;
  /** Milliseconds a request may take, answer body included (default 15 s). */
  timeout_ms?: number;
  /** Told of every answer's status (0: no answer). */
  observe?: (method: string, status: number) => void;
}

/** A request that took longer than its deadline. */
export class RequestTimeoutError extends Error {
  constructor(method: string, route: string, ms: number) {
    super(`${method} ${route} got no answer within ${ms} ms`);
    this.name = "RequestTimeoutError";
  }
}

/** Patches `rest` in place; see the module doc. */
export function guardRest(rest: GuardedRest, options: RestGuardOptions): void {
  const { logger } = options;
  const observe = options.observe ?? (() => {});
  const timeout = options.timeout_ms ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const makeRequest = rest.makeRequest.bind(rest);
  rest.makeRequest = async (method, route, body) => {
    if (!rest.isProxied) return await makeRequest(method, route, body);
    // Through a proxy Discordeno fetches here, not in sendRequest.
    try {
      const result = await makeRequest(method, route, body);
      observe(method, result === undefined ? 204 : 200);
      return result;
    } catch (error) {
      const status = (error as { cause?: { status?: unknown } })?.cause?.status;
      observe(method, typeof status === "number" ? status : 0);
      throw error;
    }
  };
  // The signal of the request being built: sendRequest (and the proxy path of
  // makeRequest) build the fetch options synchronously before any await.
  let nextSignal: AbortSignal | undefined;
  const createRequestBody = rest.createRequestBody.bind(rest);
  rest.createRequestBody = (method, body) => {
    const payload = createRequestBody(method, body);
    let signal = nextSignal;
    nextSignal = undefined;
    if (signal === undefined) {
      // Requests that bypass sendRequest (the REST proxy path) get a deadline too.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeout);
      Deno.unrefTimer(timer);
      signal = controller.signal;
    }
    return { ...payload, signal };
  };

  const sendRequest = rest.sendRequest.bind(rest);
  rest.sendRequest = async (request) => {
    const { method, route } = request;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new RequestTimeoutError(method, route, timeout)),
      timeout,
    );
    let settled = false;
    const resolve = request.resolve;
    const reject = request.reject;
    request.resolve = (data) => {
      settled = true;
      observe(method, data.status);
      try {
        resolve(data);
      } catch (error) {
        // Delivered: a body the client cannot read does not make it a failure.
        logger.warn(
          "Discord answered {method} {route} with {status} and a body that cannot be read; treated as success: {error}",
          { method, route, status: data.status, error },
        );
        resolve({ ...data, body: "{}" });
      }
    };
    request.reject = (reason) => {
      settled = true;
      observe(method, reason.status === 999 ? 0 : reason.status);
      logger.warn(
        "Discord request failed: {method} {route} → {status} {reason}",
        {
          method,
          route,
          status: reason.status === 999 ? "no answer" : reason.status,
          reason: discordReason(reason),
        },
      );
      reject(reason);
    };
    nextSignal = controller.signal;
    try {
      await sendRequest(request);
      // Returning unsettled: Discordeno got a 429 and queued the request again.
      if (!settled) observe(method, 429);
    } catch (error) {
      // No answer was read: give the route its slot back, or it stays blocked.
      releaseRoute(rest, request);
      if (!settled) {
        request.reject({
          ok: false,
          status: 999,
          error: controller.signal.aborted
            ? `no answer within ${timeout} ms`
            : `the connection failed: ${messageOf(error)}`,
        });
      }
    } finally {
      nextSignal = undefined;
      clearTimeout(timer);
    }
  };
}

/** Gives a route's request slot back after a request that ended without an answer. */
function releaseRoute(rest: GuardedRest, request: SendRequestOptions): void {
  const identifier = request.requestBodyOptions?.headers?.authorization ??
    `Bot ${rest.token}`;
  const url = rest.simplifyUrl(request.route, request.method);
  rest.queues.get(`${identifier}${url}`)?.handleCompletedRequest({});
}

/** Discord's error message (and code) from a failed answer, or the transport error. */
export function discordReason(
  reason: { body?: string | undefined; error?: string | undefined },
): string {
  if (reason.error) return reason.error;
  try {
    const body = JSON.parse(reason.body ?? "");
    const code = body?.code ? ` (code ${body.code})` : "";
    const details = body?.errors ? ` ${JSON.stringify(body.errors)}` : "";
    return `${String(body?.message ?? "")}${code}${details}`.trim();
  } catch {
    return (reason.body ?? "").slice(0, 300);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
