/**
 * The PostgreSQL side of durable turns (migration 0003): a user message with
 * its turn in one transaction, turn updates, and the open turns for
 * recovery. The counterpart of `sqlite_turns.ts`, whose row readers it uses.
 *
 * @module
 */

import type {
  NewMessage,
  NewTurn,
  StoredMessage,
  StoredTurn,
  TurnUpdate,
} from "./store.ts";
import type { Sql } from "./postgres_connect.ts";
import { appendToConversation, insertMessage } from "./postgres_queries.ts";
import { turnFromRow, turnUpdateParams } from "./sqlite_turns.ts";

const MESSAGE_COLUMNS =
  "m.id, m.conversation_id, m.external_id, m.author_id, m.author_name, m.role, m.persona, m.content, m.token_count, m.created_at, m.updated_at, m.partial::int AS partial, m.reply_to_id";

const INSERT_TURN = `INSERT INTO turns
  (message_id, source, payload, state, received_at, updated_at)
  VALUES ($1, $2, $3, 'waiting', $4, $4)`;

const UPDATE_TURN = `UPDATE turns SET
  state = CASE WHEN $2 THEN $3 ELSE state END,
  reply_id = CASE WHEN $4 THEN $5::bigint ELSE reply_id END,
  posted = CASE WHEN $6 THEN $7 ELSE posted END,
  payload = CASE WHEN $2 AND $3 IN ('answered', 'partial', 'failed')
    THEN '' ELSE payload END,
  updated_at = $8
  WHERE message_id = $1`;

const OPEN_TURNS = `SELECT t.source, t.payload, t.state, t.reply_id, t.posted,
  t.updated_at AS turn_updated_at, ${MESSAGE_COLUMNS},
  c.channel_id, c.guild_id, c.user_id AS conversation_user_id
  FROM turns t JOIN messages m ON m.id = t.message_id
  JOIN conversations c ON c.id = m.conversation_id
  WHERE t.source = $1 AND t.state IN ('waiting', 'running')
  ORDER BY t.message_id`;

/** Stores a user message and its `waiting` turn in one transaction. */
export async function addTurn(
  sql: Sql,
  message: NewMessage,
  turn: NewTurn,
): Promise<StoredMessage> {
  if (message.role !== "user") {
    throw new RangeError(
      `a turn starts with a user message, not a ${message.role} one`,
    );
  }
  return await sql.begin(async (tx) => {
    const user = { ...message, reply_to_id: null };
    const stored = await appendToConversation(tx, user) ??
      await insertMessage(tx, user);
    await tx.unsafe(INSERT_TURN, [
      stored.id,
      turn.source,
      turn.payload,
      message.created_at,
    ], { prepare: true });
    return stored;
  }) as StoredMessage;
}

/** Changes a turn (see `Store.updateTurn`). */
export async function updateTurn(
  sql: Sql,
  message_id: number,
  update: TurnUpdate,
): Promise<void> {
  const p = turnUpdateParams(message_id, update);
  await sql.unsafe(UPDATE_TURN, [
    message_id,
    p.set_state === 1,
    p.state ?? null,
    p.set_reply_id === 1,
    p.reply_id ?? null,
    p.set_posted === 1,
    p.posted ?? "[]",
    update.updated_at,
  ], { prepare: true });
}

/** The open turns of `source`, oldest first. */
export async function openTurns(
  sql: Sql,
  source: string,
): Promise<StoredTurn[]> {
  const rows = await sql.unsafe(OPEN_TURNS, [source], { prepare: true });
  return rows.map((row) => turnFromRow(row));
}
