/**
 * The source tree's layers: a folder under `src/` imports only from its own
 * folder and from folders of lower layers, so the arrows all point down
 * (cli → app → transports → pipeline → capabilities → observability → log).
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const SRC = new URL("../src/", import.meta.url).pathname;

/** Rank of each top-level folder of `src/`: a folder may import only lower ranks (or itself). */
const LAYERS: Record<string, number> = {
  log: 0,
  observability: 1,
  attachments: 2,
  chunker: 2,
  config: 2,
  llm: 2,
  store: 2,
  memory: 2.5,
  pipeline: 3,
  retention: 3,
  chat: 4,
  discord: 4,
  playground: 4,
  app: 5,
  cli: 6,
};

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

function folderOf(path: string): string | null {
  const rel = relative(SRC, path);
  if (rel.startsWith("..") || !rel.includes("/")) return null;
  return rel.split("/")[0] ?? null;
}

const IMPORT = /(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g;

Deno.test("every folder under src/ has a layer", async () => {
  for await (const entry of Deno.readDir(SRC)) {
    if (entry.isDirectory) {
      assert.ok(
        entry.name in LAYERS,
        `src/${entry.name}/ has no layer in tests/layers_test.ts: add it`,
      );
    }
  }
});

Deno.test("no file under src/ imports from a higher layer", async () => {
  const upward: string[] = [];
  for await (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    if (from === null) continue;
    const text = await Deno.readTextFile(file);
    for (const match of text.matchAll(IMPORT)) {
      const target = folderOf(resolve(dirname(file), match[1] ?? ""));
      if (target === null || target === from) continue;
      const fromRank = LAYERS[from] ?? -1;
      const targetRank = LAYERS[target] ?? Infinity;
      if (targetRank >= fromRank) {
        upward.push(`${relative(SRC, file)} imports ${match[1]}`);
      }
    }
  }
  assert.deepEqual(upward, []);
});
