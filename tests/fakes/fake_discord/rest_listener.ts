import type { FakeClock } from "./clock.ts";
import { FixedWindowLimiter, type WindowLimit } from "./rate_limits.ts";
import { applicationRoutes } from "./rest_application.ts";
import { interactionRoutes } from "./rest_interactions.ts";
import { memberRoutes } from "./rest_members.ts";
import { messageRoutes } from "./rest_messages.ts";
import { threadRoutes } from "./rest_threads.ts";
import { webhookRoutes } from "./rest_webhooks.ts";
import { createRestHandler, type RestServerDeps } from "./rest_server.ts";

/** Every REST route of the fake, literal paths (`@original`) before parameterised ones. */
export const ALL_ROUTES = [
  ...messageRoutes,
  ...threadRoutes,
  // Literal `@original` paths first: they are interaction routes only.
  ...interactionRoutes.filter((r) => r.path.includes("@original")),
  ...webhookRoutes((method, path) => {
    const route = interactionRoutes.find((r) =>
      r.method === method && r.path === path
    );
    return route ? route.handle : () => ({ status: 404 });
  }),
  ...interactionRoutes,
  ...applicationRoutes,
  ...memberRoutes,
];

/** What `serveRest` needs besides the routes and limiters it builds itself. */
export type RestListenerOptions =
  & Omit<RestServerDeps, "routes" | "messageLimiter" | "globalLimiter">
  & {
    hostname: string;
    clock: FakeClock;
    /** Default 5 per 5000 ms per channel. */
    messageRateLimit?: WindowLimit | undefined;
    /** Default 50 per 1000 ms. */
    globalRateLimit?: WindowLimit | undefined;
    /** Answers a request outside the API first (the CDN), or returns null. */
    intercept?: (req: Request) => Response | null;
  };

/** Starts the fake REST API on a free port of `hostname`, with Discord's default limits. */
export function serveRest(
  options: RestListenerOptions,
): Deno.HttpServer<Deno.NetAddr> {
  const {
    hostname,
    clock,
    messageRateLimit,
    globalRateLimit,
    intercept,
    ...deps
  } = options;
  const handler = createRestHandler({
    ...deps,
    routes: ALL_ROUTES,
    messageLimiter: new FixedWindowLimiter(
      clock,
      messageRateLimit ?? { limit: 5, windowMs: 5000 },
    ),
    globalLimiter: new FixedWindowLimiter(
      clock,
      globalRateLimit ?? { limit: 50, windowMs: 1000 },
    ),
  });
  return Deno.serve(
    { hostname, port: 0, onListen: () => {} },
    (req) => intercept?.(req) ?? handler(req),
  );
}
