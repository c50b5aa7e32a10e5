/**
 * The playground's HTTP server (`Deno.serve` on 127.0.0.1): the page, its
 * script and style, the config view, a line → server-sent events endpoint
 * that runs one turn, and an event stream for config and status changes.
 * Every request needs the access token; every JSON it sends passes the
 * secret redactor.
 *
 * @module
 */

import {
  isAllowed,
  isCrossOrigin,
  newAccessToken,
  TOKEN_COOKIE,
} from "./access_token.ts";
import type { ConfigStatusBoard } from "./config_status.ts";
import { configView } from "./config_view.ts";
import { playgroundHistory } from "./playground_history.ts";
import { PLAYGROUND_BOT_ID, runPlaygroundLine } from "./playground_turn.ts";
import type { PlaygroundLine, PlaygroundServices } from "./playground_turn.ts";
import { openEventStream } from "./sse.ts";
import type { EventStream } from "./sse.ts";
import { StatusSampler } from "./status_sampler.ts";
import type { StatusSource } from "./status_sampler.ts";
import { loadHighlighter } from "./code_highlight.ts";
import { loadPageFiles } from "./page_files.ts";

/** What the server needs. */
export interface PlaygroundServerOptions {
  services: PlaygroundServices;
  config_status: ConfigStatusBoard;
  /** Replaces secrets in any text sent to the page. */
  redact: (text: string) => string;
  /** 0 picks a free port. */
  port: number;
  /** Default: a new random token. */
  token?: string;
  /** Gateway, endpoints and metrics (only `deno task start` has them). */
  status?: StatusSource;
  status_interval_ms?: number;
  now?: () => number;
  /** The bot's user id (default: the playground's own, "0"). */
  bot_user_id?: () => string;
  /** Where the page's files are (default: `page/` beside the code). */
  page_dir?: URL;
}

/** A running playground. */
export interface PlaygroundServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Longest `POST /api/line` body accepted. */
const MAX_LINE_BYTES = 64 * 1024;

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};

