import assert from "node:assert/strict";
import {
  CHECKPOINT,
  WalCheckpointer,
} from "../../src/store/wal_checkpointer.ts";
import { DatabaseSync } from "node:sqlite";

let walBytes = 0;

class RecordingDb {
  calls: string[] = [];
  exec(sql: string) {
    this.calls.push(sql);
  }
}

const settings = {
  tick_ms: 60_000,
  quiet_ms: 250,
  max_interval_ms: 30_000,
  max_wal_bytes: 1_000,
};

Deno.test("WalCheckpointer turns auto-checkpoints off and checkpoints only once the database is quiet", () => {
  const db = new RecordingDb();
  let now = 0;
  const checkpointer = new WalCheckpointer(
    db,
    () => walBytes,
    settings,
    () => now,
  );
  assert.deepEqual(db.calls, [
    "PRAGMA wal_autocheckpoint = 0",
    "PRAGMA journal_size_limit = 500",
  ]);
  checkpointer.tick();
  assert.equal(db.calls.length, 2, "nothing written: no checkpoint");
  checkpointer.noteActivity();
  now = 100;
  checkpointer.tick();
  assert.equal(db.calls.length, 2, "still busy");
  now = 300;
  checkpointer.tick();
  assert.deepEqual(db.calls.slice(2), [CHECKPOINT]);
  checkpointer.stop();
});

Deno.test("WalCheckpointer checkpoints a database that is never quiet at least every max_interval_ms", () => {
  const db = new RecordingDb();
  let now = 0;
  const checkpointer = new WalCheckpointer(
    db,
    () => walBytes,
    settings,
    () => now,
  );
  for (now = 0; now <= 31_000; now += 100) {
    checkpointer.noteActivity();
    checkpointer.tick();
  }
  assert.equal(db.calls.filter((c) => c.includes("wal_checkpoint")).length, 1);
  checkpointer.stop();
});

Deno.test("WalCheckpointer checkpoints a busy database once its WAL grows past max_wal_bytes", () => {
  const db = new RecordingDb();
  const now = 0;
  walBytes = 0;
  const checkpointer = new WalCheckpointer(
    db,
    () => walBytes,
    settings,
    () => now,
  );
  checkpointer.noteActivity();
  checkpointer.tick();
  assert.equal(db.calls.length, 2, "busy and small: wait");
  walBytes = 5_000;
  checkpointer.noteActivity();
  checkpointer.tick();
  assert.deepEqual(db.calls.slice(2), [CHECKPOINT]);
  walBytes = 0;
  checkpointer.stop();
});

Deno.test("WalCheckpointer never waits for a reader in another connection (a backup, sqlite3, export-user)", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/bot.db`;
  const db = new DatabaseSync(path);
  const reader = new DatabaseSync(path);
  try {
    // A busy timeout of 10 minutes: a checkpoint that waits for the reader hangs this test.
    db.exec("PRAGMA busy_timeout = 600000; PRAGMA journal_mode = WAL");
    db.exec("CREATE TABLE t (x INTEGER)");
    let now = 0;
    const checkpointer = new WalCheckpointer(
      db,
      () => 0,
      settings,
      () => now,
    );
    reader.exec("BEGIN");
    reader.prepare("SELECT count(*) FROM t").get();
    for (let i = 0; i < 100; i++) db.exec(`INSERT INTO t VALUES (${i})`);
    checkpointer.noteActivity();
    now = 1_000;
    checkpointer.tick();
    reader.exec("COMMIT");
    checkpointer.stop();
    assert.equal(
      (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n,
      100,
    );
  } finally {
    reader.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
