/** The config state the playground shows. */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/load_config.ts";
import { ConfigStatusBoard } from "../../src/playground/config_status.ts";
import { testConfig } from "../support/test_config.ts";

function brokenEdit(text: string): ConfigError {
  try {
    parseConfig(text, "bot.config.yaml", () => undefined);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("ConfigStatusBoard shows a rejected edit with FILE:LINE:COL, masks secret values, and recovers", () => {
  let now = 1;
  const board = new ConfigStatusBoard(
    "bot.config.yaml",
    testConfig(),
    () => now,
  );
  const seen: boolean[] = [];
  board.subscribe((state) => seen.push(state.ok));
  now = 2;
  board.rejected(brokenEdit(`version: 1
discord:
  token: abc.def.literal-token-value
endpoints:
  local: { base_url: "http://x/v1", api_key: sk-literal-key-value }
personas:
  helper: { endpoint: local, model: m, system_prompt: hi, temperature: hot }
`));
  const rejected = board.current();
  assert.equal(rejected.ok, false);
  assert.match(
    rejected.report,
    /^bot\.config\.yaml:\d+:\d+ {2}personas\.helper\.temperature/m,
  );
  assert.ok(!rejected.report.includes("literal-token-value"));
  assert.ok(!rejected.report.includes("sk-literal-key-value"));
  assert.match(
    rejected.summary,
    /personas/,
    "the running config is still described",
  );
  assert.equal(rejected.checked_at, 2);
  board.accepted(testConfig());
  assert.equal(board.current().ok, true);
  assert.equal(board.current().report, "");
  assert.equal(board.current().version, 1);
  assert.deepEqual(seen, [false, true]);
});
