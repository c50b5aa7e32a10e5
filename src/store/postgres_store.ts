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
  PersonaChoiceKey,
  RateLimitWindow,
  Store,
  StoredImage,
  StoredMessage,
  StoredTurn,
  TokenCalibration,
  TurnUpdate,
  UserPersonaChoice,
  UserRateLimit,
} from "./store.ts";
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
import * as userData from "./postgres_user_data.ts";
import * as memory from "./postgres_memory.ts";
import type {
  ConversationSummary,
  NewNote,
  UserNote,
  UserPreferences,
  UserSummary,
} from "./memory_store.ts";
import * as turns from "./postgres_turns.ts";
import * as images_ from "./postgres_images.ts";
import { describe, messageOf } from "./store_checks.ts";
import { messageFromRow, rateLimitFromRow, text } from "./sqlite_rows.ts";

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
 * connects, checks the connection and applies pending migrations.
 */
export class PostgresStore implements Store {
  readonly #sql: Sql;
  readonly #pruneBatch: number;
  #closed = false;
  /** The database's URL without its password, for messages. */
  readonly database: string;

  private constructor(sql: Sql, database: string, pruneBatch: number) {
    this.#sql = sql;
    this.database = database;
    this.#pruneBatch = Math.max(1, Math.trunc(pruneBatch));
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
    return this.#run(
      `store a message in ${describe(message.conversation)}`,
      () => queries.addMessage(this.#sql, message),
    );
  }

  /** Changes the given fields of a message and its `updated_at`; unknown ids are ignored. */
  updateMessage(id: number, update: MessageUpdate): Promise<void> {
    return this.#run(`update message ${id}`, async () => {
      await queries.run(this.#sql, "updateMessage", [
        id,
        update.content !== undefined,
        update.content ?? null,
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
    return this.#run(`read message ${id}`, async () => {
      const [row] = await queries.run(this.#sql, "getMessage", [id]);
      return row === undefined ? null : messageFromRow(row);
    });
  }

