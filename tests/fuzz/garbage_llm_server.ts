/**
 * A tiny OpenAI-compatible server on loopback that answers
 * `POST /v1/chat/completions` with seeded garbage: random statuses and
 * content types, random bytes, SSE-ish noise, valid streams with garbage
 * in them or cut short, delivered in random pieces with small delays, a
 * stall (silence until the client gives up) or a dropped connection. The
 * `x-fuzz-case` request header picks the seed; each retry of a case gets
 * the next answer of that case.
 *
 * @module
 */

import { chance, int, mulberry32, pick, randomBytes } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";
import { chunkJson, sseText } from "./stream_garbage.ts";

/** A running garbage server. */
export interface GarbageLlmServer extends AsyncDisposable {
  /** The base URL, ending in `/v1`. */
  url: string;
}

function validStream(random: Random): string {
  let out = "";
  for (let i = int(random, 1, 6); i > 0; i--) {
    const content = pick(random, [
      "Hel",
      "lo",
      " <think>hm</think>",
      "!",
      "@everyone",
    ]);
    out += `data: ${
      JSON.stringify({ choices: [{ index: 0, delta: { content } }] })
    }\n\n`;
    if (chance(random, 0.1)) out += `data: ${chunkJson(random)}\n\n`;
  }
  if (chance(random, 0.8)) {
    out += `data: ${
      JSON.stringify({
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      })
    }\n\n`;
  }
  if (chance(random, 0.8)) out += "data: [DONE]\n\n";
  return out;
}

function body(random: Random): Uint8Array {
  const text = (value: string) => new TextEncoder().encode(value);
  switch (int(random, 0, 6)) {
    case 0:
      return randomBytes(random, int(random, 0, 400));
    case 1:
      return text(sseText(random, int(random, 1, 25)));
    case 2:
    case 3:
      return text(validStream(random));
    case 4:
      return text(JSON.stringify({
        choices: [{
          index: 0,
          message: { content: "whole answer" },
          finish_reason: "stop",
        }],
      }));
    case 5:
      return text(chunkJson(random));
    default:
      return new Uint8Array(0);
  }
}

/** What the server must stop at shutdown: timers, and every open answer. */
interface Pending {
  timers: Set<ReturnType<typeof setTimeout>>;
  answers: Set<() => void>;
}

/** Sends `bytes` in random pieces with small delays; may stall or drop the connection. */
function delivery(random: Random, bytes: Uint8Array, pending: Pending) {
  const { timers } = pending;
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = int(random, 1, 64);
    pieces.push(bytes.slice(at, at + size));
    at += size;
  }
  const stallAt = chance(random, 0.1) ? int(random, 0, pieces.length) : -1;
  const dropAt = chance(random, 0.08) ? int(random, 0, pieces.length) : -1;
  let index = 0;
  let cancelled = false;
  let wake: (() => void) | undefined;
  const wait = (ms: number | null) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      if (ms === null) return; // a stall: only cancel() wakes it
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
      wake = () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      };
    });
  let end: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      end = () => {
        cancelled = true;
        wake?.();
        controller.error(new Error("the fuzz server is shutting down"));
      };
      pending.answers.add(end);
    },
    async pull(controller) {
      if (index === stallAt) await wait(null);
      if (cancelled) return;
      if (index === dropAt) {
        controller.error(new Error("connection dropped on purpose"));
        return;
      }
      const piece = pieces[index++];
      if (piece === undefined) {
        if (end !== undefined) pending.answers.delete(end);
        controller.close();
        return;
      }
      await wait(chance(random, 0.5) ? 0 : int(random, 1, 15));
      if (!cancelled) controller.enqueue(piece);
    },
    cancel() {
      cancelled = true;
      wake?.();
      if (end !== undefined) pending.answers.delete(end);
    },
  });
}

function answer(random: Random, pending: Pending): Response {
  const status = chance(random, 0.7)
    ? 200
    : pick(random, [400, 401, 403, 404, 408, 413, 429, 500, 501, 502, 503]);
  const headers = new Headers();
  const type = pick(random, [
    "text/event-stream",
    "text/event-stream; charset=utf-8",
    "application/json",
    "text/html",
    "",
  ]);
  if (type !== "") headers.set("content-type", type);
  if (chance(random, 0.3)) {
    headers.set(
      "retry-after",
      pick(random, ["0", "1", "abc", "99999", "Wed, 21 Oct 2015 07:28:00 GMT"]),
    );
  }
  return new Response(delivery(random, body(random), pending), {
    status,
    headers,
  });
}

/** Starts the server; dispose it to stop it and every timer it holds. */
export function startGarbageLlmServer(): GarbageLlmServer {
  const pending: Pending = { timers: new Set(), answers: new Set() };
  const attempts = new Map<string, number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    onError: () => new Response("fuzz server error", { status: 500 }),
  }, async (request) => {
    await request.body?.cancel();
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return new Response("not found", { status: 404 });
    }
    const id = request.headers.get("x-fuzz-case") ?? "0";
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    return answer(mulberry32(Number(id) * 31 + attempt), pending);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    async [Symbol.asyncDispose]() {
      // A stalled answer would keep shutdown() waiting: end them all first.
      for (const end of pending.answers) end();
      pending.answers.clear();
      for (const timer of pending.timers) clearTimeout(timer);
      pending.timers.clear();
      await server.shutdown();
    },
  };
}
