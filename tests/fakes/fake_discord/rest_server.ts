import {
  type FixedWindowLimiter,
  routeLimitHeaders,
  tooManyRequests,
  type WindowTake,
} from "./rate_limits.ts";
import {
  Errors,
  fail,
  isRecord,
  type RestEvents,
  type RestReply,
  type RestRoute,
  type RestSettings,
} from "./rest_types.ts";
import type { RestRecord } from "./types.ts";
import type { FakeWorld } from "./world.ts";

/** The bucket hash announced for message create/edit (the same for every channel, like Discord). */
export const MESSAGE_BUCKET_ID = "5f1a8c0e6b2d4f7a9c3e1b5d7f9a2c4e";
const API_PREFIX = "/api/v10";

/**
 * An injected failure: the next `times` requests matching `route` (a template such as
 * `POST /channels/{channel}/messages`) or `path` (tested against `METHOD /path`) get `status`.
 * A 429 carries `retryAfterMs` and `scope` like a real one; other statuses get `body`.
 */
export interface FailureRule {
  route?: string;
  path?: RegExp;
  times: number;
  /** Absent: the request is handled normally, with the behaviours below. */
  status?: number;
  /**
   * The request waits for this before it is handled (a stuck request). A
   * client that gave up meanwhile gets nothing done: the request is dropped.
   */
  hold?: Promise<unknown>;
  /** The request is handled (its effect happens), then the connection breaks without an answer. */
  drop?: boolean;
  /** A successful answer's body is replaced by what this returns (e.g. a shape the client cannot parse). */
  mangle?: (body: unknown) => unknown;
  /** The answer carries no X-RateLimit-* headers. */
  noRateLimitHeaders?: boolean;
  /** The request's `allowed_mentions` is dropped before it is handled (a proxy that ignores it). */
  ignoreAllowedMentions?: boolean;
  /** A successful answer's body is sent as this raw text instead (e.g. not JSON at all). */
  rawBody?: string;
  retryAfterMs?: number;
  scope?: "user" | "global" | "shared";
  body?: unknown;
}

/** What the REST handler needs. */
export interface RestServerDeps {
  world: FakeWorld;
  token: string;
  routes: RestRoute[];
  events: RestEvents;
  settings: RestSettings;
  messageLimiter: FixedWindowLimiter;
  globalLimiter: FixedWindowLimiter;
  failures: FailureRule[];
  record(record: RestRecord): void;
}

interface Match {
  route: RestRoute;
  params: Record<string, string>;
}

function matchPath(
  template: string,
  path: string,
): Record<string, string> | null {
  const want = template.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = decodeURIComponent(got[i] ?? "");
    if (part.startsWith("{")) {
      if (actual === "") return null;
      params[part.slice(1, -1)] = actual;
    } else if (part !== actual) return null;
  }
  return params;
}

function findRoute(
  routes: RestRoute[],
  method: string,
  path: string,
): Match | "method" | null {
  let pathKnown = false;
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    pathKnown = true;
    if (route.method === method) return { route, params };
  }
  return pathKnown ? "method" : null;
}

async function readBody(
  req: Request,
): Promise<{ body: unknown; attachments: unknown[] } | null> {
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await req.formData().catch(() => null);
    if (!form) return null;
    const attachments: unknown[] = [];
    for (const [key, value] of form.entries()) {
      if (key.startsWith("files[") && value instanceof File) {
        attachments.push({
          id: String(attachments.length),
          filename: value.name,
          size: value.size,
          content_type: value.type,
          url:
            `https://cdn.invalid/attachments/${attachments.length}/${value.name}`,
          proxy_url:
            `https://media.invalid/attachments/${attachments.length}/${value.name}`,
        });
      }
    }
    const json = form.get("payload_json");
    try {
      return {
        body: typeof json === "string" ? JSON.parse(json) : {},
        attachments,
      };
    } catch {
      return null;
    }
  }
  const text = await req.text();
  if (text === "") return { body: undefined, attachments: [] };
  try {
    return { body: JSON.parse(text), attachments: [] };
  } catch {
    return null;
  }
}

function respond(reply: RestReply, headers: Record<string, string>): Response {
  if (reply.status === 204 || reply.body === undefined) {
    return new Response(null, { status: reply.status, headers });
  }
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { ...headers, "content-type": "application/json" },
  });
}

function takeFailure(
  failures: FailureRule[],
  template: string | null,
  line: string,
) {
  const index = failures.findIndex((f) =>
    f.times > 0 && (f.route === undefined || f.route === template) &&
    (f.path === undefined || f.path.test(line))
  );
  const rule = failures[index];
  if (!rule) return undefined;
  rule.times -= 1;
  if (rule.times <= 0) failures.splice(index, 1);
  return rule;
}

