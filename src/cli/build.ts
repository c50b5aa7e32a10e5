/**
 * `deno task build`: bundles the bot (`src/main.ts`) into `build/bot/`, the
 * code `deno task start` runs. One minified bundle instead of some 800
 * modules keeps about 10 MB less resident: V8 holds every loaded module's
 * source text for as long as the process lives, and Deno's emit of each
 * TypeScript module carries an inline source map with the original text
 * (measured in bench/README.md, "Fourth pass").
 *
 * - `deno bundle` (esbuild) with `--minify --keep-names` (function and class
 *   names stay in stack traces) and `--code-splitting`, so what the bot
 *   imports lazily (the PostgreSQL driver, the playground's highlighter,
 *   the tracing helpers) stays out of memory until it is used.
 * - Source maps are written beside the chunks (`*.js.map`) but not linked:
 *   Deno would load a linked map at start-up. A position in a stack trace
 *   can be looked up in them by hand.
 * - npm packages written as CommonJS (prom-client, ws) call `require` for
 *   Node's built-in modules; chunks that do get `require` from
 *   `node:module`'s `createRequire` on a line of their own (their map is
 *   shifted by that line).
 * - The playground's page files are copied to `build/bot/page/`. The
 *   bundle sits two folders below the project, as `src/store/` does, so
 *   `migrations/` resolves from it as from the sources.
 *
 * `build/bot/.inputs` holds a digest of what the bundle was made from (the
 * sources, `deno.json`, `deno.lock`, Deno's version): when it matches,
 * nothing is bundled or written, so `start` costs about 0.2 s more and
 * also runs from a read-only checkout (a container image, a hardened
 * systemd unit) whose bundle was built at install time. Otherwise the
 * bundle is made in a temporary folder and installed file by file, so a
 * bot starting or running meanwhile finds every file it needs (see
 * `bundle_install.ts`).
 *
 * @module
 */

import { join } from "node:path";
import { installBundle } from "./bundle_install.ts";

const ROOT = new URL("../../", import.meta.url);

/** Where `start` runs the bot from. */
export const BUILD_DIR: string = new URL("build/bot/", ROOT).pathname;

/** The entry point inside {@link BUILD_DIR}. */
export const BUILT_MAIN: string = join(BUILD_DIR, "main.js");

const ENTRY = new URL("src/main.ts", ROOT).pathname;
const PAGE_DIR = new URL("src/playground/page/", ROOT).pathname;

/** esbuild's helper for `require` when it finds none; its error names it. */
const DYNAMIC_REQUIRE = "Dynamic require of";
/** Gives a chunk Node's `require`, on a line of its own. */
export const REQUIRE_SHIM =
  'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);\n';

/** The file in the bundle's folder naming what it was made from. */
const INPUTS_FILE = ".inputs";

/** What {@link buildBot} did. */
export interface BuildResult {
  /** False when the folder already held the bundle of these sources. */
  changed: boolean;
  /** Files written (chunks, maps, page files); 0 when unchanged. */
  files: number;
  /** Their total size in bytes. */
  bytes: number;
}

/** Bundles the bot into `out` (default {@link BUILD_DIR}); see the module doc. */
export async function buildBot(out: string = BUILD_DIR): Promise<BuildResult> {
  const inputs = await inputsDigest();
  const previous = await Deno.readTextFile(join(out, INPUTS_FILE))
    .catch(() => "");
  if (previous === inputs) return { changed: false, files: 0, bytes: 0 };
  const temp = await Deno.makeTempDir({ prefix: "llm-discord-bot-build-" });
  try {
    await bundle(temp);
    await addRequireShims(temp);
    await Deno.mkdir(join(temp, "page"));
    for await (const entry of Deno.readDir(PAGE_DIR)) {
      if (!entry.isFile) continue;
      const to = join(temp, "page", entry.name);
      await Deno.copyFile(join(PAGE_DIR, entry.name), to);
    }
    const built = await readTree(temp);
    const bytes = [...built.values()].reduce((sum, b) => sum + b.length, 0);
    built.set(INPUTS_FILE, new TextEncoder().encode(inputs));
    await installBundle(out, built, INPUTS_FILE).catch((error) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Cannot write the bundle to ${out}: ${reason}. The sources changed since it was built; run \`deno task build\` as a user who may write there.`,
      );
    });
    return { changed: true, files: built.size - 1, bytes };
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
}

/** SHA-256 over Deno's version and every input file's path and bytes. */
async function inputsDigest(): Promise<string> {
  const root = new URL(".", ROOT).pathname;
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(Deno.version.deno)];
  const add = async (relative: string) => {
    parts.push(encoder.encode(`\0${relative}\0`));
    parts.push(await Deno.readFile(join(root, relative)));
  };
  await add("deno.json");
  await add("deno.lock");
  const sources = await readTree(join(root, "src"));
  for (const path of [...sources.keys()].sort()) {
    parts.push(encoder.encode(`\0src/${path}\0`), sources.get(path)!);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function bundle(outdir: string): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform=deno",
      "--minify",
      "--keep-names",
      "--code-splitting",
      "--sourcemap=external",
      "--outdir",
      outdir,
      ENTRY,
    ],
    cwd: new URL(".", ROOT).pathname,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `deno bundle failed (exit ${code}):\n${new TextDecoder().decode(stderr)}`,
    );
  }
}

async function addRequireShims(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".js")) continue;
    const file = join(dir, entry.name);
    const code = await Deno.readTextFile(file);
    if (!code.includes(DYNAMIC_REQUIRE)) continue;
    await Deno.writeTextFile(file, REQUIRE_SHIM + code);
    const mapFile = `${file}.map`;
    const map = JSON.parse(await Deno.readTextFile(mapFile)) as {
      mappings: string;
    };
    // One more line at the top: one more (empty) line of mappings.
    map.mappings = `;${map.mappings}`;
    await Deno.writeTextFile(mapFile, JSON.stringify(map));
  }
}

/** Every file under `dir` by its path relative to it. */
async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (relative: string) => {
    for await (const entry of Deno.readDir(join(dir, relative))) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) {
        files.set(path, await Deno.readFile(join(dir, path)));
      }
    }
  };
  await walk("");
  return files;
}

let once: Promise<string> | undefined;

/**
 * Builds {@link BUILD_DIR} once per process (what the benchmarks and the
 * end-to-end tests run) and resolves to {@link BUILT_MAIN}.
 */
export function builtBotMain(): Promise<string> {
  once ??= buildBot().then(() => BUILT_MAIN);
  return once;
}

if (import.meta.main) {
  try {
    const result = await buildBot();
    if (result.changed) {
      const kb = Math.round(result.bytes / 1024);
      console.error(`Built ${BUILD_DIR} (${result.files} files, ${kb} kB)`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
