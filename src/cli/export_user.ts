/**
 * `deno task export-user USER_ID [--out FILE]`: prints everything stored
 * about one Discord user as JSON (see `src/retention/user_export.ts`), or
 * writes it to FILE (created readable by its owner only). Reads
 * `DATABASE_URL` (default `sqlite:data/bot.db`); needs neither the config
 * nor a Discord token, and may run while the bot runs. Exit codes: 0 done,
 * 1 failed, 2 bad arguments.
 *
 * @module
 */

import { buildUserExport } from "../retention/user_export.ts";
import {
  type CommandIo,
  EXIT_FAILED,
  EXIT_OK,
  messageOf,
  openExistingStore,
  parseOrExplain,
  systemCommandIo,
} from "../retention/user_command.ts";

/** The help text, printed for `--help` and after a usage error. */
export const EXPORT_USER_USAGE =
  `Usage: deno task export-user USER_ID [--out FILE]

Prints everything the bot has stored about one Discord user as JSON.

  USER_ID       the user's Discord id (17 to 20 digits)
  --out FILE    write the JSON to FILE (readable by you only) instead of stdout
  -h, --help    show this help

Reads DATABASE_URL (default sqlite:data/bot.db).
`;

/** Runs the export-user command; returns the exit code. */
export async function exportUser(
  args: readonly string[],
  io: CommandIo = systemCommandIo(),
): Promise<number> {
  const parsed = parseOrExplain(
    args,
    { values: ["--out"] },
    EXPORT_USER_USAGE,
    io,
  );
  if (typeof parsed === "number") return parsed;
  const out = parsed.values.get("--out");
  try {
    const store = await openExistingStore(io.env("DATABASE_URL"));
    let json: string;
    let count: number;
    try {
      const document = await buildUserExport(store, parsed.user_id, io.now());
      json = `${JSON.stringify(document, null, 2)}\n`;
      count = document.message_count;
    } finally {
      await store.close();
    }
    if (out === undefined || out === "-") {
      io.out(json);
    } else {
      await writePrivateFile(out, json);
      io.err(
        `Wrote ${count} message${
          count === 1 ? "" : "s"
        } about user ${parsed.user_id} to ${out}\n`,
      );
    }
    return EXIT_OK;
  } catch (error) {
    io.err(
      `Cannot export user ${parsed.user_id}: ${messageOf(error)}\n`,
    );
    return EXIT_FAILED;
  }
}

/** Writes `text` to `path`, replacing it; a new file gets mode 0600. */
async function writePrivateFile(path: string, text: string): Promise<void> {
  try {
    await Deno.writeTextFile(path, text, { mode: 0o600 });
  } catch (error) {
    throw new Error(`cannot write ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

if (import.meta.main) Deno.exit(await exportUser(Deno.args));
