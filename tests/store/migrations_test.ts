import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  applyMigrations,
  checkMigrationSequence,
  loadMigrations,
  type Migration,
  MigrationError,
  schemaVersion,
} from "../../src/store/migrations.ts";

/** A temporary migrations folder holding `files`; removed by the returned dispose. */
async function migrationsDir(
  files: Record<string, string>,
): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "store_migrations_" });
  for (const [name, sql] of Object.entries(files)) {
    await Deno.writeTextFile(join(dir, name), sql);
  }
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Runs a query and returns its rows as plain objects (node:sqlite's have a null prototype). */
function query(db: DatabaseSync, sql: string): Record<string, unknown>[] {
  return db.prepare(sql).all().map((row) => ({ ...row }));
}

function tables(db: DatabaseSync): string[] {
  return db.prepare(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all().map((row) => String(row["name"]));
}

const THREE = {
  "0001_people.sql": "CREATE TABLE people (name TEXT NOT NULL) STRICT;",
  "0002_seed.sql": "INSERT INTO people (name) VALUES ('Ada');",
  "0003_pets.sql":
    "CREATE TABLE pets (owner TEXT NOT NULL) STRICT; INSERT INTO pets SELECT name FROM people;",
  "README.md": "not a migration",
};

Deno.test("loadMigrations() reads the repository's migrations, starting at 0001_initial.sql", async () => {
  const migrations = await loadMigrations();
  assert.equal(migrations[0]?.file, "0001_initial.sql");
  assert.deepEqual(
    migrations.map((m) => m.version),
    migrations.map((_, i) => i + 1),
  );
});

Deno.test("applyMigrations() applies the migrations in order and records the last in user_version", async () => {
  await using folder = await migrationsDir(THREE);
  const db = new DatabaseSync(":memory:");
  try {
    const report = applyMigrations(
      db,
      await loadMigrations(folder.dir),
      "test.db",
    );
    assert.deepEqual(report, {
      from: 0,
      to: 3,
      applied: ["0001_people.sql", "0002_seed.sql", "0003_pets.sql"],
    });
    assert.equal(schemaVersion(db), 3);
    assert.deepEqual(tables(db), ["people", "pets"]);
    assert.deepEqual(query(db, "SELECT owner FROM pets"), [{
      owner: "Ada",
    }]);
  } finally {
    db.close();
  }
});

Deno.test("applyMigrations() on an up-to-date database applies nothing again", async () => {
  await using folder = await migrationsDir(THREE);
  const migrations = await loadMigrations(folder.dir);
  const path = join(folder.dir, "bot.db");
  const first = new DatabaseSync(path);
  applyMigrations(first, migrations, path);
  first.close();
  const second = new DatabaseSync(path);
  try {
    assert.deepEqual(applyMigrations(second, migrations, path), {
      from: 3,
      to: 3,
      applied: [],
    });
    assert.deepEqual(query(second, "SELECT count(*) AS n FROM people"), [{
      n: 1,
    }]);
  } finally {
    second.close();
  }
});

Deno.test("applyMigrations() with only the first migrations known applies the rest later", async () => {
  await using folder = await migrationsDir(THREE);
  const migrations = await loadMigrations(folder.dir);
  const db = new DatabaseSync(":memory:");
  try {
    applyMigrations(db, migrations.slice(0, 1), "test.db");
    assert.equal(schemaVersion(db), 1);
    const report = applyMigrations(db, migrations, "test.db");
    assert.deepEqual(report.applied, ["0002_seed.sql", "0003_pets.sql"]);
  } finally {
    db.close();
  }
});

Deno.test("a failing migration is rolled back and leaves the database as it was", async (t) => {
  const cases: { name: string; sql: string; reason: RegExp }[] = [
    {
      name: "a statement fails after others succeeded",
      sql:
        "CREATE TABLE half (x INTEGER) STRICT; INSERT INTO people VALUES ('Bob'); INSERT INTO nope VALUES (1);",
      reason: /no such table: nope/,
    },
    {
      name: "a CHECK constraint fails",
      sql:
        "CREATE TABLE half (x INTEGER CHECK (x > 0)) STRICT; INSERT INTO half VALUES (-1);",
      reason: /CHECK constraint failed/,
    },
    {
      name: "a foreign key is left dangling",
      sql:
        "CREATE TABLE owners (id INTEGER PRIMARY KEY) STRICT; CREATE TABLE half (o INTEGER REFERENCES owners (id)) STRICT; INSERT INTO half VALUES (42);",
      reason: /violating foreign keys, e\.g\. in table half/,
    },
  ];
  for (const { name, sql, reason } of cases) {
    await t.step(name, async () => {
      await using folder = await migrationsDir({
        "0001_people.sql":
          "CREATE TABLE people (name TEXT NOT NULL) STRICT; INSERT INTO people VALUES ('Ada');",
        "0002_broken.sql": sql,
      });
      const db = new DatabaseSync(":memory:");
      try {
        assert.throws(
          () => applyMigrations(db, loadedSync(folder.dir), "data/bot.db"),
          (error: unknown) => {
            assert.ok(error instanceof MigrationError);
            assert.match(
              error.message,
              /^Cannot apply migration 0002_broken\.sql to database data\/bot\.db: /,
            );
            assert.match(error.message, reason);
            assert.match(
              error.message,
              /the database is unchanged \(still at schema 1\)$/,
            );
            assert.ok(error.cause instanceof Error);
            return true;
          },
        );
        assert.equal(schemaVersion(db), 1);
        assert.deepEqual(tables(db), ["people"]);
        assert.deepEqual(query(db, "SELECT name FROM people"), [{
          name: "Ada",
        }]);
        assert.equal(db.isTransaction, false);
        assert.deepEqual(query(db, "PRAGMA foreign_keys")[0], {
          foreign_keys: 1,
        });
      } finally {
        db.close();
      }
    });
  }
});

/** Reads a migrations folder synchronously, for use inside assert.throws. */
function loadedSync(dir: string): Migration[] {
  return [...Deno.readDirSync(dir)].filter((entry) =>
    entry.name.endsWith(".sql")
  ).map((entry) => ({
    version: Number(entry.name.slice(0, 4)),
    file: entry.name,
    sql: Deno.readTextFileSync(join(dir, entry.name)),
  })).sort((a, b) => a.version - b.version);
}

Deno.test("a migration that commits by itself is reported", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.throws(
      () =>
        applyMigrations(db, [{
          version: 1,
          file: "0001_sneaky.sql",
          sql: "CREATE TABLE t (x INTEGER) STRICT; COMMIT;",
        }], ":memory:"),
      /0001_sneaky\.sql.*migrations must not manage transactions/,
    );
    assert.equal(schemaVersion(db), 0);
  } finally {
    db.close();
  }
});

