import assert from "node:assert/strict";
import { lastChunk } from "../../src/chunker/chunk_cut.ts";
import { applyFenceLine } from "../../src/chunker/chunk_fence.ts";
import { TailPreview } from "../../src/chunker/chunk_tail.ts";
import { isHighSurrogate } from "../../src/chunker/chunk_text.ts";
import { mulberry32, randomMessage } from "./chunk_properties.ts";

Deno.test("TailPreview shows what lastChunk() would for the text fed so far", () => {
  const rand = mulberry32(3);
  const limit = 1_000_000;
  for (let run = 0; run < 80; run++) {
    const text = randomMessage(rand, Math.floor(rand() * 1500)).trimStart();
    const fence = rand() < 0.3
      ? applyFenceLine(null, "```ts", 0, 5, limit)
      : null;
    const cursor = { start: 0, fence, atLineStart: true };
    const tail = new TailPreview(cursor, limit);
    let at = 0;
    while (at < text.length) {
      const size = 1 + Math.floor(rand() * 30);
      tail.feed(text.slice(at, at + size));
      at = Math.min(text.length, at + size);
      if (isHighSurrogate(text.charCodeAt(at - 1))) continue;
      const expected = text.slice(0, at).trim() === ""
        ? null
        : lastChunk(text, cursor, at, limit)?.chunk ?? null;
      assert.equal(tail.text(), expected, `run ${run} at ${at}`);
    }
  }
});

Deno.test("TailPreview gives up once the chunk no longer fits", () => {
  const tail = new TailPreview(
    { start: 0, fence: null, atLineStart: true },
    30,
  );
  tail.feed("```ts\nconst x = 1;");
  assert.equal(tail.text(), "```ts\nconst x = 1;\n```");
  tail.feed("  ");
  assert.equal(tail.text(), "```ts\nconst x = 1;\n```");
  tail.feed("\nmore text");
  assert.equal(tail.text(), null);
});
