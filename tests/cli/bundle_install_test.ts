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

Deno.test("a chunk an install reuses survives another install's prune that began before it was listed", async () => {
  const out = join(await Deno.makeTempDir(), "bot");
  try {
    const text = new TextEncoder();
    const bundle = (chunk: string) =>
      new Map([
        [chunk, text.encode(`export const name = "${chunk}";`)],
        ["main.js", text.encode(`import "./${chunk}";`)],
        [".inputs", text.encode(chunk)],
      ]);
    // A chunk from a build long ago, no longer listed: prunable.
    await Deno.mkdir(out);
    Deno.writeTextFileSync(join(out, "chunk-old.js"), "old");
    Deno.utimeSync(join(out, "chunk-old.js"), new Date(0), new Date(0));
    Deno.writeTextFileSync(join(out, ".builds"), "[]");
    // A new build of older sources takes the same chunk back into use...
    await installBundle(out, bundle("chunk-old.js"), ".inputs");
    // ...while another build, which read the list before that, prunes.
    Deno.writeTextFileSync(join(out, ".builds"), "[]");
    await installBundle(out, bundle("chunk-new.js"), ".inputs");
    assert.ok(Deno.statSync(join(out, "chunk-old.js")).isFile);
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
});
