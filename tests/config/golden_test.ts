/**
 * Golden tests: each broken config in golden/ must produce exactly the report
 * in its .expected.txt. Run with UPDATE_GOLDEN=1 to rewrite the expectations
 * after an intended change, then read the diff.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/load_config.ts";

const folder = new URL("./golden/", import.meta.url);
const env: Record<string, string> = { DISCORD_TOKEN: "test-token" };
const update = Deno.env.get("UPDATE_GOLDEN") === "1";

function reportFor(name: string, text: string): string {
  try {
    parseConfig(text, name, (key) => env[key]);
  } catch (error) {
    if (error instanceof ConfigError) return error.format();
    throw error;
  }
  throw new Error(`${name} was accepted, but every golden config is broken`);
}

const cases = [...Deno.readDirSync(folder)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith(".yaml"))
  .sort();

Deno.test("golden/ holds at least 12 broken configs", () => {
  assert.ok(cases.length >= 12, `only ${cases.length} golden configs`);
});

Deno.test("parseConfig() reports each golden config exactly", async (t) => {
  for (const name of cases) {
    await t.step(name, async () => {
      const text = await Deno.readTextFile(new URL(name, folder));
      const report = reportFor(name, text);
      const expectedFile = new URL(
        name.replace(/\.yaml$/, ".expected.txt"),
        folder,
      );
      if (update) await Deno.writeTextFile(expectedFile, report);
      assert.equal(report, await Deno.readTextFile(expectedFile));
    });
  }
});
