/**
 * `deno task forget-user USER_ID [--yes]`: deletes everything stored about
 * one Discord user through `Store.forgetUser` — the messages they wrote,
 * their own conversations with every reply in them, their persona choices
 * and their rate-limit counters — and prints how many rows went. Without
 * `--yes` it asks on the terminal, and refuses when stdin is not one.
 * Reads `DATABASE_URL` (default `sqlite:data/bot.db`); needs neither the
 * config nor a Discord token. Exit codes: 0 done, 1 failed or declined,
 * 2 bad arguments.
 *
 * @module
 */

import {
  type CommandIo,
  EXIT_FAILED,
  EXIT_OK,
  messageOf,
  openExistingStore,
  parseOrExplain,
  systemCommandIo,
} from "../retention/user_command.ts";
import type { Store } from "../store/store.ts";

/** The help text, printed for `--help` and after a usage error. */
export const FORGET_USER_USAGE = `Usage: deno task forget-user USER_ID [--yes]

Deletes everything the bot has stored about one Discord user: the messages
they wrote, the bot's replies to them, their own conversations, the
summaries of conversations they took part in, their notes and preferences,
their persona choices and rate-limit counters. This cannot be undone; keep a copy
first with: deno task export-user USER_ID --out FILE

  USER_ID       the user's Discord id (17 to 20 digits)
  -y, --yes     delete without asking (required when stdin is not a terminal)
  -h, --help    show this help

Reads DATABASE_URL (default sqlite:data/bot.db).
`;

/** Runs the forget-user command; returns the exit code. */
export async function forgetUser(
  args: readonly string[],
  io: CommandIo = systemCommandIo(),
): Promise<number> {
  const parsed = parseOrExplain(
    args,
    {
      flags: ["--yes"],
      aliases: { "-y": "--yes" },
    },
    FORGET_USER_USAGE,
    io,
  );
  if (typeof parsed === "number") return parsed;
  const { user_id } = parsed;
  const confirmed = parsed.flags.has("--yes");
  if (!confirmed && !io.stdinIsTerminal()) {
    io.err(
      `Refusing to delete the data of user ${user_id} without confirmation: stdin is not a terminal, so nobody can answer. Pass --yes to delete it: deno task forget-user ${user_id} --yes\n`,
    );
    return EXIT_FAILED;
  }
  let store: Store;
  try {
    store = await openExistingStore(io.env("DATABASE_URL"));
  } catch (error) {
    io.err(`Cannot forget user ${user_id}: ${messageOf(error)}\n`);
    return EXIT_FAILED;
  }
  try {
    if (!confirmed && !await askFirst(store, user_id, io)) {
      io.err("Nothing deleted.\n");
      return EXIT_FAILED;
    }
    const removed = await store.forgetUser(user_id);
    io.out(
      removed === 0
        ? `Nothing was stored about user ${user_id}; nothing deleted.\n`
        : `Deleted ${removed} row${
          removed === 1 ? "" : "s"
        } about user ${user_id} (messages, conversations, summaries, notes, preferences, persona choices, rate-limit counters).\n`,
    );
    return EXIT_OK;
  } catch (error) {
    io.err(`Cannot forget user ${user_id}: ${messageOf(error)}\n`);
    return EXIT_FAILED;
  } finally {
    await store.close();
  }
}

/** Says what will go and asks; true for "y" or "yes" (any case). */
async function askFirst(
  store: Store,
  user_id: string,
  io: CommandIo,
): Promise<boolean> {
  const count = (await store.messagesOfUser(user_id)).length;
  const answer = io.ask(
    `Delete everything stored about user ${user_id}: ${count} message${
      count === 1 ? "" : "s"
    }, plus their notes, preferences, summaries, persona choices and rate-limit counters? This cannot be undone. [y/N]`,
  );
  return /^\s*y(es)?\s*$/i.test(answer ?? "");
}

if (import.meta.main) Deno.exit(await forgetUser(Deno.args));
