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
import { WalCheckpointer } from "./wal_checkpointer.ts";
import { WriteBatch } from "./sqlite_batch.ts";
import { log } from "../log/logging.ts";

/** A store operation blocking the event loop longer than this is logged. */
export const SLOW_QUERY_MS = 50;

const slowLog = log("store");

/** Lets timers and I/O run between two batches of a long operation. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
import {
  MEMORY,
  openDatabase,
  prepareAll,
  type SqliteConnection,
  type SqliteStoreOptions,
  walSize,
} from "./sqlite_connection.ts";
import * as history from "./sqlite_history.ts";
import * as userData from "./sqlite_user_data.ts";
import * as memory from "./sqlite_memory.ts";
import type {
  ConversationSummary,
  NewNote,
  UserNote,
  UserPreferences,
  UserSummary,
} from "./memory_store.ts";
import { transaction } from "./sqlite_connection.ts";
import {
  conversationParams,
  messageFromRow,
  personaKeyParams,
  rateLimitFromRow,
  rateLimitParams,
  text,
  updateParams,
} from "./sqlite_rows.ts";
import { describe, messageOf } from "./store_checks.ts";
import * as turns from "./sqlite_turns.ts";
import * as images_ from "./sqlite_images.ts";

export type { SqliteStoreOptions };

/**
 * The SQLite store. Open it with {@link SqliteStore.open}, which applies the
 * pending migrations first; `path` is a file path or `:memory:`.
 */
