/**
 * Migration 0002_reply_links on a database written by a version-1 bot: the
 * messages already stored stay as they were, with no link.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  applyMigrations,
  loadMigrations,
  schemaVersion,
} from "../../src/store/migrations.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { CHANNEL, newMessage } from "./store_fixtures.ts";

/** Rows as plain objects (node:sqlite's have a null prototype). */
function rows(db: DatabaseSync, sql: string): Record<string, unknown>[] {
  return db.prepare(sql).all().map((row) => ({ ...row }));
}

/** A shared conversation, a user's own one, and three messages, written as a version-1 bot would. */
function fillVersion1(db: DatabaseSync): void {
  db.exec(`
    INSERT INTO conversations (channel_id, guild_id, user_id, created_at, reset_at, reset_after_id)
      VALUES ('100', '900', '', 10, NULL, 0), ('100', '900', '7', 20, 25, 1);
    INSERT INTO messages (conversation_id, external_id, author_id, author_name,
      role, persona, content, token_count, created_at, updated_at, partial)
      VALUES (1, '555', '7', 'Ada', 'user', 'helper', 'old question', 2, 30, 30, 0),
             (1, NULL, '0', 'Helper', 'assistant', 'helper', 'old answer', NULL, 31, 40, 1),
             (2, NULL, '7', 'Ada', 'user', 'poet', 'alone', 1, 50, 50, 0);`);
}

Deno.test("0002_reply_links adds a null reply_to_id to the messages of a version-1 database and keeps everything else", async () => {
  const migrations = await loadMigrations();
  assert.equal(migrations[1]?.file, "0002_reply_links.sql");
  const db = new DatabaseSync(":memory:");
  try {
    db.exec("PRAGMA foreign_keys = ON");
    applyMigrations(db, migrations.slice(0, 1), ":memory:");
    fillVersion1(db);
    const messagesBefore = rows(db, "SELECT * FROM messages ORDER BY id");
    const conversationsBefore = rows(db, "SELECT * FROM conversations");

    assert.deepEqual(applyMigrations(db, migrations.slice(0, 2), ":memory:"), {
      from: 1,
      to: 2,
      applied: ["0002_reply_links.sql"],
    });

    assert.equal(schemaVersion(db), 2);
    assert.deepEqual(
      rows(db, "SELECT * FROM messages ORDER BY id"),
      messagesBefore.map((row) => ({ ...row, reply_to_id: null })),
    );
    assert.deepEqual(
      rows(db, "SELECT * FROM conversations"),
      conversationsBefore,
    );
    assert.deepEqual(
      rows(db, "PRAGMA foreign_key_list(messages)").filter((fk) =>
        fk["from"] === "reply_to_id"
      ).map((fk) => [fk["table"], fk["to"], fk["on_delete"]]),
      [["messages", "id", "SET NULL"]],
    );
    assert.deepEqual(rows(db, "PRAGMA foreign_key_check"), []);
  } finally {
    db.close();
  }
});

Deno.test("SqliteStore.open() upgrades a version-1 file: old messages read back unlinked, new replies link to them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reply_links_" });
  try {
    const path = join(dir, "bot.db");
    const v1 = new DatabaseSync(path);
    try {
      applyMigrations(v1, (await loadMigrations()).slice(0, 1), path);
      fillVersion1(v1);
    } finally {
      v1.close();
    }

    await using store = await SqliteStore.open(path);
    assert.deepEqual(await store.getMessage(2), {
      id: 2,
      conversation: CHANNEL,
      external_id: null,
      author_id: "0",
      author_name: "Helper",
      role: "assistant",
      persona: "helper",
      content: "old answer",
      token_count: null,
      created_at: 31,
      updated_at: 40,
      partial: true,
      reply_to_id: null,
    });
    // The old answer has no link, so it is not Ada's; her messages are.
    assert.deepEqual(
      (await store.messagesOfUser("7")).map((m) => m.content),
      ["old question", "alone"],
    );
    const linked = await store.addMessage(newMessage({
      author_id: "0",
      role: "assistant",
      content: "new answer",
      created_at: 60,
      reply_to_id: 1,
    }));
    assert.equal(linked.id, 4);
    assert.deepEqual(
      (await store.messagesOfUser("7")).map((m) => m.content),
      ["old question", "alone", "new answer"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
