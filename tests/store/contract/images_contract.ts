/**
 * The store contract: message images (migration 0006) — references to the
 * images a user message carried, kept in order, replaced when stored again,
 * and gone with their message (retention, forgetUser). Every test runs
 * against each backend (see `store_backends.ts`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { newMessage } from "../store_fixtures.ts";
import type { StoreBackend } from "../store_backends.ts";

const CAT = {
  name: "cat.png",
  url: "https://cdn.discordapp.com/a/1/cat.png?ex=1",
  size: 1234,
};
const DOG = {
  name: "dog.jpg",
  url: "https://cdn.discordapp.com/a/2/dog.jpg?ex=2",
  size: 99,
};

/** Registers the contract tests of message images for one backend. */
export function imagesContract(backend: StoreBackend): void {
  backend.test("addImages() keeps references in order; imagesOf() returns them by message", async () => {
    await using store = await backend.open();
    const first = await store.addMessage(newMessage());
    const second = await store.addMessage(newMessage({ created_at: 2_000 }));
    await store.addImages(first.id, [CAT, DOG]);
    await store.addImages(second.id, [DOG]);
    const found = await store.imagesOf([first.id, second.id, 9_999]);
    assert.deepEqual(found.get(first.id), [CAT, DOG]);
    assert.deepEqual(found.get(second.id), [DOG]);
    assert.equal(found.has(9_999), false);
    assert.deepEqual(await store.imagesOf([]), new Map());
  });

  backend.test("addImages() again replaces; a message that is not stored gets nothing", async () => {
    await using store = await backend.open();
    const message = await store.addMessage(newMessage());
    await store.addImages(message.id, [CAT]);
    await store.addImages(message.id, [DOG]);
    assert.deepEqual((await store.imagesOf([message.id])).get(message.id), [
      DOG,
    ]);
    await store.addImages(message.id + 100, [CAT]);
    assert.deepEqual(await store.imagesOf([message.id + 100]), new Map());
  });

  backend.test("images go with their message: retention and forgetUser", async () => {
    await using store = await backend.open();
    const old = await store.addMessage(newMessage({ created_at: 1_000 }));
    const mine = await store.addMessage(
      newMessage({ author_id: "8", created_at: 5_000 }),
    );
    await store.addImages(old.id, [CAT]);
    await store.addImages(mine.id, [DOG]);
    await store.pruneMessages(2_000);
    assert.deepEqual(await store.imagesOf([old.id]), new Map());
    assert.equal((await store.imagesOf([mine.id])).size, 1);
    await store.forgetUser("8");
    assert.deepEqual(await store.imagesOf([mine.id]), new Map());
  });
}
