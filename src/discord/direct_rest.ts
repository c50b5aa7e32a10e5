/**
 * The request path of the messages a reply writes (send, edit, delete,
 * typing): `fetch` with the body already in Discord's JSON shape and
 * headers built once, instead of Discordeno's request pipeline (its queue
 * objects, case conversions, per-request timers and three URL
 * simplifications per request cost about a tenth of the bot's CPU).
 * Discordeno's rate-limit semantics are kept, and its state is shared
 * (`SharedLimits`, the REST manager itself), so both paths see one view:
 *
 * - **Route limits**: an answer with `X-RateLimit-Remaining: 0` holds the
 *   route (and its bucket) until `X-RateLimit-Reset-After` has passed; a
 *   request on a held route waits.
 * - **Global limit**: a 429 with `X-RateLimit-Global` holds every request,
 *   Discordeno's too, for its `Retry-After`.
 * - **429**: waited out (reset-after, else the body's `retry_after`) and
 *   sent again; a 429 of the `shared` scope is not counted as invalid.
 * - **Invalid requests** (401, 403, 429) count against Discordeno's
 *   invalid-request bucket (10,000 per 10 minutes).
 * - **One deadline** (`timeout_ms`) per HTTP exchange, answer body included
 *   (`deadline_slots.ts`, no timer per request): its `fetch` is aborted and
 *   the call fails with kind `timeout`. Waiting for limits may use up to
 *   another `timeout_ms`; a call that would have to wait longer fails at
 *   once as `rate_limited` (with `retry_after_s`).
 * - **At most `max_in_flight` exchanges at once** (`in_flight_limit.ts`),
 *   so the HTTP client keeps few connections open.
 *
 * Through the REST proxy (`DISCORD_REST_URL`) requests carry the proxy's
 * secret and no local limits apply: the proxy keeps them for every process.
 * Failures reject with `cause: { status, body }` (no answer: status 999 and
 * `error`), as Discordeno's do, and are logged.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type { ThrottleTimers } from "./channel_throttle.ts";
import { DiscordRequestError } from "./discord_port.ts";
import { discordReason } from "./rest_guard.ts";
import { DeadlineSlots } from "./deadline_slots.ts";
import { InFlightLimit } from "./in_flight_limit.ts";

/** The parts of Discordeno's REST manager whose rate-limit state is shared. */
export interface SharedLimits {
  /** Milliseconds `url` (or everything, globally) is held, or false. */
  checkRateLimits(url: string, identifier: string): number | false;
  /** Records what an answer's headers say about `url` and the global limit. */
  processHeaders(url: string, headers: Headers, identifier?: string): unknown;
  invalidBucket: {
    waitUntilRequestAvailable(): Promise<void>;
    handleCompletedRequest(status: number, shared: boolean): void;
  };
}

/** Where and how requests go. */
export interface DirectRestOptions {
  /** Discord's API base up to `/api`, or the REST proxy's origin. */
  base_url: string;
  /** The `authorization` header: `Bot TOKEN`, or the proxy's secret. */
  authorization: string;
  /** The user agent Discord asks bots to send. */
  user_agent: string;
  /** The key prefix of Discordeno's rate-limit state (`Bot TOKEN`). */
  identifier: string;
  /** The shared limits; absent through the REST proxy (it keeps them). */
  limits?: SharedLimits | undefined;
  timeout_ms: number;
  timers: ThrottleTimers;
  logger: Logger;
  /** Told of every answer (metrics); status 0: no answer. */
  observe?: ((method: string, status: number) => void) | undefined;
  /** Exchanges running at once at most (default 64). */
  max_in_flight?: number;
  /** Stands in for the global `fetch` (tests). */
  fetch?: typeof fetch;
}

/** One answer: its status and body text ("" for none). */
export interface RestAnswer {
  status: number;
  body: string;
}

const REMAINING = "x-ratelimit-remaining";
const RESET_AFTER = "x-ratelimit-reset-after";
const GLOBAL = "x-ratelimit-global";
const SCOPE = "x-ratelimit-scope";

/** Requests with Discordeno's rate-limit semantics; see the module doc. */
export class DirectRest {
  readonly #o: DirectRestOptions;
  readonly #prefix: string;
  readonly #plain: Record<string, string>;
  readonly #json: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #deadlines: DeadlineSlots;
  readonly #inFlight: InFlightLimit;

