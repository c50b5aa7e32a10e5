/**
 * Values that cannot work are config errors at their own line: timers past
 * 2^31 ms (they fire at once), zero timeouts, `0/minute` rates, and a
 * `base_url` that is not an http(s) URL.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/load_config.ts";
import { shutdownGraceFromEnv } from "../../src/app/start_checks.ts";

const minimal = Deno.readTextFileSync(
  new URL("./valid_minimal.yaml", import.meta.url),
);
const env = (name: string) =>
  name === "DISCORD_TOKEN" ? "abc.def.ghi" : undefined;

function problemsOf(yaml: string) {
  try {
    parseConfig(yaml, "bot.config.yaml", env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems.map((p) => ({
        path: p.path.join("."),
        line: p.position?.line,
        message: p.message,
      }));
    }
    throw error;
  }
  return [];
}

Deno.test("parseConfig() rejects durations and rates that cannot work, at their line", async (t) => {
  const endpoint = "    base_url: http://localhost:11434/v1\n";
  const cases: [string, string, string, string, RegExp][] = [
    [
      "timeout.total: 30d overflows a timer",
      endpoint,
      `${endpoint}    timeout: { total: 30d }\n`,
      "endpoints.local.timeout.total",
      /from 1s to 24d/,
    ],
    [
      "a zero first_token timeout",
      endpoint,
      `${endpoint}    timeout: { first_token: 0s }\n`,
      "endpoints.local.timeout.first_token",
      /from 1s to 24d/,
    ],
    [
      "a zero queue_timeout",
      endpoint,
      `${endpoint}    queue_timeout: 0ms\n`,
      "endpoints.local.queue_timeout",
      /from 1s to 24d/,
    ],
    [
      "0/minute",
      "    per_user: 6/minute\n",
      "    per_user: 0/minute\n",
      "rate_limits.default.per_user",
      /rate of 0/,
    ],
    [
      "a zero max_age",
      "    max_age: 24h\n",
      "    max_age: 0s\n",
      "budgets.default.max_age",
      /from 1s/,
    ],
    [
      "base_url without a scheme",
      endpoint,
      "    base_url: localhost:11434/v1\n",
      "endpoints.local.base_url",
      /http\(s\) URL/,
    ],
    [
      "base_url with another scheme",
      endpoint,
      "    base_url: ftp://example.org/v1\n",
      "endpoints.local.base_url",
      /http\(s\) URL/,
    ],
  ];
  for (const [name, from, to, path, message] of cases) {
    await t.step(name, () => {
      assert.ok(minimal.includes(from), `fixture has ${from}`);
      const yaml = minimal.replace(from, to);
      const edited = to.trimEnd().split("\n").at(-1)!;
      const line = yaml.split("\n").indexOf(edited) + 1;
      const problems = problemsOf(yaml);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]?.path, path);
      assert.match(problems[0]?.message ?? "", message);
      assert.equal(problems[0]?.line, line);
    });
  }
  await t.step("the edges themselves are accepted", () => {
    const yaml = minimal.replace(
      endpoint,
      `${endpoint}    timeout: { first_token: 1s, total: 24d }\n`,
    );
    assert.deepEqual(problemsOf(yaml), []);
  });
});

Deno.test("shutdownGraceFromEnv() refuses BOT_SHUTDOWN_GRACE past 1h or unreadable, naming the variable", () => {
  assert.equal(shutdownGraceFromEnv(undefined, 6_000), 6_000);
  assert.equal(shutdownGraceFromEnv("10s", 6_000), 10_000);
  assert.equal(shutdownGraceFromEnv("0s", 6_000), 0);
  for (const bad of ["30d", "2h", "soon"]) {
    const result = shutdownGraceFromEnv(bad, 6_000);
    assert.ok(typeof result === "object", bad);
    assert.match(result.error, /^BOT_SHUTDOWN_GRACE=/);
  }
});
