import assert from "node:assert/strict";
import {
  applyFenceLine,
  type Fence,
  mayCloseFence,
  startsFenceRun,
} from "../../src/chunker/chunk_fence.ts";

function apply(fence: Fence | null, line: string, limit = 2000): Fence | null {
  return applyFenceLine(fence, line, 0, line.length, limit);
}

const ts = apply(null, "```ts");

Deno.test("applyFenceLine() opens a fence with the first word of its info string", async (t) => {
  const cases: [string, string | null, string | null][] = [
    ["```ts", "```ts\n", "\n```"],
    ["```", "```\n", "\n```"],
    ["   ```python title=x.py", "```python\n", "\n```"],
    ["~~~md", "~~~md\n", "\n~~~"],
    ["````", "````\n", "\n````"],
    ["```ts\r", "```ts\n", "\n```"],
    [`\`\`\`${"x".repeat(40)}`, "```\n", "\n```"],
    ["```js```", null, null],
    ["``", null, null],
    ["text ```", null, null],
  ];
  for (const [line, reopen, close] of cases) {
    await t.step(JSON.stringify(line), () => {
      const fence = apply(null, line);
      assert.equal(fence?.reopen ?? null, reopen);
      assert.equal(fence?.close ?? null, close);
    });
  }
});

Deno.test("applyFenceLine() closes only with the same character, as long or longer, and nothing after", async (t) => {
  const cases: [string, boolean][] = [
    ["```", true],
    ["  ````  ", true],
    ["~~~", false],
    ["```ts", false],
    ["``", false],
    ["code", false],
  ];
  for (const [line, closes] of cases) {
    await t.step(JSON.stringify(line), () => {
      assert.equal(apply(ts, line), closes ? null : ts);
    });
  }
  await t.step("a longer fence is not closed by a shorter run", () => {
    const four = apply(null, "````md");
    assert.equal(apply(four, "```"), four);
  });
});

Deno.test("applyFenceLine() tracks but does not repeat a fence too large for the limit", () => {
  const fence = apply(null, "```typescript", 20);
  assert.ok(fence !== null);
  assert.equal(fence.reopen, "");
  assert.equal(fence.close, "");
  assert.equal(apply(fence, "```", 20), null);
});

Deno.test("startsFenceRun() and mayCloseFence() read only below the given end", () => {
  assert.equal(startsFenceRun("```", 0, 3), true);
  assert.equal(startsFenceRun("```", 0, 2), false);
  assert.equal(startsFenceRun("~~x", 0, 3), false);
  assert.ok(ts !== null);
  assert.equal(mayCloseFence("```\n", 0, 4, ts), true);
  assert.equal(mayCloseFence("``", 0, 2, ts), false);
  assert.equal(mayCloseFence("~~~", 0, 3, ts), false);
});
