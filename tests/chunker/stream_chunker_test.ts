import assert from "node:assert/strict";
import { splitMessage } from "../../src/chunker/chunker.ts";
import { StreamChunker } from "../../src/chunker/stream_chunker.ts";
import {
  assertChunkInvariants,
  mulberry32,
  randomMessage,
} from "./chunk_properties.ts";

/** Feeds `input` in random pieces of 1..maxPiece code units (splitting surrogate pairs too). */
function* pieces(
  rand: () => number,
  input: string,
  maxPiece: number,
): Generator<string> {
  let at = 0;
  while (at < input.length) {
    const size = 1 + Math.floor(rand() * maxPiece);
    yield input.slice(at, at + size);
    at += size;
  }
}

Deno.test("StreamChunker shows the text so far as one growing chunk", () => {
  const chunker = new StreamChunker();
  chunker.push("Hel");
  assert.deepEqual(chunker.chunks, ["Hel"]);
  chunker.push("lo ");
  assert.deepEqual(chunker.chunks, ["Hello"]);
  chunker.push("world");
  assert.deepEqual(chunker.chunks, ["Hello world"]);
  assert.equal(chunker.finalCount, 0);
  assert.deepEqual(chunker.finish(), ["Hello world"]);
});

Deno.test("StreamChunker closes a code fence still open in the growing chunk", () => {
  const chunker = new StreamChunker();
  chunker.push("Look:\n```ts\nconst x");
  assert.deepEqual(chunker.chunks, ["Look:\n```ts\nconst x\n```"]);
  chunker.push(" = 1;\n```\nDone");
  assert.deepEqual(chunker.chunks, ["Look:\n```ts\nconst x = 1;\n```\nDone"]);
});

Deno.test("StreamChunker leaves half a surrogate pair out of the growing chunk", () => {
  const chunker = new StreamChunker();
  chunker.push("ok \ud83d");
  assert.deepEqual(chunker.chunks, ["ok"]);
  chunker.push("\udc4d");
  assert.deepEqual(chunker.chunks, ["ok 👍"]);
});

Deno.test("StreamChunker shows nothing for a blank stream", () => {
  const chunker = new StreamChunker();
  chunker.push("  \n\n ");
  assert.deepEqual(chunker.chunks, []);
  chunker.push("");
  assert.deepEqual(chunker.finish(), []);
});

Deno.test("StreamChunker finalises chunks once the text runs well past the limit", () => {
  const chunker = new StreamChunker(50);
  const words = Array.from({ length: 200 }, (_, i) => `word${i}`);
  for (const word of words) chunker.push(`${word} `);
  assert.ok(chunker.finalCount >= 10, `${chunker.finalCount} final`);
  const shown = chunker.chunks;
  assert.equal(shown.length, chunker.finalCount + 1);
  for (const chunk of shown) assert.ok(chunk.length <= 50);
  assert.deepEqual(chunker.finish(), splitMessage(words.join(" "), 50));
});

Deno.test("StreamChunker refuses text after finish() and repeats its result", () => {
  const chunker = new StreamChunker();
  chunker.push("done");
  assert.deepEqual(chunker.finish(), ["done"]);
  assert.deepEqual(chunker.finish(), ["done"]);
  assert.deepEqual(chunker.chunks, ["done"]);
  assert.throws(() => chunker.push("more"), /after finish\(\)/);
});

Deno.test("StreamChunker rejects a limit below 8", () => {
  assert.throws(() => new StreamChunker(4), RangeError);
});

Deno.test("StreamChunker ends with splitMessage()'s chunks and never changes a final one", async (t) => {
  for (
    const [limit, runs] of [[2000, 60], [300, 80], [120, 100], [
      50,
      100,
    ]] as const
  ) {
    await t.step(`limit ${limit}`, () => {
      const rand = mulberry32(limit + 1);
      for (let run = 0; run < runs; run++) {
        const input = randomMessage(
          rand,
          Math.floor(rand() * (limit * 3 + 300)),
        );
        const chunker = new StreamChunker(limit);
        const seen: string[] = [];
        for (const piece of pieces(rand, input, rand() < 0.5 ? 8 : 64)) {
          chunker.push(piece);
          const shown = chunker.chunks;
          const final = shown.slice(0, chunker.finalCount);
          assert.deepEqual(
            final.slice(0, seen.length),
            seen,
            "a final chunk changed",
          );
          seen.push(...final.slice(seen.length));
          assert.ok(shown.length - chunker.finalCount <= 1);
          for (const chunk of shown) {
            assert.ok(chunk.length <= limit, `${chunk.length} > ${limit}`);
            assert.ok(/\S/.test(chunk), "blank chunk shown");
            assert.ok(
              chunk.isWellFormed(),
              `lone surrogate in ${JSON.stringify(chunk)}`,
            );
          }
        }
        const chunks = chunker.finish();
        assert.deepEqual(chunks.slice(0, seen.length), seen);
        assert.deepEqual(chunks, splitMessage(input, limit));
        assertChunkInvariants(input, chunks, limit);
      }
    });
  }
});

Deno.test("StreamChunker agrees with splitMessage() on hostile streams", async (t) => {
  const cases: [string, string][] = [
    ["a long run of spaces", `a${" ".repeat(50_000)}b`],
    ["a long indented line", `a\n${" ".repeat(5_000)}b`],
    ["zero-width characters", "\u200b\u200d".repeat(20_000)],
    ["emoji ZWJ sequences", "👩🏾‍💻".repeat(10_000)],
    ["space before a combining mark", "word \u0301".repeat(10_000)],
    ["a Prepend mark before a space", "\u0600 ".repeat(10_000)],
  ];
  for (const [name, input] of cases) {
    await t.step(name, () => {
      const rand = mulberry32(input.length);
      const chunker = new StreamChunker();
      for (const piece of pieces(rand, input, 700)) chunker.push(piece);
      assert.deepEqual(chunker.finish(), splitMessage(input));
    });
  }
});

Deno.test("StreamChunker streams 1 MB in small pieces in linear time", () => {
  const input = randomMessage(mulberry32(5), 1_000_000);
  const rand = mulberry32(6);
  const started = performance.now();
  const chunker = new StreamChunker();
  let shown = 0;
  for (const piece of pieces(rand, input, 16)) {
    chunker.push(piece);
    shown += chunker.chunks.length;
  }
  const chunks = chunker.finish();
  const elapsed = performance.now() - started;
  assert.ok(shown > 0 && chunks.length >= 400);
  // Linear work takes well under a second here; re-splitting per push takes minutes.
  assert.ok(elapsed < 10_000, `${elapsed} ms`);
});