  /** The first message stored with this platform id, or null. */
  findMessageByExternalId(external_id: string): Promise<StoredMessage | null> {
    return this.#run(`find message ${external_id}`, async () => {
      const [row] = await queries.run(this.#sql, "findByExternalId", [
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
    return this.#run(
      `read the history of ${describe(query.conversation)}`,
      () => queries.recentMessages(this.#sql, query),
    );
  }

  /** Forgets the conversation's messages so far; creates it if needed. A reset never moves back. */
  resetConversation(conversation: ConversationKey, at: number): Promise<void> {
    return this.#run(`reset ${describe(conversation)}`, async () => {
      await this.#sql.begin(async (tx) => {
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
    return this.#run(`reset channel ${channel_id}`, async () => {
      return await this.#sql.begin(async (tx) => {
        const result = await queries.run(tx, "resetChannel", [at, channel_id]);
        await queries.run(tx, "deleteChannelSummaries", [channel_id]);
        return result.count;
      }) as number;
    });
  }

  /** Deletes the conversations of a deleted channel or thread, with their messages. */
  dropChannel(channel_id: string): Promise<number> {
    return this.#run(`drop channel ${channel_id}`, async () => {
      const result = await queries.run(this.#sql, "dropChannel", [channel_id]);
      return result.count;
    });
  }

  /** The time of the conversation's last reset, or null. */
  lastReset(conversation: ConversationKey): Promise<number | null> {
    return this.#run(
      `read the last reset of ${describe(conversation)}`,
      async () =>
        (await queries.findConversation(this.#sql, conversation))?.reset_at ??
          null,
    );
  }

  /** The persona chosen for this key, or null. */
  getPersonaChoice(key: PersonaChoiceKey): Promise<string | null> {
    return this.#run(
      `read the persona choice for ${key.binding_key}`,
      async () => {
        const [row] = await queries.run(this.#sql, "getPersona", [
          key.binding_key,
          key.user_id,
        ]);
        return row === undefined ? null : text(row, "persona");
      },
    );
  }

  /** Records a persona choice, or clears it with `null`. */
  setPersonaChoice(
    key: PersonaChoiceKey,
    persona: string | null,
    at: number,
  ): Promise<void> {
    return this.#run(
      `save the persona choice for ${key.binding_key}`,
      async () => {
        const params = [key.binding_key, key.user_id];
        if (persona === null) {
          await queries.run(this.#sql, "deletePersona", params);
        } else {
          await queries.run(this.#sql, "setPersona", [...params, persona, at]);
        }
      },
    );
  }

  /** Reads a rate-limit counter, or null. */
  getRateLimit(key: string): Promise<RateLimitWindow | null> {
    return this.#run(`read rate limit ${key}`, async () => {
      const [row] = await queries.run(this.#sql, "getRateLimit", [key]);
      return row === undefined ? null : rateLimitFromRow(row);
    });
  }

  /** Writes a rate-limit counter. */
  setRateLimit(key: string, window: RateLimitWindow): Promise<void> {
    return this.#run(`save rate limit ${key}`, async () => {
      await queries.run(this.#sql, "setRateLimit", [
        key,
        window.count,
        window.window_start,
        window.notified,
      ]);
    });
  }

  /**
   * Deletes the messages created before `before` in batches, then the
   * conversations left empty whose creation and last reset are older too.
   */
  /** Every stored token calibration. */
  getTokenCalibrations(): Promise<TokenCalibration[]> {
    return this.#run("read the token calibrations", async () => {
      const rows = await queries.run(this.#sql, "getTokenCalibrations", []);
      return rows.map((row) => ({
        endpoint: String(row["endpoint"]),
        model: String(row["model"]),
        ratio: Number(row["ratio"]),
        samples: Number(row["samples"]),
        updated_at: Number(row["updated_at"]),
      }));
    });
  }

  /** Stores the calibration of one endpoint and model. */
  setTokenCalibration(calibration: TokenCalibration): Promise<void> {
    return this.#run(
      `save the token calibration of ${calibration.endpoint}`,
      async () => {
        await queries.run(this.#sql, "setTokenCalibration", [
          calibration.endpoint,
          calibration.model,
          calibration.ratio,
          calibration.samples,
          calibration.updated_at,
        ]);
      },
    );
  }

  /** Deletes rate-limit windows that started before `before`; returns how many. */
  pruneRateLimits(before: number): Promise<number> {
    return this.#run("prune old rate-limit windows", async () => {
      const { count } = await queries.run(this.#sql, "pruneRateLimits", [
        before,
      ]);
      return count;
    });
  }

  /** Deletes persona choices naming a persona not in `personas`; returns how many. */
  prunePersonaChoices(personas: readonly string[]): Promise<number> {
    return this.#run("prune persona choices", async () => {
      const { count } = await queries.run(this.#sql, "prunePersonaChoices", [
        JSON.stringify(personas),
      ]);
      return count;
    });
  }

  pruneMessages(before: number): Promise<number> {
    return this.#run(
      "prune old messages",
      () => queries.pruneMessages(this.#sql, before, this.#pruneBatch),
    );
  }

  /** Messages the user wrote, their own conversations and the replies linked to them, oldest first. */
  messagesOfUser(user_id: string): Promise<StoredMessage[]> {
    return this.#run(
      `export the messages of user ${JSON.stringify(user_id)}`,
      () => userData.messagesOfUser(this.#sql, user_id),
    );
  }

  /** The user's own persona choices, by binding key. */
  personaChoicesOfUser(user_id: string): Promise<UserPersonaChoice[]> {
    return this.#run(
      `export the persona choices of user ${JSON.stringify(user_id)}`,
      () => userData.personaChoicesOfUser(this.#sql, user_id),
    );
  }

  /** The rate-limit counters whose key holds `user:<id>`, by key. */
  rateLimitsOfUser(user_id: string): Promise<UserRateLimit[]> {
    return this.#run(
      `export the rate-limit counters of user ${JSON.stringify(user_id)}`,
      () => userData.rateLimitsOfUser(this.#sql, user_id),
    );
  }

  /** Deletes everything stored about the user in one transaction; returns the rows removed. */
  forgetUser(user_id: string): Promise<number> {
    return this.#run(
      `forget user ${JSON.stringify(user_id)}`,
      () => userData.forgetUser(this.#sql, user_id),
    );
  }

  /** The conversation's summary, or null. */
  getSummary(key: ConversationKey): Promise<ConversationSummary | null> {
    return this.#run(
      `read the summary of ${describe(key)}`,
      () => memory.getSummary(this.#sql, key),
    );
  }

  /** Writes the conversation's summary unless a reset hid what it covers. */
  setSummary(
    key: ConversationKey,
    summary: ConversationSummary,
  ): Promise<boolean> {
    return this.#run(
      `save the summary of ${describe(key)}`,
      () => memory.setSummary(this.#sql, key, summary),
    );
  }

  /** Stores a note unless the user keeps `max_notes` already (null then). */
  addNote(note: NewNote, max_notes: number): Promise<UserNote | null> {
    return this.#run(
      `save a note of user ${JSON.stringify(note.user_id)}`,
      () => memory.addNote(this.#sql, note, max_notes),
    );
  }

  /** The user's notes, oldest first, made in `guild_id` or anywhere. */
  notesOfUser(user_id: string, guild_id?: string): Promise<UserNote[]> {
    return this.#run(
      `read the notes of user ${JSON.stringify(user_id)}`,
      () => memory.notesOfUser(this.#sql, user_id, guild_id),
    );
  }

  /** Deletes one note of the user; false when there is none with that id. */
  deleteNote(user_id: string, id: number): Promise<boolean> {
    return this.#run(
      `delete note ${id} of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNote(this.#sql, user_id, id),
    );
  }

  /** Deletes the user's notes made in `guild_id` or anywhere; returns how many. */
  deleteNotes(user_id: string, guild_id?: string): Promise<number> {
    return this.#run(
      `delete the notes of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNotes(this.#sql, user_id, guild_id),
    );
  }

  /** The user's preferences, or null when never set. */
  getPreferences(user_id: string): Promise<UserPreferences | null> {
    return this.#run(
      `read the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.getPreferences(this.#sql, user_id),
    );
  }

  /** Writes the user's preferences. */
  setPreferences(user_id: string, preferences: UserPreferences): Promise<void> {
    return this.#run(
      `save the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.setPreferences(this.#sql, user_id, preferences),
    );
  }

  /** Summaries of the conversations the user owns or wrote in. */
  summariesOfUser(user_id: string): Promise<UserSummary[]> {
    return this.#run(
      `export the summaries of user ${JSON.stringify(user_id)}`,
      () => memory.summariesOfUser(this.#sql, user_id),
    );
  }

  /** Deletes one message and the replies linked to it. */
  forgetTurn(message_id: number): Promise<number> {
    return this.#run(
      `forget message ${message_id}`,
      () => memory.forgetTurn(this.#sql, message_id),
    );
  }

  /** Deletes what the user wrote, what came of it and its summaries. */
  forgetHistoryOfUser(user_id: string): Promise<number> {
    return this.#run(
      `forget the history of user ${JSON.stringify(user_id)}`,
      () => memory.forgetHistoryOfUser(this.#sql, user_id),
    );
  }

  /** Stores a triggered user message and its `waiting` turn in one transaction. */
  addTurn(message: NewMessage, turn: NewTurn): Promise<StoredMessage> {
    return this.#run(
      `store a turn in ${describe(message.conversation)}`,
      () => turns.addTurn(this.#sql, message, turn),
    );
  }

  /** Changes a turn; an ended turn drops its payload. Unknown ids are ignored. */
  updateTurn(message_id: number, update: TurnUpdate): Promise<void> {
    return this.#run(
      `update the turn of message ${message_id}`,
      () => turns.updateTurn(this.#sql, message_id, update),
    );
  }

  /** The turns of `source` still waiting or running, oldest first. */
  openTurns(source: string): Promise<StoredTurn[]> {
    return this.#run(
      `read the open turns of ${source}`,
      () => turns.openTurns(this.#sql, source),
    );
  }

  /** Remembers the images of a stored message, in order. */
  addImages(message_id: number, images: readonly StoredImage[]): Promise<void> {
    return this.#run(
      `store the images of message ${message_id}`,
      () => images_.addImages(this.#sql, message_id, images),
    );
  }

  /** The images of these messages, by message id. */
  imagesOf(
    message_ids: readonly number[],
  ): Promise<Map<number, StoredImage[]>> {
    return this.#run(
      "read message images",
      () => images_.imagesOf(this.#sql, message_ids),
    );
  }

  /** Commits a tiny write; false if it fails or the store is closed. */
  async isWritable(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await queries.run(this.#sql, "probe", []);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the pool once running queries finish; a second close does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#sql.end({ timeout: 5 });
  }

  /** Closes the store at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs a query; errors become a StoreError saying what failed. */
  async #run<T>(action: string, body: () => Promise<T>): Promise<T> {
    try {
      if (this.#closed) throw new Error("the store is closed");
      return await body();
    } catch (error) {
      throw new StoreError(`Cannot ${action}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}
