import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { applyMigrations, loadMigrations } from "../../src/store/migrations.ts";
import { RECENT_MESSAGES_SQL, SQL } from "../../src/store/sqlite_sql.ts";

async function migratedDatabase(): Promise<DatabaseSync> {
  const db = new DatabaseSync(":memory:");
  applyMigrations(db, await loadMigrations(), ":memory:");
  return db;
}

function plan(db: DatabaseSync, sql: string): string[] {
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  statement.setAllowUnknownNamedParameters(true);
  return statement.all().map((row) => String(row["detail"]));
}

/** Four conversations, one far larger, then ANALYZE: the statistics that once turned the query into a rowid range search. */
function fillAndAnalyze(db: DatabaseSync): void {
  db.exec(
    "INSERT INTO conversations (channel_id, guild_id, user_id, created_at) VALUES ('1', '', '', 0), ('2', '', '', 0), ('2', '', '7', 0), ('2', '', '8', 0)",
  );
  const insert = db.prepare(
    `INSERT INTO messages (conversation_id, author_id, author_name, role, persona, content, created_at, updated_at)
     VALUES (?, 'u', 'U', 'user', 'p', 'text', ?, ?)`,
  );
  db.exec("BEGIN");
  for (let i = 0; i < 2_000; i++) {
    insert.run(i % 20 === 0 ? 2 + (i % 3) : 1, i, i);
  }
  db.exec("COMMIT");
  db.exec("ANALYZE");
}

Deno.test("the history query searches messages_by_conversation, even after ANALYZE", async () => {
  const db = await migratedDatabase();
  try {
    fillAndAnalyze(db);
    const details = plan(db, RECENT_MESSAGES_SQL);
    assert.equal(details.length, 1, details.join("\n"));
    assert.match(
      details[0] ?? "",
      /^SEARCH m USING (COVERING )?INDEX messages_by_conversation \(conversation_id=\? AND id>\? AND id<\?\)$/,
    );
  } finally {
    db.close();
  }
});

Deno.test("no statement of the store scans the messages table", async (t) => {
  const db = await migratedDatabase();
  try {
    fillAndAnalyze(db);
    for (const [name, sql] of Object.entries(SQL)) {
      await t.step(name, () => {
        const scans = plan(db, sql).filter((detail) =>
          /^SCAN (messages|m|m2)\b/.test(detail)
        );
        assert.deepEqual(scans, []);
      });
    }
  } finally {
    db.close();
  }
});
