/**
 * The store contract for text the users and the model choose: a NUL
 * character (U+0000) — which PostgreSQL's `text` cannot hold and SQLite
 * reads back cut at — neither fails the write nor loses what follows it.
 * Both backends store it as U+FFFD, the character that stands for what
 * cannot be kept.
 *
 * @module
 */

import assert from "node:assert/strict";
import { CHANNEL, newMessage } from "../store_fixtures.ts";
import type { StoreBackend } from "../store_backends.ts";

const SAID = "before\u0000after";
const KEPT = "before\uFFFDafter";

/** Registers the text contract tests for one backend. */
export function textContract(backend: StoreBackend): void {
  backend.test("addMessage() and addTurn() keep what follows a NUL character in a message", async () => {
    await using store = await backend.open();
    const stored = await store.addMessage(
      newMessage({ content: SAID, author_name: "A\u0000da" }),
    );
    assert.equal(stored.content, KEPT);
    const read = await store.getMessage(stored.id);
    assert.equal(read?.content, KEPT);
    assert.equal(read?.author_name, "A\uFFFDda");
    const turn = await store.addTurn(newMessage({ content: SAID }), {
      source: "discord",
      payload: "{}",
    });
    assert.equal((await store.getMessage(turn.id))?.content, KEPT);
  });

  backend.test("updateMessage() keeps what follows a NUL character in a streamed reply", async () => {
    await using store = await backend.open();
    const reply = await store.addMessage(
      newMessage({ role: "assistant", content: "" }),
    );
    await store.updateMessage(reply.id, { content: SAID, updated_at: 2_000 });
    assert.equal((await store.getMessage(reply.id))?.content, KEPT);
    const history = await store.recentMessages({
      conversation: CHANNEL,
      limit: 10,
      since: 0,
    });
    assert.deepEqual(history.map((m) => m.content), [KEPT]);
  });

  backend.test("addNote() and setSummary() keep what follows a NUL character", async () => {
    await using store = await backend.open();
    const note = await store.addNote({
      user_id: "7",
      guild_id: "900",
      content: SAID,
      created_at: 1,
    }, 20);
    assert.equal(note?.content, KEPT);
    assert.deepEqual(
      (await store.notesOfUser("7")).map((n) => n.content),
      [KEPT],
    );
    const summary = {
      content: SAID,
      through_id: 2,
      token_count: 3,
      updated_at: 5,
    };
    assert.equal(await store.setSummary(CHANNEL, summary), true);
    assert.equal((await store.getSummary(CHANNEL))?.content, KEPT);
  });
}
