/**
 * The store contract: persona choices, rate limits, retention and forgetting. Every test runs against each backend
 * (see `store_backends.ts`), so SQLite and PostgreSQL keep one behaviour.
 *
 * @module
 */

import assert from "node:assert/strict";
import { rateLimitKey } from "../../../src/store/rate_limit_key.ts";
import type { StoredMessage } from "../../../src/store/store.ts";
import { CHANNEL, newMessage, PRIVATE } from "../store_fixtures.ts";
import type { StoreBackend } from "../store_backends.ts";

/** Registers the contract tests of persona choices, rate limits, retention and forgetting for one backend. */
export function dataContract(backend: StoreBackend): void {
  function contents(messages: StoredMessage[]): string[] {
    return messages.map((message) => message.content);
  }

  backend.test("setPersonaChoice() keeps a user's choice apart from the channel default", async () => {
    await using store = await backend.open();
    const channelDefault = { binding_key: "100", user_id: "" };
    const ada = { binding_key: "100", user_id: "7" };
    assert.equal(await store.getPersonaChoice(ada), null);
    await store.setPersonaChoice(channelDefault, "pirate", 1_000);
    await store.setPersonaChoice(ada, "helper", 1_000);
    await store.setPersonaChoice(ada, "poet", 2_000);
    assert.equal(await store.getPersonaChoice(channelDefault), "pirate");
    assert.equal(await store.getPersonaChoice(ada), "poet");
    assert.equal(
      await store.getPersonaChoice({ binding_key: "200", user_id: "7" }),
      null,
    );
    await store.setPersonaChoice(ada, null, 3_000);
    assert.equal(await store.getPersonaChoice(ada), null);
    assert.equal(await store.getPersonaChoice(channelDefault), "pirate");
  });

  backend.test("setRateLimit() overwrites the counter that getRateLimit() reads", async () => {
    await using store = await backend.open();
    const key = rateLimitKey("user", "7", "default");
    assert.equal(await store.getRateLimit(key), null);
    await store.setRateLimit(key, {
      count: 1,
      window_start: 1_000,
      notified: false,
    });
    await store.setRateLimit(key, {
      count: 7,
      window_start: 1_000,
      notified: true,
    });
    assert.deepEqual(await store.getRateLimit(key), {
      count: 7,
      window_start: 1_000,
      notified: true,
    });
    assert.equal(await store.getRateLimit(rateLimitKey("channel", "7")), null);
  });

  backend.test("pruneMessages() deletes only messages created before the cutoff", async () => {
    await using store = await backend.open();
    for (const created_at of [1_000, 1_999, 2_000, 3_000]) {
      await store.addMessage(
        newMessage({ content: `at ${created_at}`, created_at }),
      );
    }
    assert.equal(await store.pruneMessages(2_000), 2);
    const left = await store.recentMessages({
      conversation: CHANNEL,
      limit: 9,
      since: 0,
    });
    assert.deepEqual(contents(left), ["at 3000", "at 2000"]);
    assert.equal(await store.pruneMessages(2_000), 0);
  });

  backend.test("pruneMessages() deletes more messages than one batch holds", async () => {
    await using store = await backend.open({ pruneBatchSize: 2 });
    for (let i = 0; i < 6; i++) {
      await store.addMessage(newMessage({ content: `m${i}`, created_at: i }));
    }
    assert.equal(await store.pruneMessages(5), 5);
    const left = await store.recentMessages({
      conversation: CHANNEL,
      limit: 9,
      since: 0,
    });
    assert.deepEqual(contents(left), ["m5"]);
  });

  backend.test("pruneMessages() also removes the conversations it leaves empty", async () => {
    await using store = await backend.open();
    await store.addMessage(
      newMessage({ conversation: PRIVATE, created_at: 1_000 }),
    );
    await store.resetConversation(PRIVATE, 1_500);
    await store.pruneMessages(2_000);
    assert.equal(await store.lastReset(PRIVATE), null);
    assert.deepEqual(await store.messagesOfUser("7"), []);
  });

  backend.test("pruneMessages() keeps the reset of a conversation that still has messages", async () => {
    await using store = await backend.open();
    await store.addMessage(newMessage({ content: "old", created_at: 1_000 }));
    await store.resetConversation(CHANNEL, 1_500);
    await store.addMessage(newMessage({ content: "new", created_at: 5_000 }));
    await store.pruneMessages(2_000);
    assert.equal(await store.lastReset(CHANNEL), 1_500);
  });

  backend.test("messagesOfUser() returns what the user wrote and their own conversations, oldest first", async () => {
    await using store = await backend.open();
    await store.addMessage(
      newMessage({ content: "ada in channel", created_at: 1 }),
    );
    await store.addMessage(
      newMessage({ author_id: "8", content: "bob in channel", created_at: 2 }),
    );
    await store.addMessage(
      newMessage({
        conversation: PRIVATE,
        content: "ada alone",
        created_at: 3,
      }),
    );
    await store.addMessage(newMessage({
      conversation: PRIVATE,
      role: "assistant",
      author_id: "bot",
      content: "reply to ada",
      created_at: 4,
    }));
    await store.addMessage(newMessage({
      conversation: { ...CHANNEL, user_id: "8" },
      author_id: "8",
      content: "bob alone",
      created_at: 5,
    }));
    const exported = await store.messagesOfUser("7");
    assert.deepEqual(contents(exported), [
      "ada in channel",
      "ada alone",
      "reply to ada",
    ]);
    assert.deepEqual(exported[1]?.conversation, PRIVATE);
    assert.deepEqual(await store.messagesOfUser("9"), []);
  });

  backend.test("forgetUser() removes everything stored about the user and nothing else", async () => {
    await using store = await backend.open();
    const bobPrivate = { ...CHANNEL, user_id: "8" };
    await store.addMessage(newMessage({ content: "ada in channel" }));
    await store.addMessage(
      newMessage({ author_id: "8", content: "bob in channel" }),
    );
    await store.addMessage(
      newMessage({
        role: "assistant",
        author_id: "bot",
        content: "bot in channel",
      }),
    );
    await store.addMessage(
      newMessage({ conversation: PRIVATE, content: "ada alone" }),
    );
    await store.addMessage(
      newMessage({
        conversation: PRIVATE,
        role: "assistant",
        author_id: "bot",
        content: "reply to ada",
      }),
    );
    await store.addMessage(
      newMessage({
        conversation: bobPrivate,
        author_id: "8",
        content: "bob alone",
      }),
    );
    await store.resetConversation(PRIVATE, 500);
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "7" },
      "poet",
      1,
    );
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "" },
      "pirate",
      1,
    );
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "8" },
      "helper",
      1,
    );
    const window = { count: 1, window_start: 1, notified: false };
    const adaKeys = [
      rateLimitKey("user", "7"),
      rateLimitKey("user", "7", "default"),
    ];
    const otherKeys = [
      rateLimitKey("user", "77"),
      rateLimitKey("user", "8", "7"),
      rateLimitKey("channel", "7"),
    ];
    for (const key of [...adaKeys, ...otherKeys]) {
      await store.setRateLimit(key, window);
    }

    // 2 messages by Ada + 1 reply in her conversation + her conversation
    // + 1 persona choice + 2 rate-limit counters.
    assert.equal(await store.forgetUser("7"), 7);

    assert.deepEqual(await store.messagesOfUser("7"), []);
    assert.equal(await store.lastReset(PRIVATE), null);
    assert.deepEqual(
      contents(
        await store.recentMessages({
          conversation: CHANNEL,
          limit: 9,
          since: 0,
        }),
      ),
      ["bot in channel", "bob in channel"],
    );
    assert.deepEqual(contents(await store.messagesOfUser("8")), [
      "bob in channel",
      "bob alone",
    ]);
    assert.equal(
      await store.getPersonaChoice({ binding_key: "100", user_id: "7" }),
      null,
    );
    assert.equal(
      await store.getPersonaChoice({ binding_key: "100", user_id: "" }),
      "pirate",
    );
    assert.equal(
      await store.getPersonaChoice({ binding_key: "100", user_id: "8" }),
      "helper",
    );
    for (const key of adaKeys) {
      assert.equal(await store.getRateLimit(key), null, key);
    }
    for (const key of otherKeys) {
      assert.deepEqual(await store.getRateLimit(key), window, key);
    }
    assert.equal(await store.forgetUser("7"), 0);
  });

  backend.test("forgetUser() refuses an empty user id instead of deleting every shared conversation", async () => {
    await using store = await backend.open();
    await store.addMessage(newMessage());
    await assert.rejects(
      store.forgetUser(""),
      /Cannot forget user "": the user id is empty/,
    );
    assert.equal(
      (await store.recentMessages({
        conversation: CHANNEL,
        limit: 9,
        since: 0,
      }))
        .length,
      1,
    );
  });

  backend.test("a message id is never reused after the newest message is forgotten", async () => {
    await using store = await backend.open();
    await store.addMessage(newMessage({ author_id: "8", content: "bob" }));
    const ada = await store.addMessage(newMessage({ content: "ada" }));
    await store.resetConversation(CHANNEL, 1_000);
    await store.forgetUser("7");
    const next = await store.addMessage(
      newMessage({ author_id: "8", content: "after reset", created_at: 2_000 }),
    );
    assert.ok(next.id > ada.id);
    const got = await store.recentMessages({
      conversation: CHANNEL,
      limit: 9,
      since: 0,
    });
    assert.deepEqual(contents(got), ["after reset"]);
  });
}
