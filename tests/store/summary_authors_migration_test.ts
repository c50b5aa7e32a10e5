/**
 * Migration 0007_summary_authors on a database written by a version-6 bot:
 * each stored summary learns whose words it took in from the messages still
 * stored, so forget-user finds it once retention has deleted them.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { applyMigrations, loadMigrations } from "../../src/store/migrations.ts";

/** Rows as plain objects (node:sqlite's have a null prototype). */
function rows(db: DatabaseSync, sql: string): Record<string, unknown>[] {
  return db.prepare(sql).all().map((row) => ({ ...row }));
}

Deno.test("0007_summary_authors records the users whose messages each summary took in, since the last reset", async () => {
  const migrations = await loadMigrations();
  assert.equal(migrations[6]?.file, "0007_summary_authors.sql");
  const db = new DatabaseSync(":memory:");
  try {
    db.exec("PRAGMA foreign_keys = ON");
    applyMigrations(db, migrations.slice(0, 6), ":memory:");
    // A shared channel reset after message 1, summarised through message 4;
    // message 5 came after the summary. A second channel has no summary.
    db.exec(`
      INSERT INTO conversations (channel_id, guild_id, user_id, created_at, reset_at, reset_after_id)
        VALUES ('100', '900', '', 10, 15, 1), ('200', '900', '', 10, NULL, 0);
      INSERT INTO messages (conversation_id, external_id, author_id, author_name,
        role, persona, content, token_count, created_at, updated_at, partial)
        VALUES (1, '501', '6', 'Cy', 'user', 'helper', 'before the reset', 1, 11, 11, 0),
               (1, '502', '7', 'Ada', 'user', 'helper', 'I live at Elm St', 1, 20, 20, 0),
               (1, NULL, '0', 'Helper', 'assistant', 'helper', 'noted', 1, 21, 21, 0),
               (1, '504', '8', 'Bob', 'user', 'helper', 'hi', 1, 22, 22, 0),
               (1, '505', '9', 'Eve', 'user', 'helper', 'after the summary', 1, 23, 23, 0),
               (2, '506', '7', 'Ada', 'user', 'helper', 'elsewhere', 1, 24, 24, 0);
      INSERT INTO conversation_summaries (conversation_id, content, through_id, token_count, updated_at)
        VALUES (1, 'Ada lives at Elm St; Bob says hi.', 4, 9, 30);`);

    applyMigrations(db, migrations.slice(0, 7), ":memory:");

    assert.deepEqual(
      rows(db, "SELECT * FROM summary_authors ORDER BY user_id"),
      [{ conversation_id: 1, user_id: "7" }, {
        conversation_id: 1,
        user_id: "8",
      }],
    );
    // The authors go with their summary.
    db.exec("DELETE FROM conversation_summaries WHERE conversation_id = 1");
    assert.deepEqual(rows(db, "SELECT * FROM summary_authors"), []);
  } finally {
    db.close();
  }
});
