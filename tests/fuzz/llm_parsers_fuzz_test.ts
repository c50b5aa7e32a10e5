import assert from "node:assert/strict";
import {
  parseCompletion,
  parseStreamChunk,
} from "../../src/llm/chunk_parser.ts";
import type { ParsedPayload } from "../../src/llm/chunk_parser.ts";
import { SseParser } from "../../src/llm/sse_parser.ts";
import { readSse } from "../../src/llm/sse_reader.ts";
import type { SseEvent, SseOddLine } from "../../src/llm/sse_parser.ts";
import { splitThinking, ThinkSplitter } from "../../src/llm/think_splitter.ts";
import {
  chance,
  fuzzCases,
  hostileString,
  int,
  pick,
  randomBytes,
  randomPieces,
} from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";
import { chunkJson, sseText } from "./stream_garbage.ts";

type Item = SseEvent | SseOddLine;

function parseWhole(text: string): Item[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

function checkItems(items: readonly Item[]): void {
  for (const item of items) {
    if (item.kind === "event") {
      assert.equal(typeof item.type, "string");
      assert.equal(typeof item.data, "string");
      assert.ok(!/[\r\n]/.test(item.type), "a line break in an event type");
    } else {
      assert.equal(item.kind, "odd_line");
      assert.ok(item.line !== "", "an empty odd line");
      assert.ok(!/[\r\n]/.test(item.line), "a line break in an odd line");
    }
  }
}

/** Cuts bytes into reads of random sizes, zero-length reads included. */
function byteStream(
  random: Random,
  bytes: Uint8Array,
): ReadableStream<Uint8Array> {
  const reads: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = chance(random, 0.05) ? 0 : int(random, 1, 9);
    reads.push(bytes.slice(at, at + size));
    at += size;
  }
  // Half are byte streams (what fetch gives, read with a reused buffer).
  if (chance(random, 0.5)) {
    return new ReadableStream({
      type: "bytes",
      pull(controller) {
        let next = reads.shift();
        while (next !== undefined && next.length === 0) next = reads.shift();
        if (next !== undefined) return controller.enqueue(next);
        controller.close();
        controller.byobRequest?.respond(0);
      },
    });
  }
  return new ReadableStream({
    pull(controller) {
      const next = reads.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

Deno.test("SseParser gives the same events however 3,000 SSE-ish texts are cut into pieces", async () => {
  await fuzzCases({ seed: 51_000, iterations: 3_000 }, (random) => {
    const text = sseText(random, int(random, 1, 30));
    const whole = parseWhole(text);
    checkItems(whole);
    const parser = new SseParser();
    const pieces = randomPieces(random, text);
    const cut = [
      ...pieces.flatMap((piece) => parser.push(piece)),
      ...parser.end(),
    ];
    assert.deepEqual(
      cut,
      whole,
      `different events when ${JSON.stringify(text)} is cut as ${
        JSON.stringify(pieces)
      }`,
    );
  });
});

Deno.test("readSse() reads 1,000 random byte streams, cut anywhere, like the whole text", async () => {
  await fuzzCases({ seed: 52_000, iterations: 1_000 }, async (random) => {
    const bytes = chance(random, 0.5)
      ? randomBytes(random, int(random, 0, 300))
      : new TextEncoder().encode(sseText(random, int(random, 1, 20)));
    const expected = parseWhole(new TextDecoder().decode(bytes));
    let reads = 0;
    const items: Item[] = [];
    for await (
      const item of readSse(byteStream(random, bytes), () => reads++)
    ) {
      items.push(item);
    }
    checkItems(items);
    assert.deepEqual(
      items,
      expected,
      `bytes ${JSON.stringify([...bytes])} read differently`,
    );
  });
});

function checkParsed(parsed: ParsedPayload): void {
  if (parsed.kind === "invalid") {
    assert.ok(parsed.reason.trim() !== "");
    return;
  }
  if (parsed.kind === "error") return;
  assert.equal(parsed.kind, "piece");
  const { content, reasoning, finish_reason, usage, model } = parsed.piece;
  assert.equal(typeof content, "string");
  assert.equal(typeof reasoning, "string");
  assert.ok(finish_reason === null || typeof finish_reason === "string");
  assert.ok(model === null || typeof model === "string");
  if (usage !== null) {
    assert.equal(typeof usage.prompt_tokens, "number");
    assert.equal(typeof usage.completion_tokens, "number");
  }
}

/** A JSON value of random shape, sometimes close to a completion chunk. */
function randomJson(random: Random, depth = 0): unknown {
  if (depth === 0 && chance(random, 0.4)) {
    try {
      return JSON.parse(chunkJson(random));
    } catch {
      return null;
    }
  }
  switch (int(random, 0, 7)) {
    case 0:
      return null;
    case 1:
      return pick(random, [0, -1, 1e308, 0.5, true, false]);
    case 2:
      return hostileString(random, int(random, 0, 8));
    case 3:
      return depth > 3
        ? []
        : [randomJson(random, depth + 1), randomJson(random, depth + 1)];
    default: {
      if (depth > 3) return {};
      const keys = [
        "choices",
        "delta",
        "message",
        "content",
        "usage",
        "error",
        "object",
        "index",
        "finish_reason",
        "reasoning_content",
        "reasoning",
        "prompt_tokens",
        "completion_tokens",
        "model",
        "__proto__",
      ];
      const out: Record<string, unknown> = {};
      for (let i = int(random, 0, 4); i > 0; i--) {
        out[pick(random, keys)] = randomJson(random, depth + 1);
      }
      return out;
    }
  }
}

Deno.test("parseStreamChunk() and parseCompletion() read 5,000 random JSON values without throwing", async () => {
  await fuzzCases({ seed: 53_000, iterations: 5_000 }, (random) => {
    const value = randomJson(random);
    checkParsed(parseStreamChunk(value));
    checkParsed(parseCompletion(value));
  });
});

Deno.test("ThinkSplitter splits 3,000 texts with tag fragments the same however they are streamed", async () => {
  const fragments = [
    "<think>",
    "</think>",
    "<thinking>",
    "</thinking>",
    "<",
    "</",
    "<th",
    "think>",
    "\n",
    " ",
    "answer",
    "🧠",
    "\u200b",
  ];
  await fuzzCases({ seed: 54_000, iterations: 3_000 }, (random) => {
    let text = "";
    for (let i = int(random, 0, 25); i > 0; i--) {
      text += chance(random, 0.6)
        ? pick(random, fragments)
        : hostileString(random, int(random, 1, 6));
    }
    const whole = splitThinking(text);
    const splitter = new ThinkSplitter();
    let visible = "";
    let reasoning = "";
    for (const piece of [...randomPieces(random, text)]) {
      const out = splitter.push(piece);
      visible += out.text;
      reasoning += out.reasoning;
    }
    const last = splitter.end();
    visible += last.text;
    reasoning += last.reasoning;
    const where = `for ${JSON.stringify(text)}`;
    assert.deepEqual({ text: visible, reasoning }, whole, where);
    assert.ok(visible.length + reasoning.length <= text.length, where);
  });
});

Deno.test("SseParser keeps a CRLF together when an empty piece comes between CR and LF", () => {
  const parser = new SseParser();
  const items = [
    ...parser.push("data: a\r"),
    ...parser.push(""),
    ...parser.push("\ndata: b\n\n"),
    ...parser.end(),
  ];
  assert.deepEqual(items, parseWhole("data: a\r\ndata: b\n\n"));
});

Deno.test("readSse() keeps a U+FEFF that starts a later read", async () => {
  const bytes = new TextEncoder().encode("data: a\ufeffb\n\n");
  const cut = bytes.indexOf(0xef);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, cut));
      controller.enqueue(bytes.slice(cut));
      controller.close();
    },
  });
  const items: Item[] = [];
  for await (const item of readSse(body)) items.push(item);
  assert.deepEqual(items, [{
    kind: "event",
    type: "message",
    data: "a\ufeffb",
  }]);
});