Deno.test("a database written by a newer version of the bot is refused", async () => {
  await using folder = await migrationsDir(THREE);
  const db = new DatabaseSync(":memory:");
  try {
    db.exec("PRAGMA user_version = 7");
    assert.throws(
      () =>
        applyMigrations(db, loadedSync(folder.dir).slice(0, 3), "data/bot.db"),
      new MigrationError(
        "Cannot open the store: database data/bot.db was written by a newer version of the bot (schema 7, this version knows up to 3); upgrade the bot or point DATABASE_URL elsewhere",
      ),
    );
    assert.equal(schemaVersion(db), 7);
    assert.deepEqual(tables(db), []);
  } finally {
    db.close();
  }
});

Deno.test("loadMigrations() rejects a badly numbered or named folder", async (t) => {
  const cases: {
    name: string;
    files: Record<string, string>;
    message: RegExp;
  }[] = [
    {
      name: "a gap",
      files: { "0001_a.sql": "", "0003_c.sql": "" },
      message: /Cannot use migration 0003_c\.sql: migration 0002 is missing/,
    },
    {
      name: "not starting at 0001",
      files: { "0002_b.sql": "" },
      message: /migration 0001 is missing/,
    },
    {
      name: "a duplicate number",
      files: { "0001_a.sql": "", "0002_b.sql": "", "0002_c.sql": "" },
      message: /migrations 0002_b\.sql and 0002_c\.sql: both have the number 2/,
    },
    {
      name: "a .sql file with another name",
      files: { "0001_a.sql": "", "2_b.sql": "" },
      message: /the file name "2_b\.sql" is not of the form NNNN_name\.sql/,
    },
  ];
  for (const { name, files, message } of cases) {
    await t.step(name, async () => {
      await using folder = await migrationsDir(files);
      await assert.rejects(loadMigrations(folder.dir), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("loadMigrations() names a missing folder", async () => {
  await assert.rejects(
    loadMigrations("/nonexistent/migrations"),
    /^MigrationError: Cannot load migrations from \/nonexistent\/migrations: /,
  );
});

Deno.test("checkMigrationSequence() accepts no migrations at all", () => {
  checkMigrationSequence([]);
});
