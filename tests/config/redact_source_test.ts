import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/load_config.ts";
import { REDACTED, redactSecretLines } from "../../src/config/redact_source.ts";

Deno.test("redactSecretLines() hides token, api_key and header values, keeps ${VAR} references", async (t) => {
  const cases: [string, string[], string[]][] = [
    ["block token", ["  token: MTIz.abc.def"], [`  token: ${REDACTED}`]],
    ["quoted api_key", ['    api_key: "sk-secret"'], [
      `    api_key: ${REDACTED}`,
    ]],
    [
      "flow mapping",
      ["  local: { base_url: http://x/v1, api_key: sk-secret, retries: 2 }"],
      [`  local: { base_url: http://x/v1, api_key: ${REDACTED}, retries: 2 }`],
    ],
    [
      "headers block",
      [
        "    headers:",
        "      Authorization: Bearer sk-1",
        "      X-Key: k2",
        "    retries: 2",
      ],
      [
        "    headers:",
        `      Authorization: ${REDACTED}`,
        `      X-Key: ${REDACTED}`,
        "    retries: 2",
      ],
    ],
    [
      "flow headers",
      ['    headers: { Authorization: "Bearer sk-1", X-Key: k2 }'],
      [`    headers: { Authorization: ${REDACTED}, X-Key: ${REDACTED} }`],
    ],
    ["env reference", ["  token: ${DISCORD_TOKEN}"], [
      "  token: ${DISCORD_TOKEN}",
    ]],
    ["other keys", ["    model: tokenizer-7b"], ["    model: tokenizer-7b"]],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(
      name,
      () => assert.deepEqual(redactSecretLines(input), expected),
    );
  }
});

Deno.test("a config error report never quotes a secret written in the YAML", () => {
  const yaml = `version: 1
discord:
  token: MTIzNDU2.secret-token.value
  commands: nowhere
endpoints:
  local: { base_url: "localhost", api_key: sk-live-123, headers: { Authorization: "Bearer sk-live-456" } }
personas:
  helper: { endpoint: local, model: m }
`;
  let report = "";
  try {
    parseConfig(yaml, "bot.config.yaml", () => undefined);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    report = error.format();
  }
  assert.match(report, /discord\.commands/);
  assert.match(report, /endpoints\.local\.base_url/);
  for (const secret of ["secret-token", "sk-live-123", "sk-live-456"]) {
    assert.ok(!report.includes(secret), `${secret} leaked:\n${report}`);
  }
});
