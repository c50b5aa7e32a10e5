/**
 * Random server-sent-events-ish text for the LLM stream fuzz tests: real
 * SSE fields and chat-completion chunks mixed with garbage, line endings of
 * every kind, `<think>` tags, error lines and random unicode.
 *
 * @module
 */

import { chance, hostileString, int, pick } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";

/** A chat-completion chunk, valid or subtly wrong. */
export function chunkJson(random: Random): string {
  const content = pick(random, [
    "Hi",
    "",
    "<think>",
    "</think>",
    "<thi",
    "nk>",
    "@everyone",
    hostileString(random, int(random, 1, 10)),
  ]);
  return pick(random, [
    JSON.stringify({ choices: [{ index: 0, delta: { content } }] }),
    JSON.stringify({ choices: [{ delta: { reasoning_content: content } }] }),
    JSON.stringify({
      choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    }),
    JSON.stringify({ choices: [], usage: { prompt_tokens: 3 } }),
    JSON.stringify({ choices: [{ delta: { content: null } }] }),
    JSON.stringify({ choices: "nope" }),
    JSON.stringify({ error: { message: "model overloaded", code: 503 } }),
    JSON.stringify({ object: "error", message: "bad", code: 400 }),
    JSON.stringify({ choices: [{ delta: { content: 42 } }] }),
    JSON.stringify([1, 2, 3]),
    "null",
    "{",
    '{"choices":[{"delta":{"content":"cut',
    "[DONE]",
  ]);
}

/** One random SSE-ish piece of text. */
export function ssePiece(random: Random): string {
  switch (int(random, 0, 9)) {
    case 0:
    case 1:
    case 2:
      return `data: ${chunkJson(random)}`;
    case 3:
      return pick(random, ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\r\r"]);
    case 4:
      return pick(random, [
        ": keep-alive",
        "event: error",
        "event: message",
        "id: 7",
        "retry: 1000",
        "data:",
        "data",
        'error: {"message":"boom"}',
        "error: not json",
        "data: [DONE]",
      ]);
    case 5:
      return pick(random, ["<html>", "HTTP/1.1 200 OK", "\u0000", "\ufeff"]);
    default:
      return hostileString(random, int(random, 1, 20));
  }
}

/** SSE-ish text of about `pieces` pieces, newline-separated more often than not. */
export function sseText(random: Random, pieces: number): string {
  let out = "";
  for (let i = 0; i < pieces; i++) {
    out += ssePiece(random);
    if (chance(random, 0.6)) out += pick(random, ["\n", "\n\n", "\r\n"]);
  }
  return out;
}
