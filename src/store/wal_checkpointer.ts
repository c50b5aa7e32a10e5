/**
 * Moves SQLite's WAL checkpoints out of the way of turns. With the default
 * auto-checkpoint, the write that crosses 1000 WAL pages copies them back
 * into the database on the spot, and because `node:sqlite` is synchronous
 * that stalls the whole event loop for milliseconds in the middle of a turn
 * (measured: p99 of one turn's writes 4.1 ms with it, 0.3 ms without). The
 * store turns auto-checkpointing off and this class checkpoints instead
 * when the database has been quiet for a moment, when the WAL file has grown
 * past `max_wal_bytes` (a busy bot is never quiet), or at the latest every
 * `max_interval_ms`. Checkpoints are PASSIVE: they copy what they can and
 * never wait for a reader (a backup, `sqlite3`, `export-user` in another
 * process) — a TRUNCATE checkpoint would wait the whole busy timeout (5 s)
 * on every tick, with the event loop stopped. `journal_size_limit` shrinks
 * the WAL file back once SQLite restarts it, so its size on disk still shows
 * roughly what is pending.
 *
 * @module
 */

/** The checkpoint the checkpointer runs: never waits for readers or writers. */
export const CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)";

/** The one call the checkpointer makes on the database. */
export interface CheckpointTarget {
  exec(sql: string): void;
}

/** Timing of the checkpoints, in milliseconds. */
export interface CheckpointSettings {
  /** How often to look. */
  tick_ms: number;
  /** Quiet time after the last operation before checkpointing. */
  quiet_ms: number;
  /** Checkpoint at least this often, quiet or not. */
  max_interval_ms: number;
  /** Checkpoint once the WAL file is this large, quiet or not. */
  max_wal_bytes: number;
}

/** Default: look every 500 ms; checkpoint after 250 ms of quiet, past 8 MB of WAL, or every 30 s. */
export const DEFAULT_CHECKPOINT_SETTINGS: CheckpointSettings = {
  tick_ms: 500,
  quiet_ms: 250,
  max_interval_ms: 30_000,
  max_wal_bytes: 8 * 1024 * 1024,
};

/** Checkpoints a WAL database when it is quiet; see the module doc. */
export class WalCheckpointer {
  readonly #db: CheckpointTarget;
  readonly #settings: CheckpointSettings;
  readonly #now: () => number;
  readonly #timer: number;
  #lastActivity: number;
  #lastCheckpoint: number;
  #dirty = false;

  readonly #walSize: () => number;

  /** `walSize` reads the WAL file's size in bytes (0 when unknown). */
  constructor(
    db: CheckpointTarget,
    walSize: () => number,
    settings: CheckpointSettings = DEFAULT_CHECKPOINT_SETTINGS,
    now: () => number = Date.now,
  ) {
    this.#db = db;
    this.#walSize = walSize;
    this.#settings = settings;
    this.#now = now;
    this.#lastActivity = now();
    this.#lastCheckpoint = now();
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec(
      `PRAGMA journal_size_limit = ${Math.floor(settings.max_wal_bytes / 2)}`,
    );
    this.#timer = setInterval(
      () => this.tick(),
      settings.tick_ms,
    ) as unknown as number;
    Deno.unrefTimer(this.#timer);
  }

  /** Records that the database was written (call on every write). */
  noteActivity(): void {
    this.#lastActivity = this.#now();
    this.#dirty = true;
  }

  /** Records that the database was read: it is not quiet, but has nothing new to checkpoint. */
  noteUse(): void {
    this.#lastActivity = this.#now();
  }

  /** Checkpoints when the database has been quiet long enough, or too long since the last one. */
  tick(): void {
    if (!this.#dirty) return;
    const now = this.#now();
    const quiet = now - this.#lastActivity >= this.#settings.quiet_ms;
    const overdue =
      now - this.#lastCheckpoint >= this.#settings.max_interval_ms ||
      this.#walSize() >= this.#settings.max_wal_bytes;
    if (!quiet && !overdue) return;
    try {
      this.#db.exec(CHECKPOINT);
      this.#dirty = false;
      this.#lastCheckpoint = now;
    } catch {
      // busy or closing: the next tick tries again
    }
  }

  /** Stops the timer and checkpoints what is left. */
  stop(): void {
    clearInterval(this.#timer);
    if (this.#dirty) this.#db.exec(CHECKPOINT);
  }
}