export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #connection: SqliteConnection;
  readonly #turns: turns.TurnStatements;
  readonly #images: images_.ImageStatements;
  readonly #pruneBatch: number;
  readonly #checkpointer: WalCheckpointer | null;
  readonly #batch: WriteBatch;
  #closed = false;
  /** The database file, or `:memory:`. */
  readonly path: string;

  readonly #slowMs: number;
  readonly #onSlow: (action: string, ms: number) => void;

  private constructor(
    db: DatabaseSync,
    path: string,
    pruneBatch: number,
    options: SqliteStoreOptions = {},
  ) {
    this.#db = db;
    this.#slowMs = options.slowOperationMs ?? SLOW_QUERY_MS;
    this.#onSlow = options.onSlowOperation ??
      ((action, ms) =>
        slowLog.warn(
          "Slow store operation: {action} blocked the bot for {ms} ms",
          { action, ms: Math.round(ms) },
        ));
    this.path = path;
    this.#pruneBatch = Math.max(1, Math.trunc(pruneBatch));
    this.#connection = { db, statements: prepareAll(db) };
    this.#turns = turns.prepareTurnStatements(db);
    this.#images = images_.prepareImageStatements(db);
    this.#batch = new WriteBatch(
      db,
      this.#connection.statements,
      (error) =>
        slowLog.error("Could not commit the store's last writes: {error}", {
          error,
        }),
    );
    // A checkpoint cannot run inside the batch's transaction: commit it first.
    this.#checkpointer = path === MEMORY ? null : new WalCheckpointer({
      exec: (sql: string) => {
        this.#batch.flush();
        db.exec(sql);
      },
    }, () => walSize(path));
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
    return this.#run(
      `store a message in ${describe(message.conversation)}`,
      () => history.addMessage(this.#connection, message),
    );
  }

  /** Changes the given fields of a message and its `updated_at`; unknown ids are ignored. */
  updateMessage(id: number, update: MessageUpdate): Promise<void> {
    return this.#run(`update message ${id}`, () => {
      this.#connection.statements.updateMessage.run(updateParams(id, update));
    });
  }

  /** Reads one message by id, or null. */
  getMessage(id: number): Promise<StoredMessage | null> {
    return this.#run(`read message ${id}`, () => {
      const row = this.#connection.statements.getMessage.get({ id });
      return row === undefined ? null : messageFromRow(row);
    });
  }

  /** The first message stored with this platform id, or null. */
  findMessageByExternalId(external_id: string): Promise<StoredMessage | null> {
    return this.#run(`find message ${external_id}`, () => {
      const row = this.#connection.statements.findByExternalId.get({
        external_id,
      });
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
      () => history.recentMessages(this.#connection, query),
    );
  }

  /**
   * Forgets the conversation's messages stored so far and those created
   * before `at`; creates the conversation if needed. A reset never moves back.
   */
  resetConversation(conversation: ConversationKey, at: number): Promise<void> {
    return this.#run(`reset ${describe(conversation)}`, () => {
      transaction(this.#connection, () => {
        const s = this.#connection.statements;
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
    return this.#run(
      `reset channel ${channel_id}`,
      () =>
        transaction(this.#connection, () => {
          const s = this.#connection.statements;
          const result = s.resetChannel.run({ channel_id, at });
          s.deleteChannelSummaries.run({ channel_id });
          return Number(result.changes);
        }),
    );
  }

  /** Deletes the conversations of a deleted channel or thread, with their messages. */
  dropChannel(channel_id: string): Promise<number> {
    return this.#run(`drop channel ${channel_id}`, () => {
      const result = this.#connection.statements.dropChannel.run({
        channel_id,
      });
      return Number(result.changes);
    });
  }

  /** The time of the conversation's last reset, or null. */
  lastReset(conversation: ConversationKey): Promise<number | null> {
    return this.#run(`read the last reset of ${describe(conversation)}`, () => {
      return history.findConversation(this.#connection, conversation)
        ?.reset_at ?? null;
    });
  }

  /** The persona chosen for this key, or null. */
  getPersonaChoice(key: PersonaChoiceKey): Promise<string | null> {
    return this.#run(`read the persona choice for ${key.binding_key}`, () => {
      const row = this.#connection.statements.getPersona.get(
        personaKeyParams(key),
      );
      return row === undefined ? null : text(row, "persona");
    });
  }

  /** Records a persona choice, or clears it with `null`. */
  setPersonaChoice(
    key: PersonaChoiceKey,
    persona: string | null,
    at: number,
  ): Promise<void> {
    return this.#run(`save the persona choice for ${key.binding_key}`, () => {
      const params = personaKeyParams(key);
      if (persona === null) {
        this.#connection.statements.deletePersona.run(params);
      } else {this.#connection.statements.setPersona.run({
          ...params,
          persona,
          updated_at: at,
        });}
    });
  }

  /** Reads a rate-limit counter, or null. */
  getRateLimit(key: string): Promise<RateLimitWindow | null> {
    return this.#run(`read rate limit ${key}`, () => {
      const row = this.#connection.statements.getRateLimit.get({ key });
      return row === undefined ? null : rateLimitFromRow(row);
    });
  }

  /** Writes a rate-limit counter. */
  setRateLimit(key: string, window: RateLimitWindow): Promise<void> {
    return this.#run(`save rate limit ${key}`, () => {
      this.#connection.statements.setRateLimit.run(
        rateLimitParams(key, window),
      );
    });
  }

  /**
   * Deletes the messages created before `before`, in batches so other
   * connections are not locked out for long, then the conversations left
   * empty whose creation and last reset are also older. Returns the number
   * of messages deleted.
   */
  /** Every stored token calibration. */
  getTokenCalibrations(): Promise<TokenCalibration[]> {
    return this.#run(
      "read the token calibrations",
      () =>
        this.#connection.statements.getTokenCalibrations.all().map((row) => ({
          endpoint: String(row.endpoint),
          model: String(row.model),
          ratio: Number(row.ratio),
          samples: Number(row.samples),
          updated_at: Number(row.updated_at),
        })),
    );
  }

  /** Stores the calibration of one endpoint and model. */
  setTokenCalibration(calibration: TokenCalibration): Promise<void> {
    return this.#run(
      `save the token calibration of ${calibration.endpoint}`,
      () => {
        this.#connection.statements.setTokenCalibration.run({
          endpoint: calibration.endpoint,
          model: calibration.model,
          ratio: calibration.ratio,
          samples: calibration.samples,
          updated_at: calibration.updated_at,
        });
      },
    );
  }

  /** Deletes rate-limit windows that started before `before`; returns how many. */
  pruneRateLimits(before: number): Promise<number> {
    return this.#run(
      "prune old rate-limit windows",
      () =>
        Number(
          this.#connection.statements.pruneRateLimits.run({ before }).changes,
        ),
    );
  }

  /** Deletes persona choices naming a persona not in `personas`; returns how many. */
  prunePersonaChoices(personas: readonly string[]): Promise<number> {
    return this.#run(
      "prune persona choices",
      () =>
        Number(
          this.#connection.statements.prunePersonaChoices.run({
            personas: JSON.stringify(personas),
          }).changes,
        ),
    );
  }

  async pruneMessages(before: number): Promise<number> {
    // One batch per statement, yielding between them: a big prune never
    // holds the event loop for long.
    let total = 0;
    for (;;) {
      const deleted = await this.#run(
        "prune old messages",
        () =>
          history.pruneMessageBatch(this.#connection, before, this.#pruneBatch),
      );
      total += deleted;
      if (deleted < this.#pruneBatch) break;
      await yieldToEventLoop();
    }
    await this.#run(
      "prune empty conversations",
      () => history.pruneEmptyConversations(this.#connection, before),
    );
    return total;
  }

  /**
   * Messages the user wrote, every message of the user's own conversations
   * and the assistant replies linked to the user's messages, oldest first.
   */
  messagesOfUser(user_id: string): Promise<StoredMessage[]> {
    return this.#run(
      `export the messages of user ${JSON.stringify(user_id)}`,
      () => userData.messagesOfUser(this.#connection, user_id),
    );
  }

  /** The user's own persona choices, by binding key. */
  personaChoicesOfUser(user_id: string): Promise<UserPersonaChoice[]> {
    return this.#run(
      `export the persona choices of user ${JSON.stringify(user_id)}`,
      () => userData.personaChoicesOfUser(this.#connection, user_id),
    );
  }

  /** The rate-limit counters whose key holds `user:<id>`, by key. */
  rateLimitsOfUser(user_id: string): Promise<UserRateLimit[]> {
    return this.#run(
      `export the rate-limit counters of user ${JSON.stringify(user_id)}`,
      () => userData.rateLimitsOfUser(this.#connection, user_id),
    );
  }

  /**
   * Deletes, in one transaction, the assistant replies linked to the user's
   * messages, the user's messages, their own conversations with every
   * message in them, their persona choices and the rate-limit counters whose
   * key holds `user:<id>`. Returns the rows removed.
   */
  forgetUser(user_id: string): Promise<number> {
    return this.#run(
      `forget user ${JSON.stringify(user_id)}`,
      () => userData.forgetUser(this.#connection, user_id),
    );
  }

  /** The conversation's summary, or null. */
  getSummary(key: ConversationKey): Promise<ConversationSummary | null> {
    return this.#run(
      `read the summary of ${describe(key)}`,
      () => memory.getSummary(this.#connection, key),
    );
  }

  /** Writes the conversation's summary unless a reset hid what it covers. */
  setSummary(
    key: ConversationKey,
    summary: ConversationSummary,
  ): Promise<boolean> {
    return this.#run(
      `save the summary of ${describe(key)}`,
      () => memory.setSummary(this.#connection, key, summary),
    );
  }

  /** Stores a note unless the user keeps `max_notes` already (null then). */
  addNote(note: NewNote, max_notes: number): Promise<UserNote | null> {
    return this.#run(
      `save a note of user ${JSON.stringify(note.user_id)}`,
      () => memory.addNote(this.#connection, note, max_notes),
    );
  }

  /** The user's notes, oldest first, made in `guild_id` or anywhere. */
  notesOfUser(user_id: string, guild_id?: string): Promise<UserNote[]> {
    return this.#run(
      `read the notes of user ${JSON.stringify(user_id)}`,
      () => memory.notesOfUser(this.#connection, user_id, guild_id),
    );
  }

  /** Deletes one note of the user; false when there is none with that id. */
  deleteNote(user_id: string, id: number): Promise<boolean> {
    return this.#run(
      `delete note ${id} of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNote(this.#connection, user_id, id),
    );
  }

  /** Deletes the user's notes made in `guild_id` or anywhere; returns how many. */
  deleteNotes(user_id: string, guild_id?: string): Promise<number> {
    return this.#run(
      `delete the notes of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNotes(this.#connection, user_id, guild_id),
    );
  }

  /** The user's preferences, or null when never set. */
  getPreferences(user_id: string): Promise<UserPreferences | null> {
    return this.#run(
      `read the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.getPreferences(this.#connection, user_id),
    );
  }

  /** Writes the user's preferences. */
  setPreferences(user_id: string, preferences: UserPreferences): Promise<void> {
    return this.#run(
      `save the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.setPreferences(this.#connection, user_id, preferences),
    );
  }

  /** Summaries of the conversations the user owns or wrote in. */
  summariesOfUser(user_id: string): Promise<UserSummary[]> {
    return this.#run(
      `export the summaries of user ${JSON.stringify(user_id)}`,
      () => memory.summariesOfUser(this.#connection, user_id),
    );
  }

  /** Deletes one message and the replies linked to it. */
  forgetTurn(message_id: number): Promise<number> {
    return this.#run(
      `forget message ${message_id}`,
      () => memory.forgetTurn(this.#connection, message_id),
    );
  }

  /** Deletes what the user wrote, what came of it and its summaries. */
  forgetHistoryOfUser(user_id: string): Promise<number> {
    return this.#run(
      `forget the history of user ${JSON.stringify(user_id)}`,
      () => memory.forgetHistoryOfUser(this.#connection, user_id),
    );
  }

  /** Stores a triggered user message and its `waiting` turn in one transaction. */
  addTurn(message: NewMessage, turn: NewTurn): Promise<StoredMessage> {
    return this.#run(
      `store a turn in ${describe(message.conversation)}`,
      () => turns.addTurn(this.#connection, this.#turns, message, turn),
    );
  }

  /** Changes a turn; an ended turn drops its payload. Unknown ids are ignored. */
  updateTurn(message_id: number, update: TurnUpdate): Promise<void> {
    return this.#run(`update the turn of message ${message_id}`, () => {
      this.#turns.updateTurn.run(turns.turnUpdateParams(message_id, update));
    });
  }

  /** The turns of `source` still waiting or running, oldest first. */
  openTurns(source: string): Promise<StoredTurn[]> {
    return this.#run(
      `read the open turns of ${source}`,
      () => this.#turns.openTurns.all({ source }).map(turns.turnFromRow),
    );
  }

  /** Remembers the images of a stored message, in order. */
  addImages(message_id: number, images: readonly StoredImage[]): Promise<void> {
    return this.#run(
      `store the images of message ${message_id}`,
      () =>
        images_.addImages(this.#connection, this.#images, message_id, images),
    );
  }

  /** The images of these messages, by message id. */
  imagesOf(
    message_ids: readonly number[],
  ): Promise<Map<number, StoredImage[]>> {
    return this.#run(
      "read message images",
      () =>
        images_.imagesByMessage(
          message_ids.length === 0 ? [] : this.#images.imagesOf.all({
            ids: JSON.stringify(message_ids),
          }),
        ),
    );
  }

  /** Commits a tiny write; false if it fails or the store is closed. */
  isWritable(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    try {
      this.#connection.statements.probe.run();
      return Promise.resolve(true);
    } catch {
      return Promise.resolve(false);
    }
  }

  /** Runs `PRAGMA optimize` and closes the database; later calls fail, a second close does nothing. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return this.#run("close the database", () => {
      try {
        this.#batch.flush();
        this.#checkpointer?.stop();
        this.#db.exec("PRAGMA optimize");
      } finally {
        this.#db.close();
      }
    }, true);
  }

  /** Closes the store at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs a synchronous body as a promise; errors become a StoreError saying
   * what failed. `node:sqlite` blocks the event loop while it works, so a
   * body slower than `SLOW_QUERY_MS` (or the configured threshold) is reported.
   */
  #run<T>(action: string, body: () => T, closing = false): Promise<T> {
    try {
      if (this.#closed && !closing) {
        throw new Error("the store is closed");
      }
      this.#checkpointer?.noteActivity();
      if (!closing) this.#batch.enter();
      const started = performance.now();
      const result = body();
      const ms = performance.now() - started;
      if (ms > this.#slowMs) this.#onSlow(action, ms);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(
        new StoreError(`Cannot ${action}: ${messageOf(error)}`, {
          cause: error,
        }),
      );
    }
  }
}
