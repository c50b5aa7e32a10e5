/**
 * The playground page's files (`page/`, no build step), read once when the
 * server starts: a bot still running after `deno task build` installed a
 * newer page beside it keeps serving the page its own API speaks.
 *
 * @module
 */

/** The folder beside this module, in the sources and in the bundle alike. */
const PAGE_DIR = new URL("./page/", import.meta.url);

/** URL path → file name in the page folder. */
const PAGE_FILES: Record<string, string> = {
  "/": "index.html",
  ...Object.fromEntries(
    [
      "playground.js",
      "dom.js",
      "state.js",
      "messages.js",
      "inspector.js",
      "status_panel.js",
      "playground.css",
      "discord.css",
      "inspector.css",
    ].map((name) => [`/${name}`, name]),
  ),
};

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** One file of the page, or why it could not be read. */
export type PageFile =
  | { body: Uint8Array<ArrayBuffer>; type: string }
  | { error: string };

/** Reads every page file from `dir` (default: `page/` beside this module); URL path → file. */
export async function loadPageFiles(
  dir: URL = PAGE_DIR,
): Promise<Map<string, PageFile>> {
  const entries = await Promise.all(
    Object.entries(PAGE_FILES).map(async ([path, name]) => {
      const type = TYPES[name.split(".").pop() ?? ""] ?? "text/plain";
      const file: PageFile = await Deno.readFile(new URL(name, dir)).then(
        (body) => ({ body, type }),
        (error) => ({
          error: `The playground's page file ${name} could not be read from ${
            decodeURIComponent(dir.pathname)
          }: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      return [path, file] as const;
    }),
  );
  return new Map(entries);
}