  constructor(options: DirectRestOptions) {
    this.#o = options;
    this.#prefix = `${options.base_url.replace(/\/+$/, "")}/v10`;
    this.#plain = {
      authorization: options.authorization,
      "user-agent": options.user_agent,
    };
    this.#json = { ...this.#plain, "content-type": "application/json" };
    this.#fetch = options.fetch ?? fetch;
    this.#deadlines = new DeadlineSlots(options.timeout_ms, options.timers);
    this.#inFlight = new InFlightLimit(options.max_in_flight ?? 64);
  }

  /** Stops the deadline timers (at shutdown). */
  close(): void {
    this.#deadlines.close();
  }

  /**
   * Sends `method route` (e.g. `POST /channels/1/messages`) with a JSON
   * `body`; `key` names its rate-limit route. Resolves with a 2xx answer.
   */
  async request(
    method: string,
    route: string,
    key: string,
    body?: string,
  ): Promise<RestAnswer> {
    const { limits, identifier, timers } = this.#o;
    const started = timers.now();
    for (;;) {
      if (limits !== undefined) {
        const held = limits.checkRateLimits(key, identifier);
        if (held) {
          await this.#wait(method, route, started, held);
          continue;
        }
        await limits.invalidBucket.waitUntilRequestAvailable();
      }
      const answer = await this.#exchange(method, route, body);
      const { status, headers } = answer;
      if (limits !== undefined) {
        limits.invalidBucket.handleCompletedRequest(
          status,
          status === 429 && headers.get(SCOPE) === "shared",
        );
        if (
          status === 429 || headers.get(REMAINING) === "0" ||
          headers.has(GLOBAL)
        ) limits.processHeaders(key, headers, identifier);
      }
      this.#o.observe?.(method, status);
      if (status === 429 && limits !== undefined) {
        await this.#wait(method, route, started, retryAfterMs(answer));
        continue;
      }
      if (status >= 200 && status < 300) return answer;
      this.#o.logger.warn(
        "Discord request failed: {method} {route} → {status} {reason}",
        { method, route, status, reason: discordReason(answer) },
      );
      throw Object.assign(new Error("Failed to send request to discord."), {
        cause: { ok: false, status, body: answer.body },
      });
    }
  }

  /** Waits `ms` for a limit, or fails as rate limited when that is past the call's budget. */
  async #wait(
    method: string,
    route: string,
    started: number,
    ms: number,
  ): Promise<void> {
    const { timers, timeout_ms } = this.#o;
    if (timers.now() + ms - started > timeout_ms) {
      throw new DiscordRequestError(
        `Discord's rate limit holds ${method} ${route} for ${
          Math.ceil(ms)
        } ms more`,
        "rate_limited",
        { retry_after_s: ms / 1000 },
      );
    }
    await new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
  }

  /** One HTTP exchange within the deadline, answer body read. */
  async #exchange(
    method: string,
    route: string,
    body: string | undefined,
  ): Promise<RestAnswer & { headers: Headers }> {
    const { timeout_ms, limits } = this.#o;
    const waiting = this.#inFlight.acquire();
    if (waiting !== undefined) await waiting;
    const signal = this.#deadlines.signal();
    try {
      const response = await this.#fetch(`${this.#prefix}${route}`, {
        method,
        headers: body === undefined ? this.#plain : this.#json,
        body: body ?? null,
        signal,
      });
      return {
        status: response.status,
        headers: response.headers,
        body: response.status === 204 ? "" : await response.text(),
      };
    } catch (error) {
      limits?.invalidBucket.handleCompletedRequest(999, false);
      this.#o.observe?.(method, 0);
      const why = signal.aborted
        ? `no answer within ${timeout_ms} ms`
        : `the connection failed: ${
          error instanceof Error ? error.message : String(error)
        }`;
      this.#o.logger.warn(
        "Discord request failed: {method} {route} → no answer {reason}",
        { method, route, reason: why },
      );
      if (signal.aborted) {
        throw new DiscordRequestError(
          `Discord did not answer ${method} ${route} within ${timeout_ms} ms`,
          "timeout",
        );
      }
      throw Object.assign(new Error("Failed to send request to discord."), {
        cause: { ok: false, status: 999, error: why },
      });
    } finally {
      this.#inFlight.release();
    }
  }
}

/** How long a 429 asks to wait: reset-after, else the body's retry_after (at least 50 ms). */
function retryAfterMs(answer: RestAnswer & { headers: Headers }): number {
  const header = Number(answer.headers.get(RESET_AFTER) ?? NaN);
  if (Number.isFinite(header)) return Math.max(50, header * 1000);
  try {
    const seconds = Number(JSON.parse(answer.body)?.retry_after);
    if (Number.isFinite(seconds)) return Math.max(50, seconds * 1000);
  } catch {
    // not JSON
  }
  const retry = Number(answer.headers.get("retry-after") ?? NaN);
  return Number.isFinite(retry) ? Math.max(50, retry * 1000) : 1_000;
}
