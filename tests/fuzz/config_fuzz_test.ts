import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/load_config.ts";
import { fuzzCases, int } from "./fuzz_random.ts";
import { fuzzEnv, mutateConfig } from "./config_mutations.ts";

const BASES: readonly [string, string][] = [
  [
    "valid_minimal.yaml",
    Deno.readTextFileSync(new URL("../config/valid_minimal.yaml", import.meta.url)),
  ],
  [
    "bot.config.yaml",
    Deno.readTextFileSync(new URL("../../bot.config.yaml", import.meta.url)),
  ],
];

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
        error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      } instead of a ConfigError for:\n${JSON.stringify(text)}`,
      { cause: error },
    );
  }
  const report = error.format();
  assert.equal(typeof report, "string");
  assert.ok(error.problems.length > 0, "a ConfigError lists no problem");
  const lines = text.split("\n");
  for (const problem of error.problems) {
    const where = `problem ${JSON.stringify(problem)} in ${JSON.stringify(text)}`;
    assert.equal(typeof problem.message, "string", where);
    assert.ok(problem.message.trim() !== "", `empty message: ${where}`);
    assert.ok(!problem.message.includes("[object Object]"), where);
    const position = problem.position;
    if (position === undefined) continue;
    assert.ok(Number.isInteger(position.line), where);
    assert.ok(position.line >= 1, `line before the file: ${where}`);
    assert.ok(position.line <= lines.length + 1, `line after the file: ${where}`);
    const lineText = lines[position.line - 1] ?? "";
    assert.ok(position.col >= 1, `column before the line: ${where}`);
    assert.ok(
      position.col <= lineText.length + 1,
      `column after the line: ${where}`,
    );
    assert.ok(position.length >= 1, `empty underline: ${where}`);
  }
  return true;
}

for (const [name, base] of BASES) {
  Deno.test(`parseConfig() only ever throws ConfigError on 1,500 mutated copies of ${name}`, async () => {
    let errors = 0;
    let accepted = 0;
    await fuzzCases(
      { seed: name.length * 1_000_003, iterations: 1_500 },
      (random) => {
        let text = base;
        const mutations = int(random, 1, 4);
        for (let i = 0; i < mutations; i++) text = mutateConfig(random, text);
        if (checkOutcome(text)) errors++;
        else accepted++;
      },
    );
    // Not vacuous: most mutations break the file, some keep it valid.
    assert.ok(errors > 750, `only ${errors} mutations were refused`);
    assert.ok(accepted > 10, `only ${accepted} mutations were accepted`);
  });
}

Deno.test("parseConfig() only ever throws ConfigError on every prefix of bot.config.yaml", () => {
  const text = BASES[1]?.[1] ?? "";
  for (let end = 0; end <= text.length; end += 7) {
    checkOutcome(text.slice(0, end));
  }
});
