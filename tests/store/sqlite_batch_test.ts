/**
 * Group commit (issue 16): the store's calls made in one run of JavaScript
 * share one commit, made before the caller resumes, and a failing call is
 * undone alone.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { CHANNEL, newMessage } from "./store_fixtures.ts";

async function withFileStore(
  body: (
    store: SqliteStore,
    peek: () => number,
    other: DatabaseSync,
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "batch-test-" });
  const path = `${dir}/bot.db`;
  try {
    await using store = await SqliteStore.open(path);
    // Another connection sees only what is committed.
    const other = new DatabaseSync(path);
    try {
      const peek = () =>
        Number(
          (other.prepare("SELECT count(*) AS n FROM messages").get() as {
            n: number;
          }).n,
        );
      await body(store, peek, other);
    } finally {
      other.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("SqliteStore commits the writes of one run of JavaScript together, before the caller resumes", async () => {
  await withFileStore(async (store, peek) => {
    const first = store.addMessage(newMessage({ content: "one" }));
    const second = store.addMessage(newMessage({ content: "two" }));
    assert.equal(peek(), 0, "nothing committed while the batch is open");
    await Promise.all([first, second]);
    assert.equal(peek(), 2, "both committed once the caller resumes");
    await store.updateMessage((await first).id, {
      content: "changed",
      updated_at: 5,
    });
    assert.equal(
      (await store.getMessage((await first).id))?.content,
      "changed",
    );
  });
});

Deno.test("SqliteStore undoes a failing call in a batch alone", async () => {
  await withFileStore(async (store, peek) => {
    const kept = store.addMessage(newMessage({ content: "kept" }));
    // A turn must start with a user message: this one fails inside its transaction.
    const refused = store.addTurn(newMessage({ role: "assistant" }), {
      source: "test",
      payload: "{}",
    });
    const after = store.addMessage(newMessage({ content: "after" }));
    await assert.rejects(refused);
    await Promise.all([kept, after]);
    assert.equal(peek(), 2);
    const history = await store.recentMessages({
      conversation: CHANNEL,
      limit: 10,
      since: 0,
    });
    assert.deepEqual(history.map((m) => m.content), ["after", "kept"]);
  });
});

Deno.test("SqliteStore reads take no write lock, and see the open batch's writes", async () => {
  await withFileStore(async (store, _peek, other) => {
    const stored = await store.addMessage(newMessage({ content: "one" }));
    // A read alone: another process may still start writing at once.
    const read = store.recentMessages({
      conversation: stored.conversation,
      limit: 10,
      since: 0,
    });
    other.exec("BEGIN IMMEDIATE");
    other.exec("ROLLBACK");
    assert.equal((await read).length, 1);
    // A read in the same run as a write sees it before it is committed.
    const added = store.addMessage(newMessage({ content: "two" }));
    const seen = store.recentMessages({
      conversation: stored.conversation,
      limit: 10,
      since: 0,
    });
    assert.deepEqual((await seen).map((m) => m.content), ["two", "one"]);
    await added;
  });
});
