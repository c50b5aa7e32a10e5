/**
 * The benchmarks on PostgreSQL (`deno task bench --store postgres`): the
 * history the rig wrote into its SQLite file is copied into a fresh
 * database with `migrate-data`'s own copier, and the bot runs on it. The
 * server comes from `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`, else
 * the local `postgres://postgres@127.0.0.1:5432/postgres`; the database is
 * dropped when the rig closes.
 *
 * @module
 */

import { copyData } from "../src/store/data_copy.ts";
import { PostgresStore } from "../src/store/postgres_store.ts";
import { postgresTables } from "../src/store/postgres_tables.ts";
import { sqliteTables } from "../src/store/sqlite_tables.ts";
import { createTestDatabase } from "../tests/support/test_postgres.ts";

/** The server the PostgreSQL runs use. */
export function benchPostgresServer(): string {
  return Deno.env.get("BENCH_DATABASE_URL") ??
    Deno.env.get("TEST_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/postgres";
}

/** A fresh database holding a copy of the SQLite file; `drop()` removes it. */
export async function copyToPostgres(
  sqlite_file: string,
): Promise<{ url: string; seconds: number; drop(): Promise<void> }> {
  const started = performance.now();
  const database = await createTestDatabase(benchPostgresServer());
  try {
    await (await PostgresStore.open(database.url)).close();
    const from = sqliteTables(sqlite_file);
    const to = postgresTables(database.url);
    try {
      await copyData(from, to, { batchSize: 2000 });
    } finally {
      await from.close();
      await to.close();
    }
    return {
      url: database.url,
      seconds: (performance.now() - started) / 1000,
      drop: database.drop,
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
