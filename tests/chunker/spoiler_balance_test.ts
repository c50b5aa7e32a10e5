import assert from "node:assert/strict";
import { balanceSpoilers } from "../../src/chunker/spoiler_balance.ts";

Deno.test("balanceSpoilers() closes a spoiler at a cut and reopens it in the next chunk", () => {
  assert.deepEqual(balanceSpoilers(["💭 ||one", "two", "three|| answer"]), [
    "💭 ||one||",
    "||two||",
    "||three|| answer",
  ]);
  assert.deepEqual(balanceSpoilers(["||a|| b", "c"]), ["||a|| b", "c"]);
  assert.deepEqual(balanceSpoilers(["💭 ||x \\|\\| y", "z||"]), [
    "💭 ||x \\|\\| y||",
    "||z||",
  ]);
});

Deno.test("balanceSpoilers() does not count bars inside code as spoiler delimiters", () => {
  assert.deepEqual(
    balanceSpoilers(["💭 ||t||\n\nUse `a || b` here."]),
    ["💭 ||t||\n\nUse `a || b` here."],
  );
  assert.deepEqual(
    balanceSpoilers(["💭 ||t||\n\n```js\nx = a || b;\ny = 1;\n```", "more"]),
    ["💭 ||t||\n\n```js\nx = a || b;\ny = 1;\n```", "more"],
  );
  // An unmatched backtick in the reasoning does not pair with the answer's.
  assert.deepEqual(
    balanceSpoilers(["💭 ||think `foo", "bar||\n\nanswer `x` y"]),
    ["💭 ||think `foo||", "||bar||\n\nanswer `x` y"],
  );
});
