/**
 * The SQLite side of durable turns (migration 0003): the statements over the
 * `turns` table and how its rows read. The store prepares them once and
 * calls them inside its own error handling and transactions.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type {
  NewMessage,
  NewTurn,
  PostedPart,
  StoredMessage,
  StoredTurn,
  TurnState,
  TurnUpdate,
} from "./store.ts";
import { type SqliteConnection, transaction } from "./sqlite_connection.ts";
import { appendToConversation, createConversation } from "./sqlite_history.ts";
import { int, messageFromRow, messageParams, text } from "./sqlite_rows.ts";

const MESSAGE_COLUMNS =
  "m.id, m.conversation_id, m.external_id, m.author_id, m.author_name, m.role, m.persona, m.content, m.token_count, m.created_at, m.updated_at, m.partial, m.reply_to_id";

/** The turn statements, by name. */
export const TURN_SQL = {
  insertTurn: `INSERT INTO turns
    (message_id, source, payload, state, received_at, updated_at)
    VALUES (:message_id, :source, :payload, 'waiting', :at, :at)`,
  openTurns: `SELECT t.source, t.payload, t.state, t.reply_id, t.posted,
    t.updated_at AS turn_updated_at, ${MESSAGE_COLUMNS},
    c.channel_id, c.guild_id, c.user_id AS conversation_user_id
    FROM turns t INDEXED BY turns_open
    JOIN messages m ON m.id = t.message_id
    JOIN conversations c ON c.id = m.conversation_id
    WHERE t.source = :source AND t.state IN ('waiting', 'running')
    ORDER BY t.message_id`,
} as const;

/** The prepared turn statements. */
export type TurnStatements = Record<keyof typeof TURN_SQL, StatementSync>;

/** Prepares {@link TURN_SQL} on `db`. */
export function prepareTurnStatements(db: DatabaseSync): TurnStatements {
  return {
    insertTurn: db.prepare(TURN_SQL.insertTurn),
    openTurns: db.prepare(TURN_SQL.openTurns),
  };
}

/** Stores a user message and its `waiting` turn in one transaction. */
export function addTurn(
  connection: SqliteConnection,
  turns: TurnStatements,
  message: NewMessage,
  turn: NewTurn,
): StoredMessage {
  return transaction(connection, () => {
    if (message.role !== "user") {
      throw new RangeError(
        `a turn starts with a user message, not a ${message.role} one`,
      );
    }
    const user = { ...message, reply_to_id: null };
    const stored = appendToConversation(connection, user) ?? (() => {
      const conversation = createConversation(
        connection,
        message.conversation,
        message.created_at,
      );
      const row = connection.statements.insertMessage.get(
        messageParams(conversation.id, user),
      );
      return {
        ...user,
        id: int(row ?? {}, "id"),
        conversation: conversation.key,
        updated_at: message.created_at,
      };
    })();
    turns.insertTurn.run({
      message_id: stored.id,
      source: turn.source,
      payload: turn.payload,
      at: message.created_at,
    });
    return stored;
  });
}

const STATES: readonly string[] = [
  "waiting",
  "running",
  "answered",
  "partial",
  "failed",
];

/** The parameters of `updateTurn`: a `set_` flag and a value per field. */
export function turnUpdateParams(
  message_id: number,
  update: TurnUpdate,
): Record<string, string | number | null> {
  if (update.state !== undefined && !STATES.includes(update.state)) {
    throw new RangeError(`"${update.state}" is not a turn state`);
  }
  return {
    message_id,
    set_state: update.state === undefined ? 0 : 1,
    state: update.state ?? null,
    set_reply_id: update.reply_id === undefined ? 0 : 1,
    reply_id: update.reply_id ?? null,
    set_posted: update.posted === undefined ? 0 : 1,
    posted: update.posted === undefined ? null : JSON.stringify(
      update.posted.map((p) => ({ id: p.id, content: p.content })),
    ),
    updated_at: update.updated_at,
  };
}

/** Reads a row of `openTurns`. */
export function turnFromRow(row: Record<string, unknown>): StoredTurn {
  const message: StoredMessage = messageFromRow(row);
  const state = text(row, "state");
  if (!STATES.includes(state)) {
    throw new TypeError(
      `Cannot read column "state": expected a turn state, found ${
        JSON.stringify(state)
      } (was the database edited by hand?)`,
    );
  }
  const reply = row.reply_id;
  return {
    message,
    source: text(row, "source"),
    payload: text(row, "payload"),
    state: state as TurnState,
    reply_id: reply === null || reply === undefined ? null : Number(reply),
    posted: parsePosted(text(row, "posted")),
    updated_at: int(row, "turn_updated_at"),
  };
}

function parsePosted(json: string): PostedPart[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.filter((p): p is PostedPart =>
      typeof p?.id === "string" && typeof p?.content === "string"
    ).map((p) => ({ id: p.id, content: p.content }));
  } catch {
    return [];
  }
}
