/**
 * The PostgreSQL implementation of {@link Store}, over postgres.js
 * (`npm:postgres`): a pool of connections shared by the whole process, every
 * statement of `postgres_sql.ts` sent as a named prepared statement, and a
 * transaction wherever one call writes more than one row (a message with its
 * new conversation, `forgetUser`). Several bot processes may share one
 * database: nothing is cached in the process, so each read sees what any
 * process committed. Rows are read with the checked readers of
 * `sqlite_rows.ts`.
 *
 * @module
 */

import type {
  ConversationKey,
  HistoryQuery,
  MessageUpdate,
  NewMessage,
  NewTurn,
  StoredImage,
  StoredMessage,
  StoredTurn,
  TurnUpdate,
} from "./store.ts";
import type { Store } from "./store.ts";
import { StoreError } from "./store_error.ts";
import {
  loadMigrations,
  type Migration,
  MigrationError,
} from "./migrations.ts";
import {
  connectError,
  createPool,
  describePostgresUrl,
  type PostgresConnectOptions,
  type Sql,
} from "./postgres_connect.ts";
import { applyPostgresMigrations } from "./postgres_migrations.ts";
import * as queries from "./postgres_queries.ts";
import * as turns from "./postgres_turns.ts";
import * as images_ from "./postgres_images.ts";
import {
  describe,
  messageOf,
  storableMessage,
  storableText,
} from "./store_checks.ts";
import { messageFromRow } from "./sqlite_rows.ts";
import { PostgresMemoryMethods } from "./postgres_memory_methods.ts";

/** How {@link PostgresStore.open} connects and finds the schema. */
export interface PostgresStoreOptions extends PostgresConnectOptions {
  /** The migrations to apply; read from `migrationsDir` when absent. */
  migrations?: readonly Migration[];
  /** The folder of migrations; the repository's `migrations/` by default. */
  migrationsDir?: string | URL;
  /** Messages deleted per statement by `pruneMessages` (default 5000). */
  pruneBatchSize?: number;
}

/**
 * The PostgreSQL store. Open it with {@link PostgresStore.open}, which
 * connects, checks the connection and applies pending migrations. The
 * methods come in layers, one concern each: `postgres_store_base.ts` (pool,
 * closing), `postgres_settings_methods.ts` (persona choices, rate limits,
 * calibrations), `postgres_memory_methods.ts` (user data, memory) and this
 * file (messages, resets, turns, images).
 */
export class PostgresStore extends PostgresMemoryMethods implements Store {
  private constructor(sql: Sql, database: string, pruneBatch: number) {
    super(sql, database, pruneBatch);
  }

