/**
 * The embedded SQLite implementation of {@link Store}, over `node:sqlite`
 * (built into Deno: nothing is downloaded at run time). A file database runs
 * in WAL mode with `synchronous=NORMAL` (a committed write survives a crash of
 * the process; a power cut may lose the last ones) and a 5-second busy
 * timeout; foreign keys are on. Every statement is prepared once when the
 * store opens. Calls are synchronous underneath and return settled promises.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import type {
  ConversationKey,
  HistoryQuery,
  MessageUpdate,
  NewMessage,
  NewTurn,
  PersonaChoiceKey,
  RateLimitWindow,
  Store,
  StoredMessage,
  StoredTurn,
  TurnUpdate,
  UserPersonaChoice,
  UserRateLimit,
} from "./store.ts";
import { StoreError } from "./store_error.ts";
import { WalCheckpointer } from "./wal_checkpointer.ts";
import {
  applyMigrations,
  loadMigrations,
  type Migration,
  MigrationError,
} from "./migrations.ts";
import { SQL, type StatementName } from "./sqlite_sql.ts";
import {
  conversationFromRow,
  conversationParams,
  type ConversationRow,
  int,
  messageFromRow,
  messageParams,
  personaChoiceFromRow,
  personaKeyParams,
  rateLimitFromRow,
  rateLimitParams,
  text,
  updateParams,
  userRateLimitFromRow,
} from "./sqlite_rows.ts";
import { userKeySegment } from "./rate_limit_key.ts";
import {
  prepareTurnStatements,
  turnFromRow,
  type TurnStatements,
  turnUpdateParams,
} from "./sqlite_turns.ts";

/** How {@link SqliteStore.open} finds the schema. */
export interface SqliteStoreOptions {
  /** The migrations to apply; read from `migrationsDir` when absent. */
  migrations?: readonly Migration[];
  /** The folder of `NNNN_name.sql` files; the repository's `migrations/` by default. */
  migrationsDir?: string | URL;
  /** Milliseconds to wait for another connection's lock (default 5000). */
  busyTimeoutMs?: number;
  /** Messages deleted per statement by `pruneMessages` (default 5000). */
  pruneBatchSize?: number;
}

const MEMORY = ":memory:";

/**
 * The SQLite store. Open it with {@link SqliteStore.open}, which applies the
 * pending migrations first; `path` is a file path or `:memory:`.
 */
