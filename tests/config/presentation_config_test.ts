import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/load_config.ts";

function config(persona: string, binding: string) {
  return parseConfig(
    `version: 1
discord: { token: t }
endpoints: { local: { base_url: "http://localhost:1/v1" } }
personas:
  helper: { endpoint: local, model: m${persona} }
bindings:
  - channels: ["123456789012345678"]
    persona: helper
${binding}
`,
    "bot.config.yaml",
    () => undefined,
  );
}

Deno.test("threads, webhooks, on_edit and avatar_url default to today's behaviour", () => {
  const loaded = config("", "");
  assert.equal(loaded.bindings[0]?.threads, "off");
  assert.equal(loaded.bindings[0]?.webhooks, false);
  assert.equal(loaded.bindings[0]?.on_edit, "ignore");
  assert.equal(loaded.personas.helper?.avatar_url, undefined);
});

Deno.test("threads: auto, webhooks: true, on_edit: regenerate and an avatar_url load as written", () => {
  const loaded = config(
    ", avatar_url: https://example.org/helper.png",
    "    threads: auto\n    webhooks: true\n    on_edit: regenerate",
  );
  assert.equal(loaded.bindings[0]?.threads, "auto");
  assert.equal(loaded.bindings[0]?.webhooks, true);
  assert.equal(loaded.bindings[0]?.on_edit, "regenerate");
  assert.equal(
    loaded.personas.helper?.avatar_url,
    "https://example.org/helper.png",
  );
});

Deno.test("bad values name the key to fix", async (t) => {
  const cases: [string, string, (string | number)[]][] = [
    ["", "    threads: always", ["bindings", 0, "threads"]],
    ["", "    webhooks: yes", ["bindings", 0, "webhooks"]],
    ["", "    on_edit: answer", ["bindings", 0, "on_edit"]],
    [", avatar_url: ftp://x/y.png", "", ["personas", "helper", "avatar_url"]],
  ];
  for (const [persona, binding, path] of cases) {
    await t.step(binding.trim() || persona, () => {
      assert.throws(() => config(persona, binding), (error: Error) => {
        const problems = (error as { problems?: { path: unknown }[] })
          .problems ?? [];
        assert.deepEqual(problems.map((p) => p.path), [path]);
        return true;
      });
    });
  }
});
