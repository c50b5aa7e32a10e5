/**
 * Group commit for the SQLite store. Committing costs more than the write
 * itself in WAL mode (WAL frames and the index updated, locks taken and
 * released: about 10 µs of CPU against 3 µs for an update inside a
 * transaction), and a turn makes a dozen small writes. So the store's
 * operations run inside one `BEGIN IMMEDIATE` transaction opened by the
 * first of them and committed in a microtask: every operation started in
 * the same run of JavaScript — many turns at once under load, when Deno
 * hands back a batch of finished network reads together — shares one
 * commit.
 *
 * Nothing is promised later than before: the commit runs before the event
 * loop does anything else, so no network request or reply the bot makes
 * after a write can leave before that write is committed, and a caller
 * that `await`s an operation resumes after its commit. A failing operation
 * is undone alone (`transaction()` uses a savepoint inside the batch, and a
 * failing statement is rolled back by SQLite itself).
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";

/** The statements a batch runs. */
export interface BatchStatements {
  begin: StatementSync;
  commit: StatementSync;
  rollback: StatementSync;
}

/** One connection's batch; see the module doc. */
export class WriteBatch {
  readonly #db: DatabaseSync;
  readonly #statements: BatchStatements;
  readonly #onError: (error: unknown) => void;
  #open = false;
  readonly #flush = () => this.flush();

  /** `onError` is told about a commit that failed (its writes are lost). */
  constructor(
    db: DatabaseSync,
    statements: BatchStatements,
    onError: (error: unknown) => void,
  ) {
    this.#db = db;
    this.#statements = statements;
    this.#onError = onError;
  }

  /**
   * Opens the batch's transaction unless one is open; it commits when the
   * current microtasks are done. Throws when the database is busy past its
   * timeout, like the write itself would.
   */
  enter(): void {
    if (this.#open || this.#db.isTransaction) return;
    this.#statements.begin.run();
    this.#open = true;
    queueMicrotask(this.#flush);
  }

  /** Commits the open batch now (before a checkpoint, or closing). */
  flush(): void {
    if (!this.#open) return;
    this.#open = false;
    if (!this.#db.isOpen || !this.#db.isTransaction) return;
    try {
      this.#statements.commit.run();
    } catch (error) {
      try {
        if (this.#db.isTransaction) this.#statements.rollback.run();
      } catch {
        // the connection is gone; nothing more to undo
      }
      this.#onError(error);
    }
  }
}
