import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  type DatabaseLocation,
  DatabaseUrlError,
  openStore,
  parseDatabaseUrl,
} from "../../src/store/open_store.ts";
import { MigrationError } from "../../src/store/migrations.ts";
import { StoreError } from "../../src/store/store_error.ts";
import { CHANNEL, newMessage, PRIVATE } from "./store_fixtures.ts";

/** A temporary folder, removed with everything in it at the end of the `await using` block. */
async function tempDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "open_store_" });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function sqliteAt(path: string): DatabaseLocation {
  return { driver: "sqlite", path, memory: false };
}

const MEMORY: DatabaseLocation = {
  driver: "sqlite",
  path: ":memory:",
  memory: true,
};

Deno.test("parseDatabaseUrl() understands every form DATABASE_URL may take", async (t) => {
  const cases: [string | undefined, DatabaseLocation][] = [
    [undefined, sqliteAt("data/bot.db")],
    ["", sqliteAt("data/bot.db")],
    ["  ", sqliteAt("data/bot.db")],
    ["sqlite:data/bot.db", sqliteAt("data/bot.db")],
    ["sqlite:/var/lib/bot/bot.db", sqliteAt("/var/lib/bot/bot.db")],
    ["sqlite://data/bot.db", sqliteAt("data/bot.db")],
    ["sqlite:///var/lib/bot.db", sqliteAt("/var/lib/bot.db")],
    ["SQLite:bot.db", sqliteAt("bot.db")],
    [" sqlite:bot.db\n", sqliteAt("bot.db")],
    ["bot.db", sqliteAt("bot.db")],
    ["./data/bot.db", sqliteAt("./data/bot.db")],
    ["/data/bot.db", sqliteAt("/data/bot.db")],
    ["C:\\data\\bot.db", sqliteAt("C:\\data\\bot.db")],
    ["file:///tmp/bot%20data.db", sqliteAt("/tmp/bot data.db")],
    [":memory:", MEMORY],
    ["sqlite::memory:", MEMORY],
    ["sqlite://:memory:", MEMORY],
    ["postgres://bot:s3cret@db:5432/bot", {
      driver: "postgres",
      url: "postgres://bot:s3cret@db:5432/bot",
      display: "postgres://bot@db:5432/bot",
    }],
    ["postgresql://db/bot", {
      driver: "postgres",
      url: "postgresql://db/bot",
      display: "postgresql://db/bot",
    }],
  ];
  for (const [url, want] of cases) {
    await t.step(JSON.stringify(url) ?? "undefined", () => {
      assert.deepEqual(parseDatabaseUrl(url), want);
    });
  }
});

Deno.test("parseDatabaseUrl() rejects what it cannot open, without repeating passwords", async (t) => {
  const cases: [string, RegExp][] = [
    [
      "postgres://bot:s3cret@db:5432",
      /^Cannot use DATABASE_URL: postgres:\/\/bot@db:5432 names no database/,
    ],
    ["postgresql://bot:s3cret@[db/bot", /is not a valid URL/],
    [
      "mysql://bot:s3cret@db/bot",
      /^Cannot use DATABASE_URL: the scheme "mysql:" is not supported; write sqlite:PATH/,
    ],
    ["sqlite:", /it names no file/],
    ["sqlite://", /it names no file/],
    ["sqlite:bot.db?mode=ro", /query parameters .* are not supported/],
    ["file://server/share/bot.db", /not a valid local file URL/],
  ];
  for (const [url, message] of cases) {
    await t.step(url, () => {
      assert.throws(() => parseDatabaseUrl(url), (error: unknown) => {
        assert.ok(error instanceof DatabaseUrlError);
        assert.match(error.message, message);
        assert.ok(!error.message.includes("s3cret"), error.message);
        return true;
      });
    });
  }
});

Deno.test("openStore() creates the database's folder and runs the file in WAL mode", async () => {
  await using temp = await tempDir();
  const path = join(temp.dir, "nested", "deeper", "bot.db");
  const store = await openStore(`sqlite:${path}`);
  try {
    await store.addMessage(newMessage());
    assert.ok((await Deno.stat(path)).isFile);
    assert.ok((await Deno.stat(`${path}-wal`)).isFile);
    assert.equal(await store.isWritable(), true);
  } finally {
    await store.close();
  }
});

Deno.test("openStore() on a file reopened after close still has every record", async () => {
  await using temp = await tempDir();
  const url = join(temp.dir, "bot.db");
  const first = await openStore(url);
  let stored;
  try {
    stored = await first.addMessage(newMessage({ external_id: "42" }));
    await first.addMessage(
      newMessage({ conversation: PRIVATE, content: "mine" }),
    );
    await first.resetConversation(PRIVATE, 1_500);
    await first.setPersonaChoice(
      { binding_key: "100", user_id: "7" },
      "poet",
      1,
    );
    await first.setRateLimit("user:7", {
      count: 3,
      window_start: 9,
      notified: true,
    });
  } finally {
    await first.close();
  }
  const second = await openStore(url);
  try {
    assert.deepEqual(
      await second.recentMessages({
        conversation: CHANNEL,
        limit: 9,
        since: 0,
      }),
      [stored],
    );
    assert.deepEqual(await second.findMessageByExternalId("42"), stored);
    assert.equal(await second.lastReset(PRIVATE), 1_500);
    assert.deepEqual(
      await second.recentMessages({
        conversation: PRIVATE,
        limit: 9,
        since: 0,
      }),
      [],
    );
    assert.equal(
      await second.getPersonaChoice({ binding_key: "100", user_id: "7" }),
      "poet",
    );
    assert.deepEqual(await second.getRateLimit("user:7"), {
      count: 3,
      window_start: 9,
      notified: true,
    });
  } finally {
    await second.close();
  }
});

Deno.test("openStore() refuses a database written by a newer version of the bot", async () => {
  await using temp = await tempDir();
  const path = join(temp.dir, "bot.db");
  const db = new DatabaseSync(path);
  db.exec("PRAGMA user_version = 99");
  db.close();
  await assert.rejects(openStore(`sqlite:${path}`), (error: unknown) => {
    assert.ok(error instanceof MigrationError);
    assert.match(
      error.message,
      /database .*bot\.db was written by a newer version of the bot \(schema 99, this version knows up to \d+\); upgrade the bot or point DATABASE_URL elsewhere$/,
    );
    return true;
  });
});

Deno.test("openStore() names the path it cannot open", async () => {
  await using temp = await tempDir();
  await assert.rejects(openStore(temp.dir), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.equal(
      error.message,
      `Cannot open the database ${temp.dir}: unable to open database file: ${temp.dir}`,
    );
    return true;
  });
});

Deno.test("openStore() with :memory: keeps nothing on disk", async () => {
  const store = await openStore("sqlite::memory:");
  try {
    await store.addMessage(newMessage());
    assert.equal(
      (await store.recentMessages({
        conversation: CHANNEL,
        limit: 9,
        since: 0,
      }))
        .length,
      1,
    );
  } finally {
    await store.close();
  }
});
