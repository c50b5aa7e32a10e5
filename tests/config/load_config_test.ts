import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config_error.ts";
import { loadConfig, parseConfig } from "../../src/config/load_config.ts";

const minimal = Deno.readTextFileSync(
  new URL("./valid_minimal.yaml", import.meta.url),
);
const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("parseConfig() fills every default of CONFIG.md", () => {
  const config = parseConfig(
    minimal,
    "bot.config.yaml",
    env({ DISCORD_TOKEN: "abc.def.ghi" }),
  );
  const endpoint = config.endpoints.local;
  assert.deepEqual(endpoint?.timeout, {
    first_token: 60_000,
    idle: 30_000,
    total: 300_000,
  });
  assert.equal(endpoint?.max_concurrency, 4);
  assert.equal(endpoint?.retries, 2);
  assert.equal(endpoint?.api_key, "");
  assert.equal(config.personas.helper?.display_name, "helper");
  assert.equal(config.personas.helper?.stream, true);
  assert.equal(config.personas.helper?.reasoning, "hide");
  assert.deepEqual(config.budgets.default, {
    context_tokens: 8192,
    reserve_tokens: 1024,
    max_messages: 50,
    max_age: 86_400_000,
    memory: "window",
    summary_tokens: 400,
  });
  assert.equal(config.memory.max_notes, 20);
  assert.equal(config.memory.summarizer, undefined);
  assert.match(config.memory.summary_prompt, /^You keep the running summary/);
  assert.deepEqual(config.rate_limits.default?.per_user, {
    count: 6,
    window_ms: 60_000,
  });
  const binding = config.bindings[0];
  assert.deepEqual(binding?.trigger, ["mention", "reply"]);
  assert.equal(binding?.scope, "channel");
  assert.deepEqual(binding?.personas, ["helper"]);
  assert.deepEqual(config.discord.commands, { kind: "global" });
  assert.equal(config.discord.dm.enabled, false);
  assert.deepEqual(config.access.admin_roles, []);
});

Deno.test("parseConfig() keeps unquoted 18-digit ids exact", () => {
  const text = minimal.replace(
    '["123456789012345678"]',
    "[123456789012345678]",
  );
  const config = parseConfig(
    text,
    "bot.config.yaml",
    env({ DISCORD_TOKEN: "t.t.t" }),
  );
  assert.deepEqual(config.bindings[0]?.channels, ["123456789012345678"]);
});

Deno.test("parseConfig() resolves ${VAR:-default} and records secrets", () => {
  const text = minimal.replace(
    "base_url: http://localhost:11434/v1",
    "base_url: ${LLM_API_URL:-http://127.0.0.1:8080/v1}\n    api_key: ${LLM_API_KEY}",
  );
  const config = parseConfig(
    text,
    "bot.config.yaml",
    env({ DISCORD_TOKEN: "token-value", LLM_API_KEY: "sk-secret" }),
  );
  assert.equal(config.endpoints.local?.base_url, "http://127.0.0.1:8080/v1");
  assert.equal(config.endpoints.local?.api_key, "sk-secret");
  assert.deepEqual(config.secrets.sort(), ["sk-secret", "token-value"]);
});

Deno.test("parseConfig() accepts a single trigger and adds the default persona to the allowed list", () => {
  const text = minimal.replace(
    "    persona: helper\n",
    "    persona: helper\n    personas: [other]\n    trigger: always\n",
  ).replace(
    "personas:\n",
    "personas:\n  other: { endpoint: local, model: m }\n",
  );
  const config = parseConfig(
    text,
    "bot.config.yaml",
    env({ DISCORD_TOKEN: "t.t.t" }),
  );
  assert.deepEqual(config.bindings[0]?.trigger, ["always"]);
  assert.deepEqual(config.bindings[0]?.personas, ["helper", "other"]);
});

Deno.test("parseConfig() reports a binding with neither channels nor guild at the binding", () => {
  const text = minimal.replace(
    '  - channels: ["123456789012345678"]\n    persona',
    "  - persona",
  );
  assert.throws(
    () => parseConfig(text, "bot.config.yaml", env({ DISCORD_TOKEN: "t.t.t" })),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 1);
      assert.deepEqual(error.problems[0]?.path, ["bindings", 0]);
      assert.equal(error.problems[0]?.position?.line, 19);
      return true;
    },
  );
});

