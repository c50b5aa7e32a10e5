import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/load_config.ts";
import {
  log,
  loggingOptionsFromEnv,
  secrets,
  setupLogging,
  stopLogging,
} from "../../src/log/logging.ts";
import { REDACTED, SecretRegistry } from "../../src/log/redact.ts";

const TOKEN =
  "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB";
const API_KEY = "sk-local-key-0123456789abcdef";

async function capture(
  format: "json" | "text",
  body: () => void,
): Promise<string[]> {
  const lines: string[] = [];
  await setupLogging({
    level: "debug",
    format,
    write: (line) => lines.push(line),
  });
  try {
    body();
  } finally {
    await stopLogging();
  }
  return lines;
}

Deno.test("a logged config never shows the token or the API key", async (t) => {
  const text = await Deno.readTextFile(
    new URL("../config/valid_minimal.yaml", import.meta.url),
  );
  const config = parseConfig(
    text.replace(
      "base_url: http://localhost:11434/v1",
      "base_url: http://x/v1\n    api_key: ${KEY}",
    ),
    "bot.config.yaml",
    (name) => ({ DISCORD_TOKEN: TOKEN, KEY: API_KEY })[name],
  );
  secrets.add(config.secrets);
  for (const format of ["json", "text"] as const) {
    await t.step(format, async () => {
      const lines = await capture(format, () => {
        log("test").info("Loaded config {config}", { config });
        log("test").warn(`raw text with the key ${API_KEY} and Bot ${TOKEN}`);
        log("test").error("request failed", {
          error: new Error(`401 for key ${API_KEY}`),
        });
      });
      const all = lines.join("");
      assert.equal(lines.length, 3);
      assert.ok(!all.includes(TOKEN), "token leaked");
      assert.ok(!all.includes(API_KEY), "API key leaked");
      assert.ok(all.includes(REDACTED));
      assert.ok(all.includes("http://x/v1"), "non-secret values stay readable");
    });
  }
});

Deno.test("JSON format writes one parseable object per line with level and category", async () => {
  const lines = await capture(
    "json",
    () => log("store").warn("disk {state}", { state: "slow" }),
  );
  const record = JSON.parse(lines[0] ?? "");
  assert.equal(record.level, "WARN");
  assert.equal(record.logger, "bot.store");
  assert.equal(record.message, "disk slow");
});

Deno.test("SecretRegistry redacts token-shaped strings it was never told about", () => {
  const registry = new SecretRegistry();
  assert.equal(registry.redactText(`token=${TOKEN}`), `token=${REDACTED}`);
  assert.equal(
    registry.redactText("Authorization: Bearer abcdefgh12345"),
    `Authorization: Bearer ${REDACTED}`,
  );
  assert.deepEqual(
    registry.redactValue({ api_key: "x", nested: { token: 5, name: "ok" } }),
    {
      api_key: REDACTED,
      nested: { token: REDACTED, name: "ok" },
    },
  );
});

Deno.test("loggingOptionsFromEnv() picks JSON for pipes and text for terminals", async (t) => {
  const stream = (terminal: boolean) => ({
    isTerminal: () => terminal,
    writeSync: (b: Uint8Array) => b.length,
  });
  const cases: [Record<string, string>, boolean, string, string][] = [
    [{}, false, "json", "info"],
    [{}, true, "text", "info"],
    [{ LOG_FORMAT: "json" }, true, "json", "info"],
    [{ LOG_LEVEL: "debug" }, false, "json", "debug"],
    [{ LOG_LEVEL: "warning" }, false, "json", "warning"],
    [{ LOG_LEVEL: "loud" }, false, "json", "info"],
  ];
  for (const [env, terminal, format, level] of cases) {
    await t.step(`${JSON.stringify(env)} terminal=${terminal}`, () => {
      const { options, warning } = loggingOptionsFromEnv(
        (n) => env[n],
        stream(terminal),
      );
      assert.equal(options.format, format);
      assert.equal(options.level, level);
      assert.equal(warning !== undefined, env.LOG_LEVEL === "loud");
    });
  }
});
