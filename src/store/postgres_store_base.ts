/**
 * The lowest layer of {@link PostgresStore}: the pool, the closed flag,
 * `run` (errors become a {@link StoreError} saying what failed), the
 * writability probe and closing. The layers above add the methods of the
 * contract, one concern each.
 *
 * @module
 */

import { StoreError } from "./store_error.ts";
import type { Sql } from "./postgres_connect.ts";
import * as queries from "./postgres_queries.ts";
import { messageOf } from "./store_checks.ts";

/** The pool and its lifecycle, shared by every layer of the PostgreSQL store. */
export abstract class PostgresStoreBase {
  protected readonly sql: Sql;
  protected readonly pruneBatch: number;
  #closed = false;
  /** The database's URL without its password, for messages. */
  readonly database: string;

  protected constructor(sql: Sql, database: string, pruneBatch: number) {
    this.sql = sql;
    this.database = database;
    this.pruneBatch = Math.max(1, Math.trunc(pruneBatch));
  }

  /** Commits a tiny write; false if it fails or the store is closed. */
  async isWritable(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await queries.run(this.sql, "probe", []);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the pool once running queries finish; a second close does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.sql.end({ timeout: 5 });
  }

  /** Closes the store at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs a query; errors become a StoreError saying what failed. */
  protected async run<T>(action: string, body: () => Promise<T>): Promise<T> {
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
