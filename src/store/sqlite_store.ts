/**
 * The embedded SQLite implementation of {@link Store}, over `node:sqlite`
 * (built into Deno: nothing is downloaded at run time). A file database runs
 * in WAL mode with `synchronous=NORMAL` (a committed write survives a crash of
 * the process; a power cut may lose the last ones) and a 5-second busy
 * timeout; foreign keys are on. Every statement is prepared once when the
 * store opens. Calls are synchronous underneath and return settled promises;
 * the calls made in one run of JavaScript share one commit
 * (`sqlite_batch.ts`), made before the event loop goes on.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type {
  ConversationKey,
  HistoryQuery,
  MessageUpdate,
  NewMessage,
  NewTurn,
  Store,
  StoredImage,
  StoredMessage,
  StoredTurn,
  TurnUpdate,
} from "./store.ts";
import { openDatabase, type SqliteStoreOptions } from "./sqlite_connection.ts";
import * as history from "./sqlite_history.ts";
import { transaction } from "./sqlite_connection.ts";
import { conversationParams, messageFromRow } from "./sqlite_rows.ts";
import { describe, storableMessage, storableUpdate } from "./store_checks.ts";
import * as turns from "./sqlite_turns.ts";
import * as images_ from "./sqlite_images.ts";
import { SqliteMemoryMethods } from "./sqlite_memory_methods.ts";

export type { SqliteStoreOptions };
export { SLOW_QUERY_MS } from "./sqlite_store_base.ts";

/** Lets timers and I/O run between two batches of a long operation. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The SQLite store. Open it with {@link SqliteStore.open}, which applies the
 * pending migrations first; `path` is a file path or `:memory:`. The
 * methods come in layers, one concern each: `sqlite_store_base.ts`
 * (database, batch, checkpoints, closing), `sqlite_settings_methods.ts`
 * (persona choices, rate limits, calibrations), `sqlite_memory_methods.ts`
 * (user data, memory) and this file (messages, resets, turns, images).
 */
export class SqliteStore extends SqliteMemoryMethods implements Store {
  private constructor(
    db: DatabaseSync,
    path: string,
    pruneBatch: number,
    options: SqliteStoreOptions = {},
  ) {
    super(db, path, pruneBatch, options);
  }

  /**
   * Opens (creating if missing) the database at `path` — whose folder must
   * exist — configures it, applies the pending migrations and prepares the
   * statements. Throws a `MigrationError` for a database from a newer bot or
   * a failing migration, and a {@link StoreError} when the file cannot be opened.
   */
  static async open(
    path: string,
    options: SqliteStoreOptions = {},
  ): Promise<SqliteStore> {
    const db = await openDatabase(path, options);
    return new SqliteStore(
      db,
      path,
      options.pruneBatchSize ?? 250,
      options,
    );
  }

  /**
   * Appends a message, creating its conversation on first use. A
   * `reply_to_id` is refused on a message that is not an assistant reply, and
   * when no message with that id is stored.
   */
  addMessage(message: NewMessage): Promise<StoredMessage> {
    return this.run(
      `store a message in ${describe(message.conversation)}`,
      () => history.addMessage(this.connection, storableMessage(message)),
    );
  }

  /** Changes the given fields of a message and its `updated_at`; unknown ids are ignored. */
  updateMessage(id: number, update: MessageUpdate): Promise<void> {
    return this.run(`update message ${id}`, () => {
      this.updates.updateMessage(id, storableUpdate(update));
    });
  }

  /** Reads one message by id, or null. */
  getMessage(id: number): Promise<StoredMessage | null> {
    return this.run(`read message ${id}`, () => {
      const row = this.connection.statements.getMessage.get({ id });
      return row === undefined ? null : messageFromRow(row);
    }, "read");
  }

  /** The first message stored with this platform id, or null. */
  findMessageByExternalId(external_id: string): Promise<StoredMessage | null> {
    return this.run(`find message ${external_id}`, () => {
      const row = this.connection.statements.findByExternalId.get({
        external_id,
      });
      return row === undefined ? null : messageFromRow(row);
    }, "read");
  }

