import assert from "node:assert/strict";
import {
  configJsonSchema,
  renderConfigJsonSchema,
} from "../../src/config/json_schema.ts";
import type { JsonSchema } from "../../src/config/json_schema.ts";

Deno.test("config/bot.config.schema.json is current (regenerate with deno task schema)", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../config/bot.config.schema.json", import.meta.url),
  );
  assert.equal(
    committed,
    renderConfigJsonSchema(),
    "stale schema: run `deno task schema`",
  );
});

Deno.test("bot.config.yaml's first line points editors at the schema", async () => {
  const text = await Deno.readTextFile(
    new URL("../../bot.config.yaml", import.meta.url),
  );
  assert.equal(
    text.split("\n")[0],
    "# yaml-language-server: $schema=./config/bot.config.schema.json",
  );
});

Deno.test("every key in the config schema has a description", () => {
  const undocumented: string[] = [];
  const visit = (node: JsonSchema, path: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (!child.description) undocumented.push(`${path}${key}`);
      visit(child, `${path}${key}.`);
    }
    if (typeof node.additionalProperties === "object") {
      visit(node.additionalProperties, `${path}<name>.`);
    }
    if (node.items) visit(node.items, `${path}[].`);
    for (const branch of node.anyOf ?? []) visit(branch, path);
  };
  visit(configJsonSchema(), "");
  assert.deepEqual(undocumented, []);
});
