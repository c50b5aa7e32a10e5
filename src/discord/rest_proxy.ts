/**
 * Discordeno's REST manager as a proxy (`deno task rest`), Discordeno's
 * pattern for big bots: gateway processes started with `DISCORD_REST_URL`
 * send every REST call here (Discordeno's `rest.proxy` option), and this
 * one process queues them per route and bucket, follows Discord's
 * rate-limit headers and its global limit, and retries 429s — so the limits
 * hold for the bot as a whole, not per process. Requests must carry
 * `DISCORD_REST_SECRET` in their `authorization` header; the bot token stays
 * here. Discord's answer (status and JSON body, errors included) goes back
 * unchanged. On top of Discordeno's own handling, `proxy_send_gate.ts`
 * keeps the bot-wide limit of 50 requests a second for all processes
 * together, and drops a queued request whose gateway gave up on it.
 *
 * @module
 */

import { createRestManager, type RestManager } from "@discordeno/bot";
import type { Logger } from "../log/logging.ts";
import { gateSends, whenAbandoned } from "./proxy_send_gate.ts";

/** How to run the proxy. */
export interface RestProxyOptions {
  /** The bot token used towards Discord. */
  token: string;
  /** The shared secret every request must carry (`DISCORD_REST_SECRET`). */
  secret: string;
  /** A Discord-compatible REST base up to `/api` (tests); Discord when absent. */
  api_base_url?: string | undefined;
  hostname: string;
  /** 0 for a random free port. */
  port: number;
  logger: Logger;
}

/** A running proxy. */
export interface RestProxy {
  /** The proxy's origin, e.g. `http://127.0.0.1:8090`: the gateways' `DISCORD_REST_URL`. */
  readonly url: string;
  /**
   * Requests forwarded so far, how many were refused for a wrong secret,
   * and how many were dropped because their client had gone.
   */
  readonly stats: { forwarded: number; unauthorized: number; dropped: number };
  close(): Promise<void>;
}

const VERSIONED = /^\/v\d+(\/.*)$/;

/** Starts the proxy; it listens until `close()`. */
export function startRestProxy(options: RestProxyOptions): RestProxy {
  const rest = createRestManager({
    token: options.token,
    ...(options.api_base_url
      ? { proxy: { baseUrl: options.api_base_url.replace(/\/+$/, "") } }
      : {}),
    logger: quietLogger(options.logger),
  });
  // A Discord-compatible base is not a proxy: keep the rate limiting on.
  rest.isProxied = false;
  const stats = { forwarded: 0, unauthorized: 0, dropped: 0 };
  const gate = gateSends(rest, { onDropped: () => stats.dropped++ });
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
  }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") return new Response("ok\n");
    if (!sameSecret(request.headers.get("authorization"), options.secret)) {
      stats.unauthorized++;
      return json(401, {
        message: "401: Unauthorized (wrong DISCORD_REST_SECRET)",
      });
    }
    const route = VERSIONED.exec(url.pathname)?.[1];
    if (route === undefined) {
      return json(404, { message: "expected a path under /v10/" });
    }
    stats.forwarded++;
    return await forward(
      rest,
      request,
      `${route}${url.search}`,
      options.logger,
    );
  });
  const address = server.addr as Deno.NetAddr;
  const host = address.hostname.includes(":")
    ? `[${address.hostname}]`
    : address.hostname;
  return {
    url: `http://${host}:${address.port}`,
    stats,
    async close() {
      await server.shutdown();
      for (let i = 0; i < 30 && rest.processingRateLimitedPaths; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const queue of rest.queues.values()) {
        clearTimeout(queue.timeoutId);
        clearTimeout(queue.deleteQueueTimeout);
      }
      rest.queues.clear();
      gate.close();
    },
  };
}

async function forward(
  rest: RestManager,
  request: Request,
  route: string,
  logger: Logger,
): Promise<Response> {
  const method = request.method.toUpperCase() as
    | "GET"
    | "POST"
    | "PUT"
    | "PATCH"
    | "DELETE";
  const type = request.headers.get("content-type") ?? "";
  let body: unknown = undefined;
  if (type.includes("application/json")) {
    const text = await request.text();
    body = text === "" ? undefined : JSON.parse(text);
  } else if (type.includes("multipart/form-data")) {
    body = await request.formData();
  }
  const reason = request.headers.get("x-audit-log-reason");
  const requestOptions = {
    ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
    ...(reason === null ? {} : { reason: decodeURIComponent(reason) }),
  };
  whenAbandoned(requestOptions, request.signal);
  try {
    const result = await rest.makeRequest(method, route, requestOptions);
    return result === undefined
      ? new Response(null, { status: 204 })
      : json(200, result);
  } catch (error) {
    const cause = (error as { cause?: { status?: number; body?: string } })
      .cause;
    if (typeof cause?.status === "number" && cause.status !== 999) {
      return new Response(cause.body ?? "", {
        status: cause.status,
        headers: { "content-type": "application/json" },
      });
    }
    logger.warn("REST proxy could not reach Discord for {route}: {error}", {
      route,
      error,
    });
    return json(502, { message: "the REST proxy could not reach Discord" });
  }
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Compares the secret in constant time (for equal lengths). */
function sameSecret(given: string | null, secret: string): boolean {
  if (given === null) return false;
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(secret);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function quietLogger(logger: Logger) {
  const debug = (...args: unknown[]) =>
    logger.debug("Discordeno REST: {args}", { args: args.map(String) });
  return {
    debug: () => {},
    info: () => {},
    warn: debug,
    error: debug,
    fatal: debug,
  };
}
