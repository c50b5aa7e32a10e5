/**
 * `deno task migrate-data FROM TO [--batch N]`: copies every conversation,
 * message, persona choice and rate-limit counter from one database to
 * another — SQLite to PostgreSQL when a bot outgrows one server, or back.
 * FROM and TO take the forms of `DATABASE_URL` (`sqlite:PATH`,
 * `postgres://…`). Both are migrated to this version's schema first; the
 * copy keeps ids, runs in batches with a progress line each, can be run
 * again (it upserts), and ends by comparing row counts. Stop the bot first.
 * Exit codes: 0 copied and verified, 1 failed, 2 bad arguments.
 *
 * @module
 */

import {
  type CommandIo,
  messageOf,
  openExistingStore,
  systemCommandIo,
} from "../retention/user_command.ts";
import { openStore, parseDatabaseUrl } from "../store/open_store.ts";
import { copyData } from "../store/data_copy.ts";
import type { TableAccess } from "../store/table_access.ts";
import { sqliteTables } from "../store/sqlite_tables.ts";
import { postgresTables } from "../store/postgres_tables.ts";

/** The help text, printed for `--help` and after a usage error. */
export const MIGRATE_DATA_USAGE =
  `Usage: deno task migrate-data FROM TO [--batch N]

Copies the bot's whole database FROM one place TO another, e.g. from SQLite
to PostgreSQL:

  deno task migrate-data sqlite:data/bot.db postgres://bot:PASSWORD@db:5432/bot

FROM and TO are written like DATABASE_URL (sqlite:PATH or postgres://...).
Stop the bot first. TO should be empty or an earlier copy of FROM: the copy
keeps ids and replaces rows with the same key, so running it again after an
interruption finishes the job. It ends by comparing row counts.

  --batch N     rows per transaction (default 500)
  -h, --help    show this help
`;

/** Runs the command; returns the exit code. */
export async function migrateData(
  args: readonly string[],
  io: CommandIo = systemCommandIo(),
): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    if (parsed === "") {
      io.out(MIGRATE_DATA_USAGE);
      return 0;
    }
    io.err(`${parsed}\n\n${MIGRATE_DATA_USAGE}`);
    return 2;
  }
  const { from, to, batch } = parsed;
  let source: TableAccess | undefined;
  let target: TableAccess | undefined;
  try {
    const fromLocation = parseDatabaseUrl(from);
    const toLocation = parseDatabaseUrl(to);
    const same = fromLocation.driver === "sqlite" &&
        toLocation.driver === "sqlite"
      ? fromLocation.path === toLocation.path
      : fromLocation.driver === "postgres" &&
        toLocation.driver === "postgres" &&
        fromLocation.url === toLocation.url;
    if (same) throw new Error("FROM and TO name the same database");
    if (
      (fromLocation.driver === "sqlite" && fromLocation.memory) ||
      (toLocation.driver === "sqlite" && toLocation.memory)
    ) {
      throw new Error(":memory: holds nothing between runs");
    }
    // Opening as a store applies this version's migrations to both sides.
    await (await openExistingStore(from)).close();
    await (await openStore(to)).close();
    source = tablesOf(from);
    target = tablesOf(to);
    io.err(`Copying ${source.name} to ${target.name}\n`);
    const report = await copyData(source, target, {
      batchSize: batch,
      progress: (line) => io.err(`${line}\n`),
    });
    io.out(
      `Copied and verified: ${
        report.tables.map((t) => `${t.target} ${t.name}`).join(", ")
      } (row counts match).\n`,
    );
    return 0;
  } catch (error) {
    io.err(`Cannot migrate the data: ${messageOf(error)}\n`);
    return 1;
  } finally {
    await source?.close();
    await target?.close();
  }
}

function tablesOf(url: string): TableAccess {
  const location = parseDatabaseUrl(url);
  return location.driver === "postgres"
    ? postgresTables(location.url)
    : sqliteTables(location.path);
}

function parseArgs(
  args: readonly string[],
): { from: string; to: string; batch: number } | string {
  const positional: string[] = [];
  let batch = 500;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "-h" || arg === "--help") return "";
    if (arg === "--batch") {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1) {
        return "--batch takes a positive whole number of rows";
      }
      batch = value;
    } else if (arg.startsWith("-")) return `Unknown option ${arg}`;
    else positional.push(arg);
  }
  if (positional.length !== 2) {
    return `Expected FROM and TO, got ${positional.length} argument(s)`;
  }
  return { from: positional[0] ?? "", to: positional[1] ?? "", batch };
}

if (import.meta.main) Deno.exit(await migrateData(Deno.args));
