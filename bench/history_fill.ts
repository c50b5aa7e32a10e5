/**
 * Pre-fills the bot's SQLite file with stored conversations before the bot
 * starts: alternating user and assistant messages of realistic lengths,
 * recent enough that the budget's `max_age` keeps them, with token counts
 * as the bot would have stored them. The real store creates the file, its
 * schema and each conversation (`SqliteStore.open`, `addMessage`); the bulk
 * of the rows then goes in with the store's own insert statement inside one
 * transaction, which is ~10× faster than a transaction per message.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { estimateTokens } from "../src/llm/token_estimate.ts";
import { messageParams } from "../src/store/sqlite_rows.ts";
import { SQL } from "../src/store/sqlite_sql.ts";
import { SqliteStore } from "../src/store/sqlite_store.ts";
import type { NewMessage } from "../src/store/store.ts";
import { seededRandom } from "./random.ts";
import { chatMessage } from "./text_corpus.ts";

/** One conversation to pre-fill. */
export interface HistorySpec {
  channel_id: string;
  guild_id: string;
  /** How many messages to store (user and assistant alternating). */
  messages: number;
}

/** Who wrote the stored messages. */
export interface HistoryAuthors {
  user_id: string;
  user_name: string;
  bot_id: string;
  bot_name: string;
  persona: string;
}

/** How many distinct messages are generated; the history cycles through them. */
const POOL_SIZE = 4096;

/**
 * Writes the conversations into the database at `path` (created with its
 * schema if missing) and returns how many messages were stored. The newest
 * message of each conversation is a few seconds old; older ones are spaced
 * 100 ms apart, so 100,000 messages span under 3 hours.
 */
export async function fillHistory(
  path: string,
  conversations: readonly HistorySpec[],
  authors: HistoryAuthors,
  seed = 7,
): Promise<number> {
  const random = seededRandom(seed);
  const pool = Array.from({ length: POOL_SIZE }, (_, i) => {
    const role = i % 2 === 0 ? "user" as const : "assistant" as const;
    const content = chatMessage(random, role);
    return { role, content, tokens: estimateTokens(content) };
  });
  const now = Date.now() - 5_000;
  const messageAt = (c: number, spec: HistorySpec, i: number): NewMessage => {
    const item = pool[(i + c * 37) % POOL_SIZE] ?? pool[0];
    if (item === undefined) throw new Error("The message pool is empty");
    const user = item.role === "user";
    return {
      conversation: {
        channel_id: spec.channel_id,
        guild_id: spec.guild_id,
        user_id: "",
      },
      external_id: null,
      author_id: user ? authors.user_id : authors.bot_id,
      author_name: user ? authors.user_name : authors.bot_name,
      role: item.role,
      persona: authors.persona,
      content: item.content,
      token_count: item.tokens,
      created_at: now - (spec.messages - i) * 100,
      partial: false,
    };
  };
  const store = await SqliteStore.open(path);
  let stored = 0;
  try {
    for (const [c, spec] of conversations.entries()) {
      if (spec.messages === 0) continue;
      await store.addMessage(messageAt(c, spec, 0));
      stored++;
    }
  } finally {
    await store.close();
  }
  const db = new DatabaseSync(path);
  try {
    const find = db.prepare(SQL.selectConversation);
    const insert = db.prepare(SQL.insertMessage);
    db.exec("BEGIN IMMEDIATE");
    for (const [c, spec] of conversations.entries()) {
      const row = find.get({ channel_id: spec.channel_id, user_id: "" });
      if (row === undefined) continue;
      const id = Number(row.id);
      for (let i = 1; i < spec.messages; i++) {
        insert.get(messageParams(id, messageAt(c, spec, i)));
        stored++;
      }
    }
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw new Error(
      `Cannot pre-fill the benchmark history in ${path}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  } finally {
    db.close();
  }
  return stored;
}