export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #statements: Record<StatementName, StatementSync>;
  readonly #turns: TurnStatements;
  readonly #pruneBatch: number;
  readonly #checkpointer: WalCheckpointer | null;
  #closed = false;
  /** The database file, or `:memory:`. */
  readonly path: string;

  private constructor(db: DatabaseSync, path: string, pruneBatch: number) {
    this.#db = db;
    this.path = path;
    this.#pruneBatch = Math.max(1, Math.trunc(pruneBatch));
    this.#statements = prepareAll(db);
    this.#turns = prepareTurnStatements(db);
    this.#checkpointer = path === MEMORY
      ? null
      : new WalCheckpointer(db, () => walSize(path));
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
    const migrations = options.migrations ??
      await loadMigrations(options.migrationsDir);
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
    } catch (error) {
      throw new StoreError(
        `Cannot open the database ${path}: ${messageOf(error)}`,
        { cause: error },
      );
    }
    try {
      configure(db, path, options.busyTimeoutMs ?? 5000);
      applyMigrations(db, migrations, path);
      return new SqliteStore(db, path, options.pruneBatchSize ?? 5000);
    } catch (error) {
      db.close();
      if (error instanceof MigrationError) throw error;
      throw new StoreError(
        `Cannot open the database ${path}: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Appends a message, creating its conversation on first use. A
   * `reply_to_id` is refused on a message that is not an assistant reply, and
   * when no message with that id is stored.
   */
  addMessage(message: NewMessage): Promise<StoredMessage> {
    return this.#run(
      `store a message in ${describe(message.conversation)}`,
      () =>
        this.#transaction(() => {
          this.#checkReplyLink(message);
          const conversation = this.#conversation(message.conversation) ??
            this.#createConversation(message.conversation, message.created_at);
          const row = this.#statements.insertMessage.get(
            messageParams(conversation.id, message),
          );
          return {
            ...message,
            id: int(row ?? {}, "id"),
            conversation: conversation.key,
            updated_at: message.created_at,
            reply_to_id: message.reply_to_id ?? null,
          };
        }),
    );
  }

  /** Changes the given fields of a message and its `updated_at`; unknown ids are ignored. */
  updateMessage(id: number, update: MessageUpdate): Promise<void> {
    return this.#run(`update message ${id}`, () => {
      this.#statements.updateMessage.run(updateParams(id, update));
    });
  }

  /** Reads one message by id, or null. */
  getMessage(id: number): Promise<StoredMessage | null> {
    return this.#run(`read message ${id}`, () => {
      const row = this.#statements.getMessage.get({ id });
      return row === undefined ? null : messageFromRow(row);
    });
  }

  /** The first message stored with this platform id, or null. */
  findMessageByExternalId(external_id: string): Promise<StoredMessage | null> {
    return this.#run(`find message ${external_id}`, () => {
      const row = this.#statements.findByExternalId.get({ external_id });
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
      () => {
        const limit = sqlLimit(query.limit);
        if (Number.isNaN(query.since)) throw new RangeError("since is NaN");
        const conversation = this.#conversation(query.conversation);
        if (limit === 0 || conversation === undefined) return [];
        const since = Math.max(query.since, conversation.reset_at ?? -Infinity);
        const rows = this.#statements.recentMessages.all({
          conversation_id: conversation.id,
          after_id: conversation.reset_after_id,
          before_id: query.before_id ?? Number.MAX_SAFE_INTEGER,
          since: Number.isFinite(since) ? since : Number.MIN_SAFE_INTEGER,
          limit,
        });
        return rows.map((row) => messageFromRow(row, conversation.key));
      },
    );
  }

  /**
   * Forgets the conversation's messages stored so far and those created
   * before `at`; creates the conversation if needed. A reset never moves back.
   */
  resetConversation(conversation: ConversationKey, at: number): Promise<void> {
    return this.#run(`reset ${describe(conversation)}`, () => {
      this.#statements.resetConversation.run({
        ...conversationParams(conversation),
        at,
      });
    });
  }

  /** Resets every stored conversation of the channel (shared and per-user). */
  resetChannel(channel_id: string, at: number): Promise<number> {
    return this.#run(`reset channel ${channel_id}`, () => {
      const result = this.#statements.resetChannel.run({ channel_id, at });
      return Number(result.changes);
    });
  }

  /** The time of the conversation's last reset, or null. */
  lastReset(conversation: ConversationKey): Promise<number | null> {
    return this.#run(`read the last reset of ${describe(conversation)}`, () => {
      return this.#conversation(conversation)?.reset_at ?? null;
    });
  }

  /** The persona chosen for this key, or null. */
  getPersonaChoice(key: PersonaChoiceKey): Promise<string | null> {
    return this.#run(`read the persona choice for ${key.binding_key}`, () => {
      const row = this.#statements.getPersona.get(personaKeyParams(key));
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
      if (persona === null) this.#statements.deletePersona.run(params);
      else {this.#statements.setPersona.run({
          ...params,
          persona,
          updated_at: at,
        });}
    });
  }

  /** Reads a rate-limit counter, or null. */
  getRateLimit(key: string): Promise<RateLimitWindow | null> {
    return this.#run(`read rate limit ${key}`, () => {
      const row = this.#statements.getRateLimit.get({ key });
      return row === undefined ? null : rateLimitFromRow(row);
    });
  }

  /** Writes a rate-limit counter. */
  setRateLimit(key: string, window: RateLimitWindow): Promise<void> {
    return this.#run(`save rate limit ${key}`, () => {
      this.#statements.setRateLimit.run(rateLimitParams(key, window));
    });
  }

  /**
   * Deletes the messages created before `before`, in batches so other
   * connections are not locked out for long, then the conversations left
   * empty whose creation and last reset are also older. Returns the number
   * of messages deleted.
   */
  pruneMessages(before: number): Promise<number> {
    return this.#run("prune old messages", () => {
      let total = 0;
      for (;;) {
        const { changes } = this.#statements.pruneMessages.run({
          before,
          batch: this.#pruneBatch,
        });
        total += Number(changes);
        if (Number(changes) < this.#pruneBatch) break;
      }
      this.#statements.pruneConversations.run({ before });
      return total;
    });
  }

  /**
   * Messages the user wrote, every message of the user's own conversations
   * and the assistant replies linked to the user's messages, oldest first.
   */
  messagesOfUser(user_id: string): Promise<StoredMessage[]> {
    return this.#run(
      `export the messages of user ${JSON.stringify(user_id)}`,
      () => {
        requireUserId(user_id);
        return this.#statements.messagesOfUser.all({ user_id }).map((row) =>
          messageFromRow(row)
        );
      },
    );
  }

  /** The user's own persona choices, by binding key. */
  personaChoicesOfUser(user_id: string): Promise<UserPersonaChoice[]> {
    return this.#run(
      `export the persona choices of user ${JSON.stringify(user_id)}`,
      () => {
        requireUserId(user_id);
        return this.#statements.personaChoicesOfUser.all({ user_id }).map(
          personaChoiceFromRow,
        );
      },
    );
  }

  /** The rate-limit counters whose key holds `user:<id>`, by key. */
  rateLimitsOfUser(user_id: string): Promise<UserRateLimit[]> {
    return this.#run(
      `export the rate-limit counters of user ${JSON.stringify(user_id)}`,
      () => {
        requireUserId(user_id);
        const segment = `:${userKeySegment(user_id)}:`;
        return this.#statements.rateLimitsOfUser.all({ segment }).map(
          userRateLimitFromRow,
        );
      },
    );
  }

  /**
   * Deletes, in one transaction, the assistant replies linked to the user's
   * messages (first, before the link is cleared), the user's messages, their
   * own conversations with every message in them, their persona choices and
   * the rate-limit counters whose key holds `user:<id>`. Returns the rows
   * removed.
   */
  forgetUser(user_id: string): Promise<number> {
    return this.#run(`forget user ${JSON.stringify(user_id)}`, () => {
      requireUserId(user_id);
      return this.#transaction(() => {
        const s = this.#statements;
        const segment = `:${userKeySegment(user_id)}:`;
        return [
          s.forgetLinkedReplies.run({ user_id }),
          s.forgetAuthoredMessages.run({ user_id }),
          s.forgetConversationMessages.run({ user_id }),
          s.forgetConversations.run({ user_id }),
          s.forgetPersonas.run({ user_id }),
          s.forgetRateLimits.run({ segment }),
        ].reduce((sum, result) => sum + Number(result.changes), 0);
      });
    });
  }

  /** Stores a triggered user message and its `waiting` turn in one transaction. */
  addTurn(message: NewMessage, turn: NewTurn): Promise<StoredMessage> {
    return this.#run(
      `store a turn in ${describe(message.conversation)}`,
      () =>
        this.#transaction(() => {
          if (message.role !== "user") {
            throw new RangeError(
              `a turn starts with a user message, not a ${message.role} one`,
            );
          }
          const conversation = this.#conversation(message.conversation) ??
            this.#createConversation(message.conversation, message.created_at);
          const row = this.#statements.insertMessage.get(
            messageParams(conversation.id, message),
          );
          const id = int(row ?? {}, "id");
          this.#turns.insertTurn.run({
            message_id: id,
            source: turn.source,
            payload: turn.payload,
            at: message.created_at,
          });
          return {
            ...message,
            id,
            conversation: conversation.key,
            updated_at: message.created_at,
            reply_to_id: null,
          };
        }),
    );
  }

  /** Changes a turn; an ended turn drops its payload. Unknown ids are ignored. */
  updateTurn(message_id: number, update: TurnUpdate): Promise<void> {
    return this.#run(`update the turn of message ${message_id}`, () => {
      this.#turns.updateTurn.run(turnUpdateParams(message_id, update));
    });
  }

  /** The turns of `source` still waiting or running, oldest first. */
  openTurns(source: string): Promise<StoredTurn[]> {
    return this.#run(
      `read the open turns of ${source}`,
      () => this.#turns.openTurns.all({ source }).map(turnFromRow),
    );
  }

  /** Commits a tiny write; false if it fails or the store is closed. */
  isWritable(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    try {
      this.#statements.probe.run();
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

  /** Throws when the message's `reply_to_id` is not a link to a stored message from an assistant reply. */
  #checkReplyLink(message: NewMessage): void {
    const id = message.reply_to_id;
    if (id === undefined || id === null) return;
    if (message.role !== "assistant") {
      throw new RangeError(
        `a ${message.role} message cannot carry reply_to_id ${id}: only assistant replies link to the message they answer`,
      );
    }
    if (!Number.isSafeInteger(id) || id < 1) {
      throw new RangeError(
        `reply_to_id ${id} is not a message id (a positive integer)`,
      );
    }
    if (this.#statements.messageExists.get({ id }) === undefined) {
      throw new RangeError(
        `the message it replies to (id ${id}) is not stored; it may have been deleted by retention or forget-user`,
      );
    }
  }

  #conversation(key: ConversationKey): ConversationRow | undefined {
    const row = this.#statements.selectConversation.get({
      channel_id: key.channel_id,
      user_id: key.user_id,
    });
    return row === undefined ? undefined : conversationFromRow(row);
  }

  #createConversation(key: ConversationKey, at: number): ConversationRow {
    const row = this.#statements.insertConversation.get({
      ...conversationParams(key),
      created_at: at,
    });
    return conversationFromRow(row ?? {});
  }

  #transaction<T>(body: () => T): T {
    this.#statements.begin.run();
    try {
      const result = body();
      this.#statements.commit.run();
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#statements.rollback.run();
      throw error;
    }
  }

  /** Runs a synchronous body as a promise; errors become a StoreError saying what failed. */
  #run<T>(action: string, body: () => T, closing = false): Promise<T> {
    try {
      if (this.#closed && !closing) {
        throw new Error("the store is closed");
      }
      this.#checkpointer?.noteActivity();
      return Promise.resolve(body());
    } catch (error) {
      return Promise.reject(
        new StoreError(`Cannot ${action}: ${messageOf(error)}`, {
          cause: error,
        }),
      );
    }
  }
}

/** The size of a database's WAL file in bytes, or 0 when it cannot be read. */
function walSize(path: string): number {
  try {
    return Deno.statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

function configure(db: DatabaseSync, path: string, busyTimeoutMs: number) {
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  if (path !== MEMORY) db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
}

function prepareAll(db: DatabaseSync): Record<StatementName, StatementSync> {
  const entries = Object.entries(SQL).map(([name, sql]) => {
    return [name, db.prepare(sql)] as const;
  });
  return Object.fromEntries(entries) as Record<StatementName, StatementSync>;
}

/** Refuses an empty user id, which would match every shared conversation. */
function requireUserId(user_id: string): void {
  if (user_id === "") throw new RangeError("the user id is empty");
}

/** Turns a HistoryQuery limit into SQL's: 0 for none, -1 for unlimited. */
function sqlLimit(limit: number): number {
  if (Number.isNaN(limit)) throw new RangeError("the limit is NaN");
  if (limit === Infinity) return -1;
  return Math.max(0, Math.floor(limit));
}

function describe(key: ConversationKey): string {
  return key.user_id === ""
    ? `the conversation of channel ${key.channel_id}`
    : `the conversation of user ${key.user_id} in channel ${key.channel_id}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
