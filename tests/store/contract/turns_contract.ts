/**
 * The store contract: durable turns (migration 0003) — a triggered message
 * is stored with its turn at once, the turn's state and posted reply parts
 * are kept, open turns are found for recovery, and a turn goes with its
 * message. Every test runs against each backend (see `store_backends.ts`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { newMessage } from "../store_fixtures.ts";
import type { StoreBackend } from "../store_backends.ts";

/** Registers the contract tests of durable turns for one backend. */
export function turnsContract(backend: StoreBackend): void {
  backend.test("addTurn() stores the user message and a waiting turn that openTurns() returns", async () => {
    await using store = await backend.open();
    const stored = await store.addTurn(newMessage({ external_id: "555" }), {
      source: "discord",
      payload: '{"id":"555"}',
    });
    assert.deepEqual(await store.getMessage(stored.id), stored);
    const open = await store.openTurns("discord");
    assert.equal(open.length, 1);
    assert.equal(open[0]?.state, "waiting");
    assert.equal(open[0]?.payload, '{"id":"555"}');
    assert.deepEqual(open[0]?.message, stored);
    assert.deepEqual(open[0]?.posted, []);
    assert.equal(open[0]?.reply_id, null);
    assert.deepEqual(await store.openTurns("terminal"), []);
  });

  backend.test("updateTurn() keeps state, reply and posted parts; an ended turn is no longer open and drops its payload", async () => {
    await using store = await backend.open();
    const first = await store.addTurn(newMessage(), {
      source: "discord",
      payload: "{}",
    });
    const second = await store.addTurn(newMessage({ created_at: 2_000 }), {
      source: "discord",
      payload: "{}",
    });
    const reply = await store.addMessage(
      newMessage({ role: "assistant", reply_to_id: first.id, partial: true }),
    );
    await store.updateTurn(first.id, {
      state: "running",
      reply_id: reply.id,
      posted: [{ id: "900", content: "Hel" }],
      updated_at: 3_000,
    });
    let open = await store.openTurns("discord");
    assert.deepEqual(open.map((t) => [t.message.id, t.state]), [
      [first.id, "running"],
      [second.id, "waiting"],
    ]);
    assert.equal(open[0]?.reply_id, reply.id);
    assert.deepEqual(open[0]?.posted, [{ id: "900", content: "Hel" }]);
    assert.equal(open[0]?.updated_at, 3_000);
    await store.updateTurn(first.id, { state: "answered", updated_at: 4_000 });
    await store.updateTurn(second.id, { state: "failed", updated_at: 4_000 });
    open = await store.openTurns("discord");
    assert.deepEqual(open, []);
  });

  backend.test("updateTurn() changes only the fields it is given", async () => {
    await using store = await backend.open();
    const asked = await store.addTurn(newMessage(), {
      source: "discord",
      payload: '{"id":"1"}',
    });
    const reply = await store.addMessage(
      newMessage({ role: "assistant", reply_to_id: asked.id, partial: true }),
    );
    await store.updateTurn(asked.id, { state: "running", updated_at: 2_000 });
    await store.updateTurn(asked.id, { reply_id: reply.id, updated_at: 3_000 });
    await store.updateTurn(asked.id, {
      posted: [{ id: "900", content: "Hel" }],
      updated_at: 4_000,
    });
    const [open] = await store.openTurns("discord");
    assert.equal(open?.state, "running");
    assert.equal(open?.reply_id, reply.id);
    assert.equal(open?.payload, '{"id":"1"}');
    assert.deepEqual(open?.posted, [{ id: "900", content: "Hel" }]);
    assert.equal(open?.updated_at, 4_000);
  });

  backend.test("addTurn() refuses a message that is not a user message, storing nothing", async () => {
    await using store = await backend.open();
    await assert.rejects(
      store.addTurn(newMessage({ role: "assistant" }), {
        source: "discord",
        payload: "{}",
      }),
      /Cannot store a turn .*user message/,
    );
    assert.deepEqual(await store.openTurns("discord"), []);
  });

  backend.test("a turn goes with its message: retention and forgetUser() delete it", async () => {
    await using store = await backend.open();
    await store.addTurn(newMessage({ created_at: 1_000 }), {
      source: "discord",
      payload: "{}",
    });
    await store.addTurn(newMessage({ author_id: "8", created_at: 5_000 }), {
      source: "discord",
      payload: "{}",
    });
    await store.pruneMessages(2_000);
    assert.deepEqual(
      (await store.openTurns("discord")).map((t) => t.message.author_id),
      ["8"],
    );
    await store.forgetUser("8");
    assert.deepEqual(await store.openTurns("discord"), []);
  });

  backend.test("updateTurn() refuses an unknown state with a StoreError", async () => {
    await using store = await backend.open();
    const stored = await store.addTurn(newMessage(), {
      source: "discord",
      payload: "{}",
    });
    await assert.rejects(
      store.updateTurn(stored.id, {
        // deno-lint-ignore no-explicit-any
        state: "lost" as any,
        updated_at: 1,
      }),
      /Cannot update the turn of message \d+: "lost" is not a turn state/,
    );
  });
}