  /**
   * Connects to the database at `url` (`postgres://` or `postgresql://`),
   * applies the pending migrations under an advisory lock and returns the
   * store. Rejects with a one-line {@link StoreError} when the server cannot
   * be reached or refuses the connection, and a `MigrationError` for a
   * database from a newer bot or a failing migration.
   */
  static async open(
    url: string,
    options: PostgresStoreOptions = {},
  ): Promise<PostgresStore> {
    const migrations = options.migrations ??
      await loadMigrations(options.migrationsDir, "postgres");
    const database = describePostgresUrl(url);
    const sql = createPool(url, options);
    try {
      try {
        await sql.unsafe("SELECT 1");
      } catch (error) {
        throw connectError(error, url);
      }
      await applyPostgresMigrations(sql, migrations, database);
      return new PostgresStore(sql, database, options.pruneBatchSize ?? 5000);
    } catch (error) {
      await sql.end({ timeout: 1 });
      if (error instanceof MigrationError || error instanceof StoreError) {
        throw error;
      }
      throw new StoreError(
        `Cannot open the database ${database}: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Appends a message, creating its conversation on first use, in one
   * transaction. A `reply_to_id` is refused on a message that is not an
   * assistant reply, and when no message with that id is stored.
   */
  addMessage(message: NewMessage): Promise<StoredMessage> {
    return this.run(
      `store a message in ${describe(message.conversation)}`,
      () => queries.addMessage(this.sql, storableMessage(message)),
    );
  }

  /** Changes the given fields of a message and its `updated_at`; unknown ids are ignored. */
  updateMessage(id: number, update: MessageUpdate): Promise<void> {
    return this.run(`update message ${id}`, async () => {
      await queries.run(this.sql, "updateMessage", [
        id,
        update.content !== undefined,
        update.content === undefined ? null : storableText(update.content),
        update.token_count !== undefined,
        update.token_count ?? null,
        update.partial !== undefined,
        update.partial ?? false,
        update.external_id !== undefined,
        update.external_id ?? null,
        update.updated_at,
      ]);
    });
  }

  /** Reads one message by id, or null. */
  getMessage(id: number): Promise<StoredMessage | null> {
    return this.run(`read message ${id}`, async () => {
      const [row] = await queries.run(this.sql, "getMessage", [id]);
      return row === undefined ? null : messageFromRow(row);
    });
  }

  /** The first message stored with this platform id, or null. */
  findMessageByExternalId(external_id: string): Promise<StoredMessage | null> {
    return this.run(`find message ${external_id}`, async () => {
      const [row] = await queries.run(this.sql, "findByExternalId", [
        external_id,
      ]);
      return row === undefined ? null : messageFromRow(row);
    });
  }

  /**
   * The newest messages of the conversation, newest first (by id): at most
   * `limit`, created at or after `since`, below `before_id`, and none stored
   * before its last reset or created before the reset's time.
   */
  recentMessages(query: HistoryQuery): Promise<StoredMessage[]> {
    return this.run(
      `read the history of ${describe(query.conversation)}`,
      () => queries.recentMessages(this.sql, query),
    );
  }

  /** Forgets the conversation's messages so far; creates it if needed. A reset never moves back. */
  resetConversation(conversation: ConversationKey, at: number): Promise<void> {
    return this.run(`reset ${describe(conversation)}`, async () => {
      await this.sql.begin(async (tx) => {
        await queries.run(tx, "resetConversation", [
          at,
          conversation.channel_id,
          conversation.guild_id,
          conversation.user_id,
        ]);
        await queries.run(tx, "deleteSummary", [
          conversation.channel_id,
          conversation.user_id,
        ]);
      });
    });
  }

  /** Resets every stored conversation of the channel (shared and per-user). */
  resetChannel(channel_id: string, at: number): Promise<number> {
    return this.run(`reset channel ${channel_id}`, async () => {
      return await this.sql.begin(async (tx) => {
        const result = await queries.run(tx, "resetChannel", [at, channel_id]);
        await queries.run(tx, "deleteChannelSummaries", [channel_id]);
        return result.count;
      }) as number;
    });
  }

  /** Deletes the conversations of a deleted channel or thread, with their messages. */
  dropChannel(channel_id: string): Promise<number> {
    return this.run(`drop channel ${channel_id}`, async () => {
      const result = await queries.run(this.sql, "dropChannel", [channel_id]);
      return result.count;
    });
  }

  /** The time of the conversation's last reset, or null. */
  lastReset(conversation: ConversationKey): Promise<number | null> {
    return this.run(
      `read the last reset of ${describe(conversation)}`,
      async () =>
        (await queries.findConversation(this.sql, conversation))?.reset_at ??
          null,
    );
  }

  /**
   * Deletes the messages created before `before` in batches, then the
   * conversations left empty whose creation and last reset are older too.
   */
  pruneMessages(before: number): Promise<number> {
    return this.run(
      "prune old messages",
      () => queries.pruneMessages(this.sql, before, this.pruneBatch),
    );
  }

  /** Stores a triggered user message and its `waiting` turn in one transaction. */
  addTurn(message: NewMessage, turn: NewTurn): Promise<StoredMessage> {
    return this.run(
      `store a turn in ${describe(message.conversation)}`,
      () => turns.addTurn(this.sql, storableMessage(message), turn),
    );
  }

  /** Changes a turn; an ended turn drops its payload. Unknown ids are ignored. */
  updateTurn(message_id: number, update: TurnUpdate): Promise<void> {
    return this.run(
      `update the turn of message ${message_id}`,
      () => turns.updateTurn(this.sql, message_id, update),
    );
  }

  /** The turns of `source` still waiting or running, oldest first. */
  openTurns(source: string): Promise<StoredTurn[]> {
    return this.run(
      `read the open turns of ${source}`,
      () => turns.openTurns(this.sql, source),
    );
  }

  /** Remembers the images of a stored message, in order. */
  addImages(message_id: number, images: readonly StoredImage[]): Promise<void> {
    return this.run(
      `store the images of message ${message_id}`,
      () => images_.addImages(this.sql, message_id, images),
    );
  }

  /** The images of these messages, by message id. */
  imagesOf(
    message_ids: readonly number[],
  ): Promise<Map<number, StoredImage[]>> {
    return this.run(
      "read message images",
      () => images_.imagesOf(this.sql, message_ids),
    );
  }
}
