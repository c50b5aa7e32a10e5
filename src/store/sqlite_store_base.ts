/**
 * The lowest layer of {@link SqliteStore}: the database and its prepared
 * statements, the write batch, the WAL checkpointer, `run` (errors become a
 * {@link StoreError}; slow operations are reported), the writability probe
 * and closing. The layers above add the methods of the contract, one
 * concern each.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { StoreError } from "./store_error.ts";
import { WalCheckpointer } from "./wal_checkpointer.ts";
import { WriteBatch } from "./sqlite_batch.ts";
import { log } from "../log/logging.ts";
import {
  MEMORY,
  prepareAll,
  type SqliteConnection,
  type SqliteStoreOptions,
  walSize,
} from "./sqlite_connection.ts";
import { messageOf } from "./store_checks.ts";
import * as turns from "./sqlite_turns.ts";
import * as images_ from "./sqlite_images.ts";
import { ShapedUpdates } from "./sqlite_updates.ts";

/** A store operation blocking the event loop longer than this is logged. */
export const SLOW_QUERY_MS = 50;

const slowLog = log("store");

/** The database and its lifecycle, shared by every layer of the SQLite store. */
export abstract class SqliteStoreBase {
  readonly #db: DatabaseSync;
  protected readonly connection: SqliteConnection;
  protected readonly turnStatements: turns.TurnStatements;
  protected readonly imageStatements: images_.ImageStatements;
  /** `updateMessage` and `updateTurn`, a statement per shape of update. */
  protected readonly updates: ShapedUpdates;
  protected readonly pruneBatch: number;
  readonly #checkpointer: WalCheckpointer | null;
  readonly #batch: WriteBatch;
  #closed = false;
  /** The database file, or `:memory:`. */
  readonly path: string;

  readonly #slowMs: number;
  readonly #onSlow: (action: string, ms: number) => void;

  protected constructor(
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
    this.pruneBatch = Math.max(1, Math.trunc(pruneBatch));
    this.connection = { db, statements: prepareAll(db) };
    this.turnStatements = turns.prepareTurnStatements(db);
    this.imageStatements = images_.prepareImageStatements(db);
    this.updates = new ShapedUpdates(db);
    this.#batch = new WriteBatch(
      db,
      this.connection.statements,
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

  /** Commits a tiny write; false if it fails or the store is closed. */
  isWritable(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    try {
      this.connection.statements.probe.run();
      return Promise.resolve(true);
    } catch {
      return Promise.resolve(false);
    }
  }

  /** Runs `PRAGMA optimize` and closes the database; later calls fail, a second close does nothing. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return this.run("close the database", () => {
      try {
        this.#batch.flush();
        this.#checkpointer?.stop();
        this.#db.exec("PRAGMA optimize");
      } finally {
        this.#db.close();
      }
    }, "closing");
  }

  /** Closes the store at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs a synchronous body as a promise; errors become a StoreError saying
   * what failed. `node:sqlite` blocks the event loop while it works, so a
   * body slower than `SLOW_QUERY_MS` (or the configured threshold) is reported.
   * A `write` body joins the write batch; a `read` body does not open one
   * (no `BEGIN IMMEDIATE` and empty commit for a read alone; inside an open
   * batch it still sees the batch's writes, on the same connection).
   */
  protected run<T>(
    action: string,
    body: () => T,
    mode: "write" | "read" | "closing" = "write",
  ): Promise<T> {
    try {
      if (this.#closed && mode !== "closing") {
        throw new Error("the store is closed");
      }
      if (mode === "write") {
        this.#checkpointer?.noteActivity();
        this.#batch.enter();
      } else if (mode === "read") this.#checkpointer?.noteUse();
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
