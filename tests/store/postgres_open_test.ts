/**
 * Opening the PostgreSQL store: one-line errors that never print the
 * password, migrations applied once when several processes start together
 * (advisory lock), and a database newer than the code refused.
 *
 * @module
 */

import assert from "node:assert/strict";
import { PostgresStore } from "../../src/store/postgres_store.ts";
import { StoreError } from "../../src/store/store_error.ts";
import { MigrationError } from "../../src/store/migrations.ts";
import { startFakePostgresAuth } from "../fakes/fake_postgres_auth.ts";
import {
  adminQuery,
  createTestDatabase,
  createTestSchema,
  testPostgresUrl,
} from "../support/test_postgres.ts";
import postgres from "postgres";

const url = await testPostgresUrl();
const needsServer = url === null;

function assertOneLine(error: unknown, pattern: RegExp): true {
  assert.ok(error instanceof StoreError, String(error));
  assert.match(error.message, pattern);
  assert.ok(!error.message.includes("\n"), error.message);
  assert.ok(!error.message.includes("s3cret"), error.message);
  return true;
}

Deno.test("PostgresStore.open() says the password was refused, without printing it", async () => {
  const fake = startFakePostgresAuth();
  try {
    await assert.rejects(
      PostgresStore.open(`postgres://bot:s3cret@127.0.0.1:${fake.port}/bot`),
      (error: unknown) =>
        assertOneLine(
          error,
          new RegExp(
            `^Cannot connect to PostgreSQL at postgres://bot@127\\.0\\.0\\.1:${fake.port}/bot: the password was refused`,
          ),
        ),
    );
    assert.deepEqual(fake.passwords.slice(0, 1), ["s3cret"]);
  } finally {
    await fake.close();
  }
});

Deno.test("PostgresStore.open() says the server is unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    PostgresStore.open(`postgres://bot:s3cret@127.0.0.1:${port}/bot`),
    (error: unknown) =>
      assertOneLine(
        error,
        /^Cannot connect to PostgreSQL at postgres:\/\/bot@127\.0\.0\.1:\d+\/bot: the server is unreachable/,
      ),
  );
});

Deno.test({
  name: "PostgresStore.open() says the database does not exist",
  ignore: needsServer,
  async fn() {
    const target = new URL(url ?? "");
    target.pathname = "/no_such_database_for_the_bot";
    target.password = "s3cret";
    await assert.rejects(
      PostgresStore.open(target.href),
      (error: unknown) =>
        assertOneLine(
          error,
          /^Cannot connect to PostgreSQL at .*\/no_such_database_for_the_bot: the database does not exist/,
        ),
    );
  },
});

Deno.test({
  name:
    "PostgresStore.open() in five stores at once (as five processes start) applies each migration once",
  ignore: needsServer,
  async fn() {
    const schema = await createTestSchema(url ?? "");
    try {
      const migrations = [
        {
          version: 1,
          file: "0001_log.sql",
          sql:
            "CREATE TABLE log (n INTEGER); INSERT INTO log VALUES (1); SELECT pg_sleep(0.05);",
        },
        {
          version: 2,
          file: "0002_more.sql",
          sql: "INSERT INTO log VALUES (2);",
        },
      ];
      const stores = await Promise.all(
        Array.from({ length: 5 }, () =>
          PostgresStore.open(url ?? "", {
            migrations,
            schema: schema.schema,
            maxConnections: 1,
          })),
      );
      await Promise.all(stores.map((store) => store.close()));
      const sql = postgres(url ?? "", { max: 1, onnotice: () => {} });
      try {
        const rows = await sql.unsafe(
          `SELECT n FROM ${schema.schema}.log ORDER BY n`,
        );
        assert.deepEqual(rows.map((row) => row["n"]), [1, 2]);
        const [version] = await sql.unsafe(
          `SELECT version FROM ${schema.schema}.schema_version`,
        );
        assert.equal(version?.["version"], 2);
      } finally {
        await sql.end();
      }
    } finally {
      await schema.drop();
    }
  },
});

Deno.test({
  name:
    "PostgresStore.open() refuses a database written by a newer version of the bot",
  ignore: needsServer,
  async fn() {
    const database = await createTestDatabase(url ?? "");
    try {
      const store = await PostgresStore.open(database.url);
      await store.close();
      await adminQuery(database.url, "UPDATE schema_version SET version = 99");
      await assert.rejects(
        PostgresStore.open(database.url),
        (error: unknown) => {
          assert.ok(error instanceof MigrationError);
          assert.match(
            error.message,
            /written by a newer version of the bot \(schema 99, this version knows up to \d+\)/,
          );
          return true;
        },
      );
    } finally {
      await database.drop();
    }
  },
});
