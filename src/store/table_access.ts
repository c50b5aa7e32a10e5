/**
 * Raw, table-level access to a store's database for `deno task
 * migrate-data`: list columns, count rows, read a batch after a key, and
 * upsert a batch in one transaction. One implementation per backend
 * (`sqlite_tables.ts`, `postgres_tables.ts`); values cross between them as
 * plain JavaScript (flags as booleans on the way in, each side writing its
 * own representation).
 *
 * @module
 */

/** One row: column name to value. */
export type TableRow = Record<string, unknown>;

/** A database seen as tables, for copying. */
export interface TableAccess extends AsyncDisposable {
  /** Names the database in messages (never with a password). */
  readonly name: string;
  /** Every table of the database, by name. */
  tables(): Promise<string[]>;
  /** The table's columns, in table order; empty when the table is missing. */
  columns(table: string): Promise<string[]>;
  /** The number of rows in the table. */
  count(table: string): Promise<number>;
  /**
   * Up to `limit` rows ordered by `key`, strictly after the key values
   * `after` (from the start when null). Flag columns come back as booleans.
   */
  readBatch(
    table: string,
    columns: readonly string[],
    key: readonly string[],
    after: readonly unknown[] | null,
    limit: number,
  ): Promise<TableRow[]>;
  /** Inserts the rows, replacing rows with the same key, in one transaction. */
  upsert(
    table: string,
    columns: readonly string[],
    key: readonly string[],
    rows: readonly TableRow[],
  ): Promise<void>;
  /** Makes new ids continue after the copied ones (PostgreSQL sequences). */
  afterCopy(tables: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A table that migrate-data copies: its name, key and flag columns. */
export interface CopiedTable {
  name: string;
  /** The primary key, the order rows are read and upserted in. */
  key: readonly string[];
  /** Columns stored as 0/1 in SQLite and boolean in PostgreSQL. */
  flags: readonly string[];
  /** True when `id` is generated (PostgreSQL needs its sequence moved on). */
  identity: boolean;
}

/**
 * The tables that hold the bot's data, parents before children (messages
 * after conversations; a message's reply link points at a lower id, copied
 * earlier). Bookkeeping tables (schema version, health probe) are not copied.
 */
export const COPIED_TABLES: readonly CopiedTable[] = [
  { name: "conversations", key: ["id"], flags: [], identity: true },
  { name: "messages", key: ["id"], flags: ["partial"], identity: true },
  {
    name: "persona_choices",
    key: ["binding_key", "user_id"],
    flags: [],
    identity: false,
  },
  { name: "rate_limits", key: ["key"], flags: ["notified"], identity: false },
  // After messages: a turn points at its user message and its reply.
  { name: "turns", key: ["message_id"], flags: [], identity: false },
  // After messages: an image reference belongs to a user message.
  {
    name: "message_images",
    key: ["message_id", "position"],
    flags: [],
    identity: false,
  },
  {
    name: "token_calibrations",
    key: ["endpoint", "model"],
    flags: [],
    identity: false,
  },
  {
    name: "conversation_summaries",
    key: ["conversation_id"],
    flags: [],
    identity: false,
  },
  // After conversation_summaries: an author row belongs to a summary.
  {
    name: "summary_authors",
    key: ["conversation_id", "user_id"],
    flags: [],
    identity: false,
  },
  { name: "user_notes", key: ["id"], flags: [], identity: true },
  {
    name: "user_preferences",
    key: ["user_id"],
    flags: ["ping", "history"],
    identity: false,
  },
];

/** Tables that are bookkeeping, never copied. */
export const SKIPPED_TABLES: readonly string[] = [
  "schema_version",
  "health_probe",
  "sqlite_sequence",
  "sqlite_stat1",
  "sqlite_stat4",
];