  /**
   * The newest messages of the conversation, newest first (by id): at most
   * `limit`, created at or after `since`, below `before_id`, and none stored
   * before its last reset or created before the reset's time.
   */
  recentMessages(query: HistoryQuery): Promise<StoredMessage[]> {
    return this.run(
      `read the history of ${describe(query.conversation)}`,
      () => history.recentMessages(this.connection, query),
      "read",
    );
  }

  /**
   * Forgets the conversation's messages stored so far and those created
   * before `at`; creates the conversation if needed. A reset never moves back.
   */
  resetConversation(conversation: ConversationKey, at: number): Promise<void> {
    return this.run(`reset ${describe(conversation)}`, () => {
      transaction(this.connection, () => {
        const s = this.connection.statements;
        s.resetConversation.run({ ...conversationParams(conversation), at });
        s.deleteSummary.run({
          channel_id: conversation.channel_id,
          user_id: conversation.user_id,
        });
      });
    });
  }

  /** Resets every stored conversation of the channel (shared and per-user). */
  resetChannel(channel_id: string, at: number): Promise<number> {
    return this.run(
      `reset channel ${channel_id}`,
      () =>
        transaction(this.connection, () => {
          const s = this.connection.statements;
          const result = s.resetChannel.run({ channel_id, at });
          s.deleteChannelSummaries.run({ channel_id });
          return Number(result.changes);
        }),
    );
  }

  /** Deletes the conversations of a deleted channel or thread, with their messages. */
  dropChannel(channel_id: string): Promise<number> {
    return this.run(`drop channel ${channel_id}`, () => {
      const result = this.connection.statements.dropChannel.run({
        channel_id,
      });
      return Number(result.changes);
    });
  }

  /** The time of the conversation's last reset, or null. */
  lastReset(conversation: ConversationKey): Promise<number | null> {
    return this.run(`read the last reset of ${describe(conversation)}`, () => {
      return history.findConversation(this.connection, conversation)
        ?.reset_at ?? null;
    }, "read");
  }

  /**
   * Deletes the messages created before `before`, in batches so other
   * connections are not locked out for long, then the conversations left
   * empty whose creation and last reset are also older. Returns the number
   * of messages deleted.
   */
  async pruneMessages(before: number): Promise<number> {
    // One batch per statement, yielding between them: a big prune never
    // holds the event loop for long.
    let total = 0;
    for (;;) {
      const deleted = await this.run(
        "prune old messages",
        () =>
          history.pruneMessageBatch(this.connection, before, this.pruneBatch),
      );
      total += deleted;
      if (deleted < this.pruneBatch) break;
      await yieldToEventLoop();
    }
    await this.run(
      "prune empty conversations",
      () => history.pruneEmptyConversations(this.connection, before),
    );
    return total;
  }

  /** Stores a triggered user message and its `waiting` turn in one transaction. */
  addTurn(message: NewMessage, turn: NewTurn): Promise<StoredMessage> {
    return this.run(
      `store a turn in ${describe(message.conversation)}`,
      () =>
        turns.addTurn(
          this.connection,
          this.turnStatements,
          storableMessage(message),
          turn,
        ),
    );
  }

  /** Changes a turn; an ended turn drops its payload. Unknown ids are ignored. */
  updateTurn(message_id: number, update: TurnUpdate): Promise<void> {
    return this.run(`update the turn of message ${message_id}`, () => {
      this.updates.updateTurn(message_id, update);
    });
  }

  /** The turns of `source` still waiting or running, oldest first. */
  openTurns(source: string): Promise<StoredTurn[]> {
    return this.run(
      `read the open turns of ${source}`,
      () =>
        this.turnStatements.openTurns.all({ source }).map(turns.turnFromRow),
      "read",
    );
  }

  /** Remembers the images of a stored message, in order. */
  addImages(message_id: number, images: readonly StoredImage[]): Promise<void> {
    return this.run(
      `store the images of message ${message_id}`,
      () =>
        images_.addImages(
          this.connection,
          this.imageStatements,
          message_id,
          images,
        ),
    );
  }

  /** The images of these messages, by message id. */
  imagesOf(
    message_ids: readonly number[],
  ): Promise<Map<number, StoredImage[]>> {
    return this.run(
      "read message images",
      () =>
        images_.imagesByMessage(
          message_ids.length === 0 ? [] : this.imageStatements.imagesOf.all({
            ids: JSON.stringify(message_ids),
          }),
        ),
      "read",
    );
  }
}
