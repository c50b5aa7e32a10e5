/**
 * Forward-only migrations for the PostgreSQL store: the same numbered
 * sequence as SQLite's (see `migrations.ts`), with each `NNNN_name.pg.sql`
 * replacing its SQLite file. The table `schema_version` records the number
 * of the last one applied. Every step holds a transaction-scoped advisory
 * lock, so that N processes starting together apply each migration once: the
 * others wait, then see the new version and skip it. A migration runs in one
 * transaction with the version bump (PostgreSQL's DDL is transactional), so
 * one that fails leaves the database as it was.
 *
 * @module
 */

import type { TransactionSql } from "postgres";
import type { Sql } from "./postgres_connect.ts";
import {
  checkMigrationSequence,
  type Migration,
  MigrationError,
  type MigrationReport,
  refuseNewer,
} from "./migrations.ts";
import { messageOf } from "./store_checks.ts";

/** Names the advisory lock: one per schema, so schemas migrate independently. */
const LOCK =
  "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.discord_llm_bot.migrations'))";

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL CHECK (version >= 0))`;

/**
 * Brings the database up to the newest migration under the advisory lock;
 * refuses a database newer than the code. `database` names it in messages
 * (its URL without password).
 */
export async function applyPostgresMigrations(
  sql: Sql,
  migrations: readonly Migration[],
  database: string,
): Promise<MigrationReport> {
  checkMigrationSequence(migrations);
  const from = await sql.begin((tx) => lockedVersion(tx));
  refuseNewer(from, migrations.length, database);
  const applied: string[] = [];
  let version = from;
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    const ran = await applyOne(sql, migration, database);
    if (ran) applied.push(migration.file);
    version = migration.version;
  }
  return { from, to: version, applied };
}

/** The schema version of the database (0 when never migrated). */
export async function postgresSchemaVersion(sql: Sql): Promise<number> {
  return await sql.begin((tx) => lockedVersion(tx));
}

async function lockedVersion(tx: TransactionSql): Promise<number> {
  await tx.unsafe(LOCK);
  await tx.unsafe(VERSION_TABLE);
  const rows = await tx.unsafe(
    "SELECT version FROM schema_version WHERE id = 1",
  );
  const version = rows[0]?.["version"];
  return typeof version === "number" ? version : 0;
}

async function applyOne(
  sql: Sql,
  migration: Migration,
  database: string,
): Promise<boolean> {
  let before: number | undefined;
  try {
    return await sql.begin(async (tx) => {
      before = await lockedVersion(tx);
      if (before >= migration.version) return false;
      await tx.unsafe(migration.sql);
      await tx.unsafe(
        `INSERT INTO schema_version (id, version) VALUES (1, ${migration.version})
        ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
      );
      return true;
    }) as boolean;
  } catch (error) {
    const state = before === undefined ? "" : ` (still at schema ${before})`;
    throw new MigrationError(
      `Cannot apply migration ${migration.file} to database ${database}: ${
        messageOf(error)
      }; the database is unchanged${state}`,
      { cause: error },
    );
  }
}
