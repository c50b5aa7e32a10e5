import assert from "node:assert/strict";
import {
  README_FILE,
  withFreshReference,
} from "../../src/cli/generate_schema.ts";

async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { stdout, success } = await child.output();
  assert.ok(success, "deno fmt failed");
  return new TextDecoder().decode(stdout);
}

Deno.test("the README's config reference is current (regenerate with deno task schema)", async () => {
  const readme = await Deno.readTextFile(README_FILE);
  const fresh = await formatMarkdown(withFreshReference(readme));
  assert.equal(readme, fresh, "stale config reference: run `deno task schema`");
});

Deno.test("the README's config reference lists every documented key", async () => {
  const readme = await Deno.readTextFile(README_FILE);
  for (
    const key of [
      "discord.token",
      "endpoints.<name>.base_url",
      "personas.<name>.reasoning",
      "bindings[].trigger",
      "budgets.<name>.max_age",
      "access.admin_roles",
      "retention",
    ]
  ) {
    assert.ok(readme.includes(`\`${key}\``), `${key} missing from the README`);
  }
});
