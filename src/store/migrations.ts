/**
 * Forward-only schema migrations for the SQLite store. Migrations are files
 * named `NNNN_name.sql` (numbered from 0001 without gaps) in the repository's
 * `migrations/` folder. The database's `PRAGMA user_version` records the
 * number of the last one applied; each newer migration runs inside one
 * transaction together with the bump of `user_version`, so a migration that
 * fails leaves the database exactly as it was.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One schema migration: its number, its name and its SQL. */
export interface Migration {
  /** The number in the file name: 1 for `0001_initial.sql`. */
  version: number;
  /** The file name, e.g. `0001_initial.sql`, shown in error messages. */
  file: string;
  /** The SQL statements, run with one `exec` inside the migration's transaction. */
  sql: string;
}

/** What {@link applyMigrations} did: the schema before and after, and the files applied. */
export interface MigrationReport {
  /** `user_version` before. */
  from: number;
  /** `user_version` after. */
  to: number;
  /** File names of the migrations applied, in order. */
  applied: string[];
}

/** The repository's `migrations/` folder, used when no other folder is given. */
export const DEFAULT_MIGRATIONS_DIR: URL = new URL(
  "../../migrations/",
  import.meta.url,
);

const FILE_NAME = /^(\d{4})_([A-Za-z0-9][A-Za-z0-9_-]*)(\.pg)?\.sql$/;

/**
 * Which database the migrations are for. Each migration is one file
 * `NNNN_name.sql`, written for SQLite; where PostgreSQL needs other SQL, a
 * file `NNNN_name.pg.sql` beside it (same number and name) replaces it for
 * PostgreSQL. One numbered sequence serves both.
 */
export type MigrationDialect = "sqlite" | "postgres";

/**
 * Raised when migrations cannot be read or applied, or when the database was
 * written by a newer version of the bot. The message names the migration file
 * or the database and says why; `cause` holds the underlying error.
 */
