import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { applyMigrations, loadMigrations } from "../../src/store/migrations.ts";
import {
  RECENT_MESSAGES_SQL,
  SQL,
  type StatementName,
} from "../../src/store/sqlite_sql.ts";

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

/**
 * Four conversations, one far larger, then ANALYZE: the statistics that once
 * turned the query into a rowid range search. Every other message is a bot
 * reply linked to the one before; fifty users share the rest; a few persona
 * choices and rate-limit counters.
 */
function fillAndAnalyze(db: DatabaseSync): void {
  db.exec(
    "INSERT INTO conversations (channel_id, guild_id, user_id, created_at) VALUES ('1', '', '', 0), ('2', '', '', 0), ('2', '', '7', 0), ('2', '', '8', 0)",
  );
  const insert = db.prepare(
    `INSERT INTO messages (conversation_id, author_id, author_name, role, persona, content, created_at, updated_at, reply_to_id)
     VALUES (?, ?, 'U', ?, 'p', 'text', ?, ?, ?)`,
  );
  const persona = db.prepare(
    "INSERT INTO persona_choices (binding_key, user_id, persona, updated_at) VALUES (?, ?, 'p', 0)",
  );
  const limit = db.prepare(
    "INSERT INTO rate_limits (key, count, window_start, notified) VALUES (?, 1, 0, 0)",
  );
  db.exec("BEGIN");
  for (let i = 1; i <= 2_000; i++) {
    const reply = i % 2 === 0;
    insert.run(
      i % 20 === 0 ? 2 + (i % 3) : 1,
      reply ? "bot" : `u${i % 50}`,
      reply ? "assistant" : "user",
      i,
      i,
      reply ? i - 1 : null,
    );
  }
  for (let u = 0; u < 50; u++) {
    persona.run(`channel:${u % 5}`, `u${u}`);
    limit.run(`user:u${u}:default`);
  }
  db.exec("COMMIT");
  db.exec("ANALYZE");
}

Deno.test("the history query finds the conversation by its key, then searches messages_by_conversation, even after ANALYZE", async () => {
  const db = await migratedDatabase();
  try {
    fillAndAnalyze(db);
    const details = plan(db, RECENT_MESSAGES_SQL);
    assert.equal(details.length, 2, details.join("\n"));
    assert.match(
      details[0] ?? "",
      /^SEARCH c USING INDEX sqlite_autoindex_conversations_1 \(channel_id=\? AND user_id=\?\)$/,
    );
    assert.match(
      details[1] ?? "",
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
          /^SCAN (messages|m|m2|r|a)\b/.test(detail)
        );
        assert.deepEqual(scans, []);
      });
    }
  } finally {
    db.close();
  }
});

Deno.test("the user-data lookups search an index", async (t) => {
  const db = await migratedDatabase();
  try {
    fillAndAnalyze(db);
    const byAuthor =
      /^SEARCH a USING (COVERING )?INDEX messages_by_author \(author_id=\?\)$/;
    const byReplyTo =
      /^SEARCH r USING (COVERING )?INDEX messages_by_reply_to \(reply_to_id=\?\)$/;
    const cases: [StatementName, RegExp[]][] = [
      ["messagesOfUser", [byAuthor, byReplyTo]],
      ["forgetLinkedReplies", [byAuthor, byReplyTo]],
      ["personaChoicesOfUser", [
        /^SEARCH persona_choices USING (COVERING )?INDEX persona_choices_by_user \(user_id=\?\)$/,
      ]],
    ];
    for (const [name, searches] of cases) {
      await t.step(name, () => {
        const details = plan(db, SQL[name]);
        for (const search of searches) {
          assert.ok(
            details.some((detail) => search.test(detail)),
            `${search} not in:\n${details.join("\n")}`,
          );
        }
      });
    }
  } finally {
    db.close();
  }
});

Deno.test("rateLimitsOfUser scans rate_limits, as forgetRateLimits does: user:<id> may be any pair of segments", async () => {
  const db = await migratedDatabase();
  try {
    fillAndAnalyze(db);
    assert.deepEqual(plan(db, SQL.rateLimitsOfUser), ["SCAN rate_limits"]);
    assert.deepEqual(plan(db, SQL.forgetRateLimits), ["SCAN rate_limits"]);
  } finally {
    db.close();
  }
});
