import assert from "node:assert/strict";
import { join } from "node:path";
import { installBundle } from "../../src/cli/bundle_install.ts";

/** A small bundle like the bundler makes: main.js, a chunk, a page file, `.inputs`. */
function smallBundle(build: number): Map<string, Uint8Array> {
  const text = new TextEncoder();
  return new Map([
    [`chunk-${build % 3}.js`, text.encode(`export const n = ${build % 3};`)],
    ["main.js", text.encode(`import "./chunk-${build % 3}.js";`)],
    ["page/index.html", text.encode(`<p>${build}</p>`)],
    [".inputs", text.encode(String(build))],
  ]);
}

Deno.test("many installs into one folder at once all succeed and leave whole files", async () => {
  const out = join(await Deno.makeTempDir(), "bot");
  try {
    // Each install renames its temporary files while the others list and
    // prune the same folder: none may trip over a file another just moved.
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from(
          { length: 8 },
          (_, i) => installBundle(out, smallBundle(round * 8 + i), ".inputs"),
        ),
      );
    }
    const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(names.filter((n) => n.endsWith(".tmp")), []);
    const main = Deno.readTextFileSync(join(out, "main.js"));
    const chunk = main.match(/chunk-\d\.js/)![0];
    assert.ok(
      names.includes(chunk),
      `main.js imports ${chunk}, which is there`,
    );
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
});