export class MigrationError extends Error {
  /** Creates the error; `options.cause` keeps the underlying error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/**
 * Reads the migrations of a folder for one dialect: every `NNNN_name.sql`
 * file, in order, each replaced for PostgreSQL by its `NNNN_name.pg.sql`
 * twin when there is one (see {@link MigrationDialect}).
 * Other files (a README) are ignored, but a `.sql` file with another name, a
 * duplicate number or a gap in the numbering is a {@link MigrationError}.
 */
export async function loadMigrations(
  dir: string | URL = DEFAULT_MIGRATIONS_DIR,
  dialect: MigrationDialect = "sqlite",
): Promise<Migration[]> {
  const path = typeof dir === "string" ? dir : fileURLToPath(dir);
  const migrations: Migration[] = [];
  const postgresFiles = new Map<string, Migration>();
  try {
    for await (const entry of Deno.readDir(path)) {
      if (!entry.isFile || !entry.name.endsWith(".sql")) continue;
      const match = FILE_NAME.exec(entry.name);
      if (match === null) {
        throw new MigrationError(
          `Cannot load migrations from ${path}: the file name "${entry.name}" is not of the form NNNN_name.sql (e.g. 0002_add_summaries.sql, or 0002_add_summaries.pg.sql for PostgreSQL's version of it)`,
        );
      }
      const isPostgres = match[3] !== undefined;
      if (isPostgres && dialect !== "postgres") continue;
      const sql = await Deno.readTextFile(join(path, entry.name));
      const migration = { version: Number(match[1]), file: entry.name, sql };
      if (isPostgres) postgresFiles.set(entry.name, migration);
      else migrations.push(migration);
    }
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(
      `Cannot load migrations from ${path}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  const chosen = dialect === "postgres"
    ? withPostgresFiles(migrations, postgresFiles, path)
    : migrations;
  chosen.sort((a, b) =>
    a.version - b.version || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
  );
  checkMigrationSequence(chosen);
  return chosen;
}

/** Replaces each migration that has a `.pg.sql` twin by the twin. */
function withPostgresFiles(
  migrations: readonly Migration[],
  postgresFiles: ReadonlyMap<string, Migration>,
  path: string,
): Migration[] {
  const used = new Set<string>();
  const chosen = migrations.map((migration) => {
    const twin = migration.file.replace(/\.sql$/, ".pg.sql");
    const replacement = postgresFiles.get(twin);
    if (replacement === undefined) return migration;
    used.add(twin);
    return replacement;
  });
  for (const file of postgresFiles.keys()) {
    if (!used.has(file)) {
      throw new MigrationError(
        `Cannot load migrations from ${path}: ${file} has no ${
          file.replace(/\.pg\.sql$/, ".sql")
        } beside it; every migration needs its SQLite file, and the .pg.sql file only replaces it for PostgreSQL`,
      );
    }
  }
  return chosen;
}

/**
 * Checks that migrations are numbered 1, 2, 3… in order, with no gap and no
 * number used twice; throws a {@link MigrationError} naming the files otherwise.
 */
export function checkMigrationSequence(
  migrations: readonly Migration[],
): void {
  let previous: Migration | undefined;
  for (const [index, migration] of migrations.entries()) {
    if (previous !== undefined && migration.version === previous.version) {
      throw new MigrationError(
        `Cannot use migrations ${previous.file} and ${migration.file}: both have the number ${migration.version}; renumber one of them`,
      );
    }
    if (migration.version !== index + 1) {
      const expected = String(index + 1).padStart(4, "0");
      throw new MigrationError(
        `Cannot use migration ${migration.file}: migration ${expected} is missing (migrations must be numbered from 0001 without gaps)`,
      );
    }
    previous = migration;
  }
}

/** The database's `PRAGMA user_version`: the number of the last migration applied. */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get();
  const version = row?.["user_version"];
  if (typeof version !== "number") {
    throw new MigrationError(
      `Cannot read the schema version: PRAGMA user_version returned ${
        String(version)
      }`,
    );
  }
  return version;
}

/**
 * Brings a database up to the newest migration. Each migration above the
 * database's `user_version` runs in its own `BEGIN IMMEDIATE` transaction with
 * the `user_version` bump, with foreign keys off and checked with
 * `PRAGMA foreign_key_check` before commit (so migrations may rebuild tables).
 * A failing migration is rolled back and reported with its file name and the
 * SQLite message; a database newer than the newest migration is refused.
 * `database` names the database in messages (its path, or `:memory:`).
 */
export function applyMigrations(
  db: DatabaseSync,
  migrations: readonly Migration[],
  database: string,
): MigrationReport {
  checkMigrationSequence(migrations);
  const from = schemaVersion(db);
  refuseNewer(from, migrations.length, database);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    if (applyOne(db, migration, database)) applied.push(migration.file);
  }
  return { from, to: schemaVersion(db), applied };
}

/** Throws a {@link MigrationError} when the database is newer than the `known` migrations. */
export function refuseNewer(
  version: number,
  known: number,
  database: string,
): void {
  if (version > known) {
    throw new MigrationError(
      `Cannot open the store: database ${database} was written by a newer version of the bot (schema ${version}, this version knows up to ${known}); upgrade the bot or point DATABASE_URL elsewhere`,
    );
  }
}

/** Applies one migration; false when another connection applied it first. */
function applyOne(
  db: DatabaseSync,
  migration: Migration,
  database: string,
): boolean {
  const foreignKeys = db.prepare("PRAGMA foreign_keys").get()?.["foreign_keys"];
  db.exec("PRAGMA foreign_keys = OFF");
  let before: number | undefined;
  try {
    db.exec("BEGIN IMMEDIATE");
    before = schemaVersion(db);
    if (before >= migration.version) {
      db.exec("COMMIT");
      return false;
    }
    db.exec(migration.sql);
    if (!db.isTransaction) {
      throw new Error(
        "the migration ended the transaction itself (COMMIT, ROLLBACK or END); migrations must not manage transactions, and its statements may have been committed without the schema version",
      );
    }
    const violations = db.prepare("PRAGMA foreign_key_check").all();
    if (violations.length > 0) {
      throw new Error(
        `it leaves ${violations.length} row(s) violating foreign keys, e.g. in table ${
          String(violations[0]?.["table"])
        }`,
      );
    }
    db.exec(`PRAGMA user_version = ${migration.version}`);
    db.exec("COMMIT");
    return true;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    const state = before === undefined ? "" : ` (still at schema ${before})`;
    throw new MigrationError(
      `Cannot apply migration ${migration.file} to database ${database}: ${
        messageOf(error)
      }; the database is unchanged${state}`,
      { cause: error },
    );
  } finally {
    db.exec(`PRAGMA foreign_keys = ${foreignKeys === 0 ? "OFF" : "ON"}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
