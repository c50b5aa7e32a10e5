import assert from "node:assert/strict";
import { interpolateEnv } from "../../src/config/interpolate_env.ts";

const env: Record<string, string> = {
  TOKEN: "abc.def",
  EMPTY: "",
  URL: "http://x:1/v1",
};
const lookup = (name: string) => env[name];

Deno.test("interpolateEnv() resolves references and defaults", async (t) => {
  const cases: [string, string, string[]][] = [
    ["${TOKEN}", "abc.def", []],
    ["Bot ${TOKEN}!", "Bot abc.def!", []],
    ["${NOPE:-fallback}", "fallback", []],
    ["${EMPTY:-used when empty}", "used when empty", []],
    ["${EMPTY}", "", []],
    ["${URL:-http://other}", "http://x:1/v1", []],
    ["${NOPE}", "", ["NOPE"]],
    ["${A}${B:-b}", "b", ["A"]],
    ["$${TOKEN} stays literal", "${TOKEN} stays literal", []],
    ["no references", "no references", []],
    ["$NOT_BRACED", "$NOT_BRACED", []],
  ];
  for (const [text, value, missing] of cases) {
    await t.step(text, () => {
      const result = interpolateEnv(text, lookup);
      assert.equal(result.value, value);
      assert.deepEqual(result.missing, missing);
    });
  }
});
