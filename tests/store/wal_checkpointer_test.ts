import assert from "node:assert/strict";
import { WalCheckpointer } from "../../src/store/wal_checkpointer.ts";

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
  assert.deepEqual(db.calls, ["PRAGMA wal_autocheckpoint = 0"]);
  checkpointer.tick();
  assert.equal(db.calls.length, 1, "nothing written: no checkpoint");
  checkpointer.noteActivity();
  now = 100;
  checkpointer.tick();
  assert.equal(db.calls.length, 1, "still busy");
  now = 300;
  checkpointer.tick();
  assert.deepEqual(db.calls.slice(1), ["PRAGMA wal_checkpoint(TRUNCATE)"]);
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
  assert.equal(db.calls.length, 1, "busy and small: wait");
  walBytes = 5_000;
  checkpointer.noteActivity();
  checkpointer.tick();
  assert.deepEqual(db.calls.slice(1), ["PRAGMA wal_checkpoint(TRUNCATE)"]);
  walBytes = 0;
  checkpointer.stop();
});