function injectedRouteHeaders(
  now: number,
  retryAfterMs: number,
): Record<string, string> {
  return routeLimitHeaders({
    allowed: false,
    limit: 1,
    remaining: 0,
    resetAt: now + retryAfterMs,
    resetAfterMs: retryAfterMs,
  }, "fake-injected-429");
}

/**
 * Builds the `Deno.serve` handler of the fake REST API: routing under `/api/v10`, JSON and
 * multipart bodies, `Bot` authorization, injected failures, the global and per-channel limits
 * with their headers, and a record of every request with the status it got.
 */
export function createRestHandler(
  deps: RestServerDeps,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const url = new URL(req.url);
    const path = url.pathname.startsWith(API_PREFIX + "/")
      ? url.pathname.slice(API_PREFIX.length)
      : null;
    const found = path === null
      ? null
      : findRoute(deps.routes, req.method, path);
    const match = typeof found === "object" ? found : null;
    const template = match ? `${req.method} ${match.route.path}` : null;
    const authorized = req.headers.get("authorization") === `Bot ${deps.token}`;
    const parsed = await readBody(req);
    let headers: Record<string, string> = {};
    let injected = false;

    let behaviour: FailureRule | undefined;
    const answer = async (): Promise<RestReply> => {
      if (found === "method") return fail(Errors.methodNotAllowed);
      if (!match) return fail(Errors.notFound);
      if (match.route.auth === "bot" && !authorized) {
        return fail(Errors.unauthorized);
      }
      if (!parsed) return fail(Errors.invalidJson);
      const failure = takeFailure(
        deps.failures,
        template,
        `${req.method} ${path}`,
      );
      if (failure && failure.status === undefined) {
        behaviour = failure;
        if (failure.hold) {
          await Promise.race([failure.hold, aborted(req.signal)]);
          if (req.signal.aborted) return { status: 499 }; // the client gave up: nothing happens
        }
      } else if (failure) {
        injected = true;
        if (failure.status === 429) {
          const retryAfterMs = failure.retryAfterMs ?? 1000;
          const scope = failure.scope ?? "user";
          const limited = tooManyRequests(retryAfterMs, scope);
          // Like Discord, a route-scoped 429 also carries the route's X-RateLimit-* headers.
          headers = scope === "global" ? limited.headers : {
            ...injectedRouteHeaders(deps.world.clock.now(), retryAfterMs),
            ...limited.headers,
          };
          return { status: 429, body: limited.body };
        }
        return {
          status: failure.status ?? 500,
          body: failure.body ??
            { message: `${failure.status}: Injected failure`, code: 0 },
        };
      }
      if (match.route.auth === "bot") {
        const global = deps.globalLimiter.take("bot");
        if (!global.allowed) {
          const limited = tooManyRequests(global.resetAfterMs, "global");
          headers = limited.headers;
          return { status: 429, body: limited.body };
        }
      }
      const bucket = match.route.bucket
        ? match.route.bucket(match.params, deps.world)
        : match.route.messageBucket
        ? `messages:${match.params.channel}`
        : null;
      if (bucket !== null) {
        const take: WindowTake = deps.messageLimiter.take(bucket);
        headers = routeLimitHeaders(take, MESSAGE_BUCKET_ID);
        if (!take.allowed) {
          const limited = tooManyRequests(take.resetAfterMs, "user");
          headers = { ...headers, ...limited.headers };
          return { status: 429, body: limited.body };
        }
      }
      return match.route.handle({
        world: deps.world,
        params: match.params,
        query: url.searchParams,
        body: behaviour?.ignoreAllowedMentions && isRecord(parsed.body)
          ? { ...parsed.body, allowed_mentions: undefined }
          : parsed.body,
        attachments: parsed.attachments,
        events: deps.events,
        settings: deps.settings,
      });
    };

    const reply = await answer();
    if (behaviour?.mangle && reply.status < 300) {
      reply.body = behaviour.mangle(reply.body);
    }
    if (behaviour?.noRateLimitHeaders) headers = {};
    const body = reply.body;
    deps.record({
      time: deps.world.clock.now(),
      method: req.method,
      path: path ?? url.pathname,
      route: template,
      channelId: match?.params.channel ?? null,
      body: parsed?.body,
      status: reply.status,
      errorCode:
        reply.status >= 400 && isRecord(body) && typeof body.code === "number"
          ? body.code
          : null,
      authorized,
      injected,
    });
    if (behaviour?.drop) return droppedConnection();
    if (behaviour?.rawBody !== undefined && reply.status < 300) {
      return new Response(behaviour.rawBody, {
        status: reply.status,
        headers: { ...headers, "content-type": "application/json" },
      });
    }
    return respond(reply, headers);
  };
}

/** Resolves when the client gives up on its request. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** A response whose connection breaks before any byte of the body: the client sees a network error. */
function droppedConnection(): Response {
  return new Response(
    new ReadableStream({
      start(controller) {
        controller.error(new Error("connection dropped by the fake"));
      },
    }),
    { status: 200 },
  );
}
