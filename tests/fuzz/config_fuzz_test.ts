import assert from "node:assert/strict";
import process from "node:process";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/load_config.ts";
import { fuzzCases, int } from "./fuzz_random.ts";
import { fuzzEnv, mutateConfig } from "./config_mutations.ts";

const BASES: readonly [string, string][] = [
  [
    "valid_minimal.yaml",
    Deno.readTextFileSync(
      new URL("../config/valid_minimal.yaml", import.meta.url),
    ),
  ],
  [
    "bot.config.yaml",
    Deno.readTextFileSync(new URL("../../bot.config.yaml", import.meta.url)),
  ],
];

/**
 * Runs `body` with Node-style process warnings (which `yaml` prints straight
 * to stderr, past the bot's logging) recorded instead of printed.
 */
async function recordingWarnings(
  body: (warnings: string[]) => Promise<void> | void,
): Promise<void> {
  const warnings: string[] = [];
  const previous = process.listeners("warning");
  process.removeAllListeners("warning");
  const record = (warning: Error) => warnings.push(warning.message);
  process.on("warning", record);
  try {
    await body(warnings);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    process.off("warning", record);
    for (const listener of previous) process.on("warning", listener);
  }
}

/** Checks one outcome of `parseConfig`; returns whether it was a ConfigError. */
function checkOutcome(text: string): boolean {
  let error: unknown;
  try {
    const config = parseConfig(text, "fuzz.yaml", fuzzEnv);
    assert.equal(config.version, 1);
    assert.ok(Array.isArray(config.bindings));
    return false;
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof ConfigError)) {
    throw new Error(
      `parseConfig() threw ${
        error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error)
      } instead of a ConfigError for:\n${JSON.stringify(text)}`,
      { cause: error },
    );
  }
  const report = error.format();
  assert.equal(typeof report, "string");
  assert.ok(error.problems.length > 0, "a ConfigError lists no problem");
  const lines = text.split("\n");
  for (const problem of error.problems) {
    const where = `problem ${JSON.stringify(problem)} in ${
      JSON.stringify(text)
    }`;
    assert.equal(typeof problem.message, "string", where);
    assert.ok(problem.message.trim() !== "", `empty message: ${where}`);
    assert.ok(!problem.message.includes("[object Object]"), where);
    assert.ok(
      !problem.message.includes("found undefined"),
      `a missing key described as a value: ${where}`,
    );
    const position = problem.position;
    if (position === undefined) continue;
    assert.ok(Number.isInteger(position.line), where);
    assert.ok(position.line >= 1, `line before the file: ${where}`);
    assert.ok(
      position.line <= lines.length + 1,
      `line after the file: ${where}`,
    );
    const lineText = lines[position.line - 1] ?? "";
    assert.ok(position.col >= 1, `column before the line: ${where}`);
    assert.ok(
      position.col <= lineText.length + 1,
      `column after the line: ${where}`,
    );
    assert.ok(position.length >= 1, `empty underline: ${where}`);
    // YAML's "Unexpected … token: "name"" must point at that name.
    const token = /token in YAML stream: "([A-Za-z_]+)"$/.exec(
      problem.message,
    )?.[1];
    if (token !== undefined) {
      assert.ok(
        lineText.slice(position.col - 1).startsWith(token),
        `the position is not where "${token}" is written: ${where}`,
      );
    }
  }
  return true;
}

for (const [name, base] of BASES) {
  Deno.test(`parseConfig() only ever throws ConfigError on 2,000 mutated copies of ${name}`, async () => {
    let errors = 0;
    let accepted = 0;
    await recordingWarnings(async (warnings) => {
      await fuzzCases(
        { seed: name.length * 1_000_003, iterations: 2_000 },
        (random) => {
          let text = base;
          const mutations = int(random, 1, 4);
          for (let i = 0; i < mutations; i++) {
            text = mutateConfig(random, text);
          }
          if (checkOutcome(text)) errors++;
          else accepted++;
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 0));
      assert.deepEqual(
        [...new Set(warnings)].slice(0, 3),
        [],
        `parseConfig() printed ${warnings.length} process warnings`,
      );
    });
    // Not vacuous: most mutations break the file, some keep it valid.
    assert.ok(errors > 1_000, `only ${errors} mutations were refused`);
    assert.ok(accepted > 20, `only ${accepted} mutations were accepted`);
  });
}

Deno.test("parseConfig() only ever throws ConfigError on every 7th prefix of bot.config.yaml", () => {
  const text = BASES[1]?.[1] ?? "";
  for (let end = 0; end <= text.length; end += 7) {
    checkOutcome(text.slice(0, end));
  }
});

Deno.test("parseConfig() reports an alias to a missing anchor as a ConfigError", () => {
  checkOutcome("version: 1\nbindings: [*nowhere]\n");
});

Deno.test("parseConfig() points at the right line after a block scalar in a broken file", () => {
  checkOutcome("  x: 1\na: |\n  l1\n  l2\nb: 1\nc: 2\n");
});

Deno.test("parseConfig() calls a missing version a missing key", () => {
  const minimal = BASES[0]?.[1] ?? "";
  checkOutcome(minimal.replace("version: 1\n", ""));
});

Deno.test("parseConfig() prints nothing for a mapping used as a key", async () => {
  await recordingWarnings(async (warnings) => {
    checkOutcome("version: 1\n? [a, b]\n: c\n");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(warnings, []);
  });
});