/** Starts the server (listening when this returns). */
export function startPlaygroundServer(
  options: PlaygroundServerOptions,
): PlaygroundServer {
  const token = options.token ?? newAccessToken();
  const now = options.now ?? Date.now;
  // Every open stream (closed at shutdown); the page's event streams get the broadcasts.
  const streams = new Set<EventStream>();
  const listeners = new Set<EventStream>();
  const sampler = options.status
    ? new StatusSampler(options.status, now)
    : null;
  let lastStatus: unknown = null;
  const json = (data: unknown, status = 200) =>
    new Response(options.redact(JSON.stringify(data)), {
      status,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        ...SECURITY_HEADERS,
      },
    });
  const open = (listening: boolean) => {
    const stream = openEventStream(options.redact);
    streams.add(stream);
    if (listening) listeners.add(stream);
    stream.closed.then(() => {
      streams.delete(stream);
      listeners.delete(stream);
    });
    return stream;
  };
  const broadcast = (event: string, data: unknown) => {
    for (const stream of listeners) stream.send(event, data);
  };
  const unsubscribe = options.config_status.subscribe((state) =>
    broadcast("config", {
      state,
      view: configView(options.services.config()),
    })
  );
  const statusTimer = sampler === null ? undefined : setInterval(async () => {
    try {
      lastStatus = await sampler.sample();
      broadcast("status", lastStatus);
    } catch {
      // a failing source leaves the last report on the page
    }
  }, options.status_interval_ms ?? 2_000);
  const keepAlive = setInterval(() => broadcast("ping", {}), 15_000);

  // Rendered pages highlight code: answer once highlight.js is loaded.
  const highlighter = loadHighlighter();
  // The page as it was at start: a rebuild meanwhile does not change it.
  const page = loadPageFiles(options.page_dir);
  const handler = async (request: Request): Promise<Response> => {
    await highlighter;
    const url = new URL(request.url);
    if (!isAllowed(request, url, token)) {
      return new Response(
        "401 Unauthorized: open the playground URL printed in the terminal (it carries the access token).\n",
        { status: 401, headers: { "content-type": "text/plain" } },
      );
    }
    if (request.method !== "GET" && isCrossOrigin(request, url)) {
      return new Response(
        "403 Forbidden: requests from other pages are refused.\n",
        {
          status: 403,
          headers: { "content-type": "text/plain" },
        },
      );
    }
    const file = (await page).get(url.pathname);
    if (request.method === "GET" && file !== undefined) {
      if ("error" in file) {
        return new Response(`500 ${file.error}\n`, {
          status: 500,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      }
      const headers: Record<string, string> = {
        "content-type": file.type,
        "cache-control": "no-store",
        ...SECURITY_HEADERS,
      };
      if (url.searchParams.has("token")) {
        headers["set-cookie"] =
          `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      return new Response(file.body, { headers });
    }
    if (request.method === "GET" && url.pathname === "/api/state") {
      return json({
        config: options.config_status.current(),
        view: configView(options.services.config()),
        status: lastStatus,
        has_status: sampler !== null,
      });
    }
    if (request.method === "GET" && url.pathname === "/api/history") {
      const place = url.searchParams.get("place") ?? "";
      const limit = Number(url.searchParams.get("limit") ?? "50");
      return json(
        await playgroundHistory(options.services, {
          place: place === "dm" ? "dm" : Number(place),
          user_id: url.searchParams.get("user_id") || "playground-user",
        }, Number.isInteger(limit) ? Math.min(Math.max(limit, 0), 200) : 50),
      );
    }
    if (request.method === "GET" && url.pathname === "/api/events") {
      const stream = open(true);
      stream.send("config", {
        state: options.config_status.current(),
        view: configView(options.services.config()),
      });
      if (lastStatus !== null) stream.send("status", lastStatus);
      return stream.response;
    }
    if (request.method === "POST" && url.pathname === "/api/line") {
      let line: PlaygroundLine;
      try {
        const text = await request.text();
        if (text.length > MAX_LINE_BYTES) {
          throw new RangeError(
            `the request is ${text.length} characters; at most ${MAX_LINE_BYTES}`,
          );
        }
        line = parseLine(JSON.parse(text));
      } catch (error) {
        return json({
          error: error instanceof Error ? error.message : String(error),
        }, 400);
      }
      const stream = open(false);
      runPlaygroundLine(
        options.services,
        line,
        stream.send,
        options.bot_user_id?.() ?? PLAYGROUND_BOT_ID,
      )
        .catch((error) =>
          stream.send("notice", {
            text: `⚠️ ${error instanceof Error ? error.message : error}`,
          })
        )
        .finally(() => stream.close());
      return stream.response;
    }
    return new Response("404 Not Found\n", { status: 404 });
  };

  let listening: Deno.NetAddr | null = null;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port,
    onListen: (address) => listening = address,
  }, handler);
  const port = listening === null
    ? (server.addr as Deno.NetAddr).port
    : (listening as Deno.NetAddr).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    async close() {
      unsubscribe();
      clearInterval(statusTimer);
      clearInterval(keepAlive);
      for (const stream of streams) stream.close();
      await server.shutdown();
    },
  };
}

/** Checks the JSON body of `POST /api/line`. */
export function parseLine(body: unknown): PlaygroundLine {
  const value = body as Partial<Record<keyof PlaygroundLine, unknown>>;
  const text = typeof value?.text === "string" ? value.text : "";
  if (text.trim() === "") throw new Error("text: type something to send");
  const place = value.place === "dm"
    ? "dm"
    : typeof value.place === "number" && Number.isInteger(value.place)
    ? value.place
    : null;
  if (place === null) throw new Error('place: "dm" or a binding index');
  const user_id = typeof value.user_id === "string" && value.user_id !== ""
    ? value.user_id
    : "playground-user";
  return {
    place,
    user_id,
    user_name: typeof value.user_name === "string" && value.user_name !== ""
      ? value.user_name
      : "you",
    admin: value.admin === true,
    text: text.slice(0, 8000),
    reply_to: typeof value.reply_to === "string" ? value.reply_to : "",
  };
}
