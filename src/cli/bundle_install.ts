/**
 * Installing a new bundle into the folder the bot runs from, in place:
 * a bot starting during the install, or one still running an older build,
 * finds every file it needs. Used by `deno task build` (`build.ts`).
 *
 * @module
 */

import { join } from "node:path";

/** How many builds' chunks stay in the folder: the newest and two before it. */
const KEEP_BUILDS = 3;
/** The file in the bundle's folder listing the chunks of its last builds. */
const BUILDS_FILE = ".builds";
/** A chunk this young is never pruned: it may be another build's, still being written. */
const PRUNE_AFTER_MS = 60_000;

/** A chunk or its map: a name the bundler made from its content (`chunk-HASH.js`). */
function isChunk(path: string): boolean {
  return !path.includes("/") && /\.js(\.map)?$/.test(path) &&
    path !== "main.js" && path !== "main.js.map";
}

/**
 * Writes the bundle into `out` in place, so that neither a bot starting
 * nor one already running ever misses a file it needs:
 *
 * - the chunks first: their names come from their content, so a new build
 *   adds names and never changes an existing file;
 * - then each file every build shares (page files, `main.js`) swapped in
 *   whole by a rename, `main.js` after every chunk it imports, and `last`
 *   (what the bundle was made from) after everything else;
 * - then the chunks that none of the last {@link KEEP_BUILDS} builds lists
 *   go: a bot started from any of those builds can still load its lazy
 *   chunks (the PostgreSQL driver, the playground's highlighter).
 *
 * Two builds at once write the same bytes under the same names.
 */
export async function installBundle(
  out: string,
  files: Map<string, Uint8Array>,
  last: string,
): Promise<void> {
  await Deno.mkdir(out, { recursive: true });
  const previous = await previousBuilds(out);
  const ordered = [...files.keys()].sort((a, b) =>
    installOrder(a, last) - installOrder(b, last)
  );
  for (const path of ordered) {
    const file = join(out, path);
    // A chunk's name is its content: one already there is this very file.
    // Touching it keeps another build's prune, running at once, off it.
    if (isChunk(path) && await touch(file)) continue;
    await writeWhole(file, files.get(path)!);
  }
  const builds = [[...files.keys()].filter(isChunk), ...previous]
    .slice(0, KEEP_BUILDS);
  await writeWhole(
    join(out, BUILDS_FILE),
    new TextEncoder().encode(JSON.stringify(builds)),
  );
  await pruneChunks(out, new Set(builds.flat()));
}

/** Chunks, then the shared files, `main.js` after them, `last` at the end. */
function installOrder(path: string, last: string): number {
  if (isChunk(path)) return 0;
  if (path === "main.js") return 2;
  return path === last ? 3 : 1;
}

/**
 * The chunk names of the builds before this one, newest first; without a
 * list (a bundle from before the list existed), what the folder holds
 * counts as one build.
 */
async function previousBuilds(out: string): Promise<string[][]> {
  try {
    const builds = JSON.parse(
      await Deno.readTextFile(join(out, BUILDS_FILE)),
    ) as unknown;
    if (
      Array.isArray(builds) &&
      builds.every((b) =>
        Array.isArray(b) && b.every((n) => typeof n === "string")
      )
    ) return builds as string[][];
  } catch {
    // no list yet, or an unreadable one: fall back to the folder's chunks
  }
  const present: string[] = [];
  for await (const entry of Deno.readDir(out)) {
    if (entry.isFile && isChunk(entry.name)) present.push(entry.name);
  }
  return [present];
}

/** Removes the chunks no kept build lists (and left-over temporary files), unless written a moment ago. */
async function pruneChunks(out: string, keep: Set<string>): Promise<void> {
  const before = Date.now() - PRUNE_AFTER_MS;
  for await (const entry of Deno.readDir(out)) {
    const leftOver = entry.name.endsWith(".tmp"); // from a build that was killed
    if (!entry.isFile || keep.has(entry.name)) continue;
    if (!isChunk(entry.name) && !leftOver) continue;
    const file = join(out, entry.name);
    // Gone already: another build at once renamed or pruned it.
    const info = await Deno.stat(file).catch(() => null);
    const written = info?.mtime?.getTime() ?? Date.now();
    if (written < before) await Deno.remove(file).catch(() => {});
  }
}

/** Sets `file`'s times to now; false when it is not there. */
function touch(file: string): Promise<boolean> {
  const now = new Date();
  return Deno.utime(file, now, now).then(() => true, () => false);
}

/** Writes `file` beside itself and renames it into place: readers see the old or the new bytes. */
async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  await Deno.mkdir(join(file, ".."), { recursive: true });
  const temp = `${file}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeFile(temp, bytes);
  await Deno.rename(temp, file);
}
