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