Deno.test("parseConfig() checks the memory keys: the summariser is a persona, budgets say window or summary", () => {
  const budget = (memory: string) =>
    minimal.replace(
      "    max_age: 24h\n",
      `    max_age: 24h\n    memory: ${memory}\n    summary_tokens: 100\n`,
    );
  const text = `${budget("sumary")}memory: { summarizer: helpr }\n`;
  assert.throws(
    () => parseConfig(text, "bot.config.yaml", env({ DISCORD_TOKEN: "t.t.t" })),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const paths = error.problems.map((p) => p.path.join("."));
      assert.ok(paths.includes("memory.summarizer"), paths.join(" "));
      assert.ok(paths.includes("budgets.default.memory"), paths.join(" "));
      assert.match(error.format(), /unknown persona "helpr".*"helper"/);
      return true;
    },
  );
  const good = parseConfig(
    `${budget("summary")}memory: { summarizer: helper, max_notes: 5 }\n`,
    "bot.config.yaml",
    env({ DISCORD_TOKEN: "t.t.t" }),
  );
  assert.equal(good.memory.summarizer, "helper");
  assert.equal(good.memory.max_notes, 5);
  assert.equal(good.budgets.default?.memory, "summary");
  assert.equal(good.budgets.default?.summary_tokens, 100);
});

Deno.test("loadConfig() names a missing file and how to fix it", async () => {
  await assert.rejects(
    loadConfig("/nonexistent/bot.config.yaml", () => undefined),
    (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.format(),
        /\/nonexistent\/bot\.config\.yaml {2}\(root\) {2}the file does not exist/,
      );
      return true;
    },
  );
});

Deno.test("the shipped bot.config.yaml is valid", async () => {
  const file = new URL("../../bot.config.yaml", import.meta.url).pathname;
  const config = await loadConfig(file, env({ DISCORD_TOKEN: "t.t.t" }));
  assert.ok(config.bindings.length > 0);
  assert.equal(config.endpoints.local?.base_url, "http://localhost:11434/v1");
});

/** The problems `parseConfig` reports for `text`; fails when it is accepted. */
function problemsOf(text: string): ConfigError {
  try {
    parseConfig(text, "bot.config.yaml", env({ DISCORD_TOKEN: "abc.def.ghi" }));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("the config was accepted");
}

Deno.test("parseConfig() never quotes a secret written as a number in a problem message", async (t) => {
  const cases = [
    ["api_key", "    api_key: 987654321098765\n", "987654321098765"],
    ["header", "    headers: { X-Api-Key: 123456789123 }\n", "123456789123"],
  ] as const;
  for (const [name, line, secret] of cases) {
    await t.step(name, () => {
      const text = minimal.replace(
        "    base_url: http://localhost:11434/v1\n",
        `    base_url: http://localhost:11434/v1\n${line}`,
      );
      const report = problemsOf(text).format();
      assert.match(report, /expected a string/);
      assert.ok(!report.includes(secret), report);
    });
  }
});

Deno.test("parseConfig() points an invalid name at the key the user must edit", () => {
  const text = minimal.replace(
    "  default:\n    max_age",
    "  my budget:\n    max_age",
  );
  const error = problemsOf(text);
  const problem = error.problems.find((p) => /invalid name/.test(p.message));
  assert.ok(problem, error.format());
  // `  my budget:` is line 13; the key starts at column 3.
  assert.deepEqual(
    [problem.position?.line, problem.position?.col],
    [13, 3],
    error.format(),
  );
});

Deno.test("parseConfig() names the one bad item of a trigger list", () => {
  const text = `${minimal}    trigger: [mention, replay]\n`;
  const error = problemsOf(text);
  assert.equal(error.problems.length, 1, error.format());
  const problem = error.problems[0];
  assert.deepEqual(problem?.path, ["bindings", 0, "trigger", 1]);
  assert.match(problem?.message ?? "", /"replay"/);
  assert.deepEqual(
    [problem?.position?.line, problem?.position?.col],
    [21, 24],
    error.format(),
  );
});

Deno.test("parseConfig() says so when a persona names an endpoint and none is defined", () => {
  const text = minimal.replace(
    "endpoints:\n  local:\n    base_url: http://localhost:11434/v1\n",
    "endpoints: {}\n",
  );
  const error = problemsOf(text);
  const problem = error.problems.find((p) =>
    p.path.join(".") === "personas.helper.endpoint"
  );
  assert.ok(problem, error.format());
  assert.match(
    problem.message,
    /^unknown endpoint "local": no endpoint is defined/,
  );
});
