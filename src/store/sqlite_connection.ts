/**
 * The SQLite connection under {@link SqliteStore}: the `node:sqlite` handle
 * configured for the bot (WAL for a file, `synchronous=NORMAL`, a busy
 * timeout, foreign keys on, a page cache of `CACHE_KIB`), every statement of `sqlite_sql.ts` prepared once,
 * and the `BEGIN IMMEDIATE` transaction helper the store's writes share.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { SQL, type StatementName } from "./sqlite_sql.ts";
import {
  applyMigrations,
  loadMigrations,
  type Migration,
  MigrationError,
} from "./migrations.ts";
import { StoreError } from "./store_error.ts";
import { messageOf } from "./store_checks.ts";

/** How `SqliteStore.open` finds the schema. */
export interface SqliteStoreOptions {
  /** The migrations to apply; read from `migrationsDir` when absent. */
  migrations?: readonly Migration[];
  /** The folder of `NNNN_name.sql` files; the repository's `migrations/` by default. */
  migrationsDir?: string | URL;
  /** Milliseconds to wait for another connection's lock (default 5000). */
  busyTimeoutMs?: number;
  /** An operation blocking the event loop longer than this (ms) is reported (default 50). */
  slowOperationMs?: number;
  /** Told about each slow operation (default: a warning in the `store` log). */
  onSlowOperation?: (action: string, ms: number) => void;
  /** Messages deleted per statement by `pruneMessages` (default 250, a few ms each; the store yields between batches). */
  pruneBatchSize?: number;
}

/** The database handle and its prepared statements. */
export interface SqliteConnection {
  readonly db: DatabaseSync;
  readonly statements: Record<StatementName, StatementSync>;
}

/**
 * The page cache, KiB (SQLite's default is 2 MiB). Every turn reads its
 * conversation's recent messages, whose rows lie on pages of their own, and
 * long replies take several; with 2 MiB the throughput bench's 200
 * conversations missed the cache on most of them (each miss a read of the
 * file: the history read cost 235 µs, with 32 MiB 153 µs). It fills only
 * as pages are read: an idle or small bot keeps less.
 */
export const CACHE_KIB = 16 * 1024;

/** The path of an in-memory database. */
export const MEMORY = ":memory:";

/**
 * Opens (creating if missing) the database at `path` — whose folder must
 * exist — configures it and applies the pending migrations. Throws a
 * `MigrationError` for a database from a newer bot or a failing migration,
 * and a {@link StoreError} when the file cannot be opened.
 */
export async function openDatabase(
  path: string,
  options: SqliteStoreOptions,
): Promise<DatabaseSync> {
  const migrations = options.migrations ??
    await loadMigrations(options.migrationsDir);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw new StoreError(
      `Cannot open the database ${path}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  try {
    configure(db, path, options.busyTimeoutMs ?? 5000);
    applyMigrations(db, migrations, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof MigrationError) throw error;
    throw new StoreError(
      `Cannot open the database ${path}: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** Sets the pragmas the store relies on (and its page cache); WAL only for a file database. */
export function configure(
  db: DatabaseSync,
  path: string,
  busyTimeoutMs: number,
): void {
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  if (path !== MEMORY) db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec(`PRAGMA cache_size = -${CACHE_KIB}`);
}

/** Prepares every statement of {@link SQL}; the history query returns arrays. */
export function prepareAll(
  db: DatabaseSync,
): Record<StatementName, StatementSync> {
  const entries = Object.entries(SQL).map(([name, sql]) => {
    return [name, db.prepare(sql)] as const;
  });
  const statements = Object.fromEntries(entries) as Record<
    StatementName,
    StatementSync
  >;
  // Read by position (sqlite_history_rows.ts): no object per row. The
  // method is missing from the bundled types; rows of a runtime without it
  // are turned into arrays by the reader.
  const history = statements.recentMessages as StatementSync & {
    setReturnArrays?: (enabled: boolean) => void;
  };
  history.setReturnArrays?.(true);
  return statements;
}

/**
 * Runs `body` in a `BEGIN IMMEDIATE` transaction, rolled back if it throws;
 * inside one already open (the store's write batch) it runs in a savepoint,
 * so that only its own writes are undone.
 */
export function transaction<T>(
  connection: SqliteConnection,
  body: () => T,
): T {
  const { db, statements } = connection;
  if (db.isTransaction) {
    statements.savepoint.run();
    try {
      const result = body();
      statements.release.run();
      return result;
    } catch (error) {
      if (db.isTransaction) {
        statements.rollbackTo.run();
        statements.release.run();
      }
      throw error;
    }
  }
  statements.begin.run();
  try {
    const result = body();
    statements.commit.run();
    return result;
  } catch (error) {
    if (db.isTransaction) statements.rollback.run();
    throw error;
  }
}

/** The size of a database's WAL file in bytes, or 0 when it cannot be read. */
export function walSize(path: string): number {
  try {
    return Deno.statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
