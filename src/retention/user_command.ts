/**
 * What `deno task export-user` and `deno task forget-user` share: the
 * terminal they talk through, the parsing of `USER_ID [options]`, and
 * opening the bot's existing database from `DATABASE_URL` (neither needs
 * the config or a Discord token).
 *
 * @module
 */

import type { Store } from "../store/store.ts";
import { openStore, parseDatabaseUrl } from "../store/open_store.ts";
import { StoreError } from "../store/store_error.ts";

/** Exit code for a command that did its job. */
export const EXIT_OK = 0;
/** Exit code for a command that could not do its job, or was declined. */
export const EXIT_FAILED = 1;
/** Exit code for bad arguments. */
export const EXIT_USAGE = 2;

/** The process edges a user-data command uses; tests pass fakes. */
export interface CommandIo {
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Writes to stdout as is. */
  out(text: string): void;
  /** Writes to stderr as is. */
  err(text: string): void;
  /** True when stdin is a terminal a person can answer on. */
  stdinIsTerminal(): boolean;
  /** Shows `question` and returns the line typed, or null at end of input. */
  ask(question: string): string | null;
  /** Epoch milliseconds. */
  now(): number;
}

/** The real process: `Deno.env`, stdout, stderr, `prompt()` and `Date.now()`. */
export function systemCommandIo(): CommandIo {
  return {
    env: (name) => Deno.env.get(name),
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    stdinIsTerminal: () => Deno.stdin.isTerminal(),
    ask: (question) => prompt(question),
    now: () => Date.now(),
  };
}

/** Bad command-line arguments; the message says which and why. */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** The options one command accepts, by their long name (`--out`). */
export interface OptionSpec {
  /** Options that stand alone, e.g. `--yes`. */
  flags?: readonly string[];
  /** Options that take a value, as `--out FILE` or `--out=FILE`. */
  values?: readonly string[];
  /** Short spellings: `{ "-y": "--yes" }`. */
  aliases?: Readonly<Record<string, string>>;
}

/** Parsed `USER_ID [options]`; `help` is true for `-h`/`--help`. */
export interface UserCommandArgs {
  user_id: string;
  /** Flags given (long names). */
  flags: ReadonlySet<string>;
  /** Values given (long name → last value). */
  values: ReadonlyMap<string, string>;
  help: boolean;
}

const USER_ID = /^[0-9]{15,21}$/;

/** True when `text` looks like a Discord user id (a snowflake: 17 to 20 digits). */
export function isDiscordUserId(text: string): boolean {
  return USER_ID.test(text);
}

/**
 * Parses `USER_ID` and the options in `spec`, in any order; `--` ends the
 * options. Throws a {@link UsageError} for an unknown option, a missing
 * value, no or several user ids, or a user id that is not a snowflake.
 */
export function parseUserCommandArgs(
  args: readonly string[],
  spec: OptionSpec,
): UserCommandArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") {
      help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const written = equals === -1 ? arg : arg.slice(0, equals);
    const name = spec.aliases?.[written] ?? written;
    if (spec.values?.includes(name)) {
      const value = equals === -1 ? args[++i] : arg.slice(equals + 1);
      if (value === undefined || value === "") {
        throw new UsageError(`${written} needs a value`);
      }
      values.set(name, value);
    } else if (spec.flags?.includes(name) && equals === -1) {
      flags.add(name);
    } else {
      throw new UsageError(`Unknown option ${JSON.stringify(arg)}`);
    }
  }
  if (help) return { user_id: "", flags, values, help };
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length === 0
        ? "Missing USER_ID"
        : `Expected one USER_ID, got ${positional.length}: ${
          positional.map((p) => JSON.stringify(p)).join(", ")
        }`,
    );
  }
  const user_id = positional[0] ?? "";
  if (!isDiscordUserId(user_id)) {
    throw new UsageError(
      `${
        JSON.stringify(user_id)
      } is not a Discord user id: expected 17 to 20 digits, e.g. 123456789012345678 (in Discord, turn on Developer Mode, then right-click the user → Copy User ID)`,
    );
  }
  return { user_id, flags, values, help };
}

/**
 * Opens the database `DATABASE_URL` names (default `sqlite:data/bot.db`),
 * which must already exist: a command about stored data must not quietly
 * create an empty database in the wrong place. Throws a `StoreError` saying
 * which file is missing, or the errors of `openStore`.
 */
export async function openExistingStore(
  databaseUrl: string | undefined,
): Promise<Store> {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.driver === "postgres") return await openStore(databaseUrl);
  if (location.memory) {
    throw new StoreError(
      "Cannot read stored data from DATABASE_URL=:memory:: an in-memory database holds nothing between runs; set DATABASE_URL to the bot's database, e.g. sqlite:data/bot.db",
    );
  }
  try {
    await Deno.stat(location.path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const hint = databaseUrl?.trim()
      ? "check that DATABASE_URL names the database the bot uses"
      : "DATABASE_URL is unset, so the default sqlite:data/bot.db is used: run this in the bot's folder or set DATABASE_URL to the database the bot uses";
    throw new StoreError(
      `Cannot open the database ${location.path}: the file does not exist; ${hint}`,
      { cause: error },
    );
  }
  return await openStore(databaseUrl);
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function writeAll(
  stream: { writeSync(bytes: Uint8Array): number },
  text: string,
): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

/**
 * Parses a user command's arguments, or handles what needs no work: prints
 * the usage after a usage error (returning 2) or for `--help` (returning 0).
 */
export function parseOrExplain(
  args: readonly string[],
  spec: OptionSpec,
  usage: string,
  io: CommandIo,
): UserCommandArgs | number {
  let parsed: UserCommandArgs;
  try {
    parsed = parseUserCommandArgs(args, spec);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${usage}`);
    return EXIT_USAGE;
  }
  if (parsed.help) {
    io.out(usage);
    return EXIT_OK;
  }
  return parsed;
}
