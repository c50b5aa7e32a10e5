import assert from "node:assert/strict";
import {
  type SseEvent,
  type SseOddLine,
  SseParser,
} from "../../src/llm/sse_parser.ts";
import { readSse } from "../../src/llm/sse_reader.ts";

function feed(pieces: string[]): Array<SseEvent | SseOddLine> {
  const parser = new SseParser();
  return [...pieces.flatMap((p) => parser.push(p)), ...parser.end()];
}

function data(...values: string[]): SseEvent[] {
  return values.map((value) => ({
    kind: "event",
    type: "message",
    data: value,
  }));
}

Deno.test("SseParser reads the same events however the text is split", async (t) => {
  const stream = 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';
  const cases: Array<[string, string[]]> = [
    ["in one piece", [stream]],
    ["one character at a time", [...stream]],
    ["split inside a field name", [
      "da",
      'ta: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n',
    ]],
    ["split between the two line feeds", [
      'data: {"a":1}\n',
      '\ndata: {"b":2}\n\ndata: [DONE]\n\n',
    ]],
  ];
  for (const [name, pieces] of cases) {
    await t.step(name, () => {
      assert.deepEqual(feed(pieces), data('{"a":1}', '{"b":2}', "[DONE]"));
    });
  }
});

Deno.test("SseParser accepts CRLF and lone CR line ends, also split between reads", async (t) => {
  const cases: Array<[string, string[]]> = [
    ["CRLF", ["data: x\r\n\r\ndata: y\r\n\r\n"]],
    ["CR", ["data: x\r\rdata: y\r\r"]],
    ["CR at the end of one read, LF at the start of the next", [
      "data: x\r",
      "\n\r",
      "\ndata: y\r\n\r\n",
    ]],
  ];
  for (const [name, pieces] of cases) {
    await t.step(name, () => {
      assert.deepEqual(feed(pieces), data("x", "y"));
    });
  }
});

Deno.test("SseParser skips comments and keeps ids and retry out of the data", () => {
  const events = feed([
    ": keep-alive\n\n:\nid: 7\nretry: 100\ndata: x\n\n: ping\n\n",
  ]);
  assert.deepEqual(events, data("x"));
});

Deno.test("SseParser joins multi-line data and keeps the event type", () => {
  const events = feed(["event: ping\ndata: a\ndata:b\n\n"]);
  assert.deepEqual(events, [{ kind: "event", type: "ping", data: "a\nb" }]);
});

Deno.test("SseParser turns llama.cpp's `error:` line into an error event", () => {
  const events = feed(['error: {"code":500,"message":"boom"}\n\n']);
  assert.deepEqual(events, [{
    kind: "event",
    type: "error",
    data: '{"code":500,"message":"boom"}',
  }]);
});

Deno.test("SseParser reports a line that is not SSE instead of dropping it silently", () => {
  const events = feed(["<html>oops</html>\ndata: x\n\n"]);
  assert.deepEqual(events, [
    { kind: "odd_line", line: "<html>oops</html>" },
    ...data("x"),
  ]);
});

Deno.test("SseParser dispatches a last event whose blank line never came", () => {
  assert.deepEqual(feed(["data: x\n\ndata: y"]), data("x", "y"));
});

Deno.test("readSse() keeps a multi-byte character whole across network reads", async () => {
  const bytes = new TextEncoder().encode("data: héllo 🎉\n\n");
  const cut = bytes.indexOf(0xf0) + 2; // inside the emoji
  let reads = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, 8)); // inside é
      controller.enqueue(bytes.slice(8, cut));
      controller.enqueue(bytes.slice(cut));
      controller.close();
    },
  });
  const events = [];
  for await (const event of readSse(body, () => reads++)) events.push(event);
  assert.deepEqual(events, data("héllo 🎉"));
  assert.equal(reads, 3);
});

Deno.test("readSse() reads a byte stream, as fetch gives, keeping characters whole and dropping only the leading BOM", async () => {
  const bytes = new TextEncoder().encode(
    "\ufeffdata: héllo 🎉\n\ndata: \ufeffb\n\n",
  );
  const cut = bytes.indexOf(0xf0) + 2; // inside the emoji
  let reads = 0;
  const pieces = [bytes.slice(0, 2), bytes.slice(2, cut), bytes.slice(cut)]; // inside the BOM, inside the emoji
  const body = new ReadableStream({
    type: "bytes",
    pull(controller) {
      const next = pieces.shift();
      if (next !== undefined) return controller.enqueue(next);
      controller.close();
      controller.byobRequest?.respond(0);
    },
  });
  const events = [];
  for await (const event of readSse(body, () => reads++)) events.push(event);
  assert.deepEqual(events, data("héllo 🎉", "\ufeffb"));
  assert.equal(reads, 3);
});
