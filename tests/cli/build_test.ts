import assert from "node:assert/strict";
import { join } from "node:path";
import { buildBot, REQUIRE_SHIM } from "../../src/cli/build.ts";

const PAGE = new URL("../../src/playground/page/", import.meta.url);

/** The chunks `from` loads before it runs (static imports), transitively. */
function staticClosure(dir: string, from: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = Deno.readTextFileSync(join(dir, file));
    for (const [, name] of code.matchAll(/from\s*"\.\/([^"]+)"/g)) visit(name!);
    for (const [, name] of code.matchAll(/import\s*"\.\/([^"]+)"/g)) {
      visit(name!);
    }
  };
  visit(from);
  return seen;
}

Deno.test("build bundles the bot once, with Node's require where CommonJS needs it, the page files and lazy chunks", async (t) => {
  const out = join(await Deno.makeTempDir(), "bot");
  try {
    const first = await buildBot(out);
    assert.equal(first.changed, true);
    const files = [...Deno.readDirSync(out)].map((e) => e.name);
    assert.ok(files.includes("main.js"));

    await t.step(
      "chunks that call require get it, and their maps shift a line",
      () => {
        const needing = files.filter((f) =>
          f.endsWith(".js") &&
          Deno.readTextFileSync(join(out, f)).includes("Dynamic require of")
        );
        assert.ok(needing.length > 0, "prom-client and ws are CommonJS");
        for (const file of needing) {
          assert.ok(
            Deno.readTextFileSync(join(out, file)).startsWith(REQUIRE_SHIM),
          );
          const map = JSON.parse(
            Deno.readTextFileSync(join(out, `${file}.map`)),
          );
          assert.ok(map.mappings.startsWith(";"));
        }
        const main = Deno.readTextFileSync(join(out, "main.js"));
        assert.ok(!main.includes("sourceMappingURL"), "maps are not loaded");
      },
    );

    await t.step("the playground's page files are copied", () => {
      for (const entry of Deno.readDirSync(PAGE)) {
        assert.equal(
          Deno.readTextFileSync(join(out, "page", entry.name)),
          Deno.readTextFileSync(new URL(entry.name, PAGE)),
        );
      }
    });

    await t.step("what the bot loads lazily stays out of start-up", () => {
      const loaded = staticClosure(out, "main.js");
      const text = (file: string) => Deno.readTextFileSync(join(out, file));
      const chunks = files.filter((f) => f.endsWith(".js"));
      const holding = (marker: string) =>
        chunks.filter((f) => text(f).includes(marker));
      // highlight.js and the PostgreSQL driver (OpenTelemetry's API is not
      // among them: prom-client requires it at start-up).
      for (const marker of ["highlightAuto", "postgres.js"]) {
        const found = holding(marker);
        assert.ok(found.length > 0, `a chunk holds ${marker}`);
        for (const file of found) {
          assert.ok(!loaded.has(file), `${file} (${marker}) loads at start-up`);
        }
      }
    });

    await t.step(
      "a second build with the same sources writes nothing",
      async () => {
        const before = Deno.statSync(join(out, "main.js")).mtime;
        const again = await buildBot(out);
        assert.equal(again.changed, false);
        assert.deepEqual(Deno.statSync(join(out, "main.js")).mtime, before);
      },
    );

    await t.step(
      "a stale digest rebuilds, main.js there throughout",
      async () => {
        Deno.writeTextFileSync(join(out, ".inputs"), "older sources");
        const leftOver = join(out, "chunk-LEFTOVER.js");
        Deno.writeTextFileSync(leftOver, "");
        Deno.utimeSync(leftOver, new Date(0), new Date(0));
        // After every rename and removal the build makes, main.js is there.
        let missing = 0;
        const check = () => {
          try {
            Deno.statSync(join(out, "main.js"));
          } catch {
            missing++;
          }
        };
        const { rename, remove } = Deno;
        Deno.rename = (...args) => rename(...args).finally(check);
        Deno.remove = (...args) => remove(...args).finally(check);
        const again = await buildBot(out).finally(() => {
          Object.assign(Deno, { rename, remove });
        });
        assert.equal(again.changed, true);
        assert.equal(missing, 0, "a bot starting meanwhile finds main.js");
        const now = [...Deno.readDirSync(out)].map((e) => e.name);
        assert.ok(!now.includes("chunk-LEFTOVER.js"), "no build lists it");
        assert.deepEqual(now.sort(), files.sort());
      },
    );

    await t.step(
      "a rebuild keeps the chunks of the two builds before it",
      async () => {
        // As if two older builds had run: a bot started from either may
        // still load its lazy chunks.
        const current = JSON.parse(
          Deno.readTextFileSync(join(out, ".builds")),
        )[0];
        for (const name of ["chunk-OLDER.js", "chunk-OLDEST.js"]) {
          Deno.writeTextFileSync(join(out, name), "");
          Deno.utimeSync(join(out, name), new Date(0), new Date(0));
        }
        Deno.writeTextFileSync(
          join(out, ".builds"),
          JSON.stringify([current, ["chunk-OLDER.js"], ["chunk-OLDEST.js"]]),
        );
        Deno.writeTextFileSync(join(out, ".inputs"), "older sources");
        assert.equal((await buildBot(out)).changed, true);
        const now = [...Deno.readDirSync(out)].map((e) => e.name);
        assert.ok(now.includes("chunk-OLDER.js"), "the build before last");
        assert.ok(!now.includes("chunk-OLDEST.js"), "three builds back");
        assert.ok(current.every((name: string) => now.includes(name)));
      },
    );
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
});

Deno.test("two builds at once both succeed and leave one whole bundle", async () => {
  const out = join(await Deno.makeTempDir(), "bot");
  try {
    const results = await Promise.all([buildBot(out), buildBot(out)]);
    assert.ok(results.some((r) => r.changed));
    const names = [...Deno.readDirSync(join(out, ".."))].map((e) => e.name);
    assert.deepEqual(names, ["bot"], "no half-made folders left beside it");
    assert.equal((await buildBot(out)).changed, false);
    assert.ok(Deno.statSync(join(out, "main.js")).isFile);
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
});

Deno.test("a bundle that cannot be written says where and what to do", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A file where the folder should be: no user, root included, may write.
    const file = join(dir, "not-a-folder");
    await Deno.writeTextFile(file, "");
    await assert.rejects(
      buildBot(join(file, "bot")),
      /Cannot write the bundle to .*bot: .*run `deno task build` as a user who may write there/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
