/**
 * The store contract: what can be listed and deleted about one user. Every test runs against each backend
 * (see `store_backends.ts`), so SQLite and PostgreSQL keep one behaviour.
 *
 * @module
 */

import assert from "node:assert/strict";
import { rateLimitKey } from "../../../src/store/rate_limit_key.ts";
import type { NewMessage, StoredMessage } from "../../../src/store/store.ts";
import { CHANNEL, newMessage, PRIVATE } from "../store_fixtures.ts";
import type { StoreBackend, TestStore } from "../store_backends.ts";

/** Registers the contract tests of what can be listed and deleted about one user for one backend. */
export function userDataContract(backend: StoreBackend): void {
  function contents(messages: StoredMessage[]): string[] {
    return messages.map((message) => message.content);
  }

  /** A bot reply in the shared channel, linked to `reply_to_id`. */
  function botReply(
    content: string,
    reply_to_id: number | null,
    overrides: Partial<NewMessage> = {},
  ): NewMessage {
    return newMessage({
      author_id: "0",
      author_name: "Helper",
      role: "assistant",
      content,
      reply_to_id,
      ...overrides,
    });
  }

  /**
   * The shared channel: Ada (7) and the bot's reply to her, Bob (8) and the
   * bot's reply to him, and a bot message linked to nothing; Ada's own
   * conversation with a linked reply.
   */
  async function sharedChannel(store: TestStore) {
    const ada = await store.addMessage(newMessage({ content: "ada asks" }));
    const toAda = await store.addMessage(botReply("to ada", ada.id));
    const bob = await store.addMessage(
      newMessage({ author_id: "8", author_name: "Bob", content: "bob asks" }),
    );
    const toBob = await store.addMessage(botReply("to bob", bob.id));
    await store.addMessage(botReply("unlinked", null));
    const alone = await store.addMessage(
      newMessage({ conversation: PRIVATE, content: "ada alone" }),
    );
    await store.addMessage(
      botReply("to ada alone", alone.id, { conversation: PRIVATE }),
    );
    return { ada, toAda, bob, toBob };
  }

  backend.test("addMessage() stores reply_to_id and every read returns it", async () => {
    await using store = await backend.open();
    const { ada, toAda, bob } = await sharedChannel(store);
    assert.equal(toAda.reply_to_id, ada.id);
    assert.equal(ada.reply_to_id, null);
    assert.deepEqual(await store.getMessage(toAda.id), toAda);
    const recent = await store.recentMessages({
      conversation: CHANNEL,
      limit: 9,
      since: 0,
    });
    assert.deepEqual(recent.map((m) => [m.content, m.reply_to_id]), [
      ["unlinked", null],
      ["to bob", bob.id],
      ["bob asks", null],
      ["to ada", ada.id],
      ["ada asks", null],
    ]);
  });

  backend.test("messagesOfUser() includes the bot's replies linked to the user's messages, not those to others", async () => {
    await using store = await backend.open();
    const { ada, toAda } = await sharedChannel(store);
    const exported = await store.messagesOfUser("7");
    assert.deepEqual(contents(exported), [
      "ada asks",
      "to ada",
      "ada alone",
      "to ada alone",
    ]);
    assert.deepEqual(exported[1], toAda);
    assert.equal(exported[1]?.reply_to_id, ada.id);
    assert.deepEqual(contents(await store.messagesOfUser("8")), [
      "bob asks",
      "to bob",
    ]);
  });

  backend.test("forgetUser() deletes the replies linked to the user's messages, counts them, and keeps replies to others", async () => {
    await using store = await backend.open();
    const { bob, toBob } = await sharedChannel(store);
    // "ada asks" and "ada alone", the replies linked to them ("to ada",
    // "to ada alone"), and her own conversation.
    assert.equal(await store.forgetUser("7"), 5);
    const left = await store.recentMessages({
      conversation: CHANNEL,
      limit: 9,
      since: 0,
    });
    assert.deepEqual(contents(left), ["unlinked", "to bob", "bob asks"]);
    assert.deepEqual(await store.getMessage(toBob.id), toBob);
    assert.equal(toBob.reply_to_id, bob.id);
    assert.deepEqual(await store.messagesOfUser("7"), []);
    assert.equal(await store.forgetUser("7"), 0);
  });

  backend.test("a reply whose user message retention deleted stays, unlinked, and is no longer the user's", async () => {
    await using store = await backend.open();
    const ada = await store.addMessage(newMessage({ created_at: 1_000 }));
    const reply = await store.addMessage(
      botReply("late", ada.id, { created_at: 2_000 }),
    );
    assert.equal(await store.pruneMessages(1_500), 1);
    assert.deepEqual(await store.getMessage(reply.id), {
      ...reply,
      reply_to_id: null,
    });
    assert.deepEqual(await store.messagesOfUser("7"), []);
  });

  backend.test("addMessage() refuses a reply_to_id that is not a link from a reply to a stored message", async (t) => {
    const cases: { name: string; message: NewMessage; reason: RegExp }[] = [
      {
        name: "on a user message",
        message: newMessage({ reply_to_id: 1 }),
        reason:
          /a user message cannot carry reply_to_id 1: only assistant replies link/,
      },
      {
        name: "not an id",
        message: botReply("x", 1.5),
        reason: /reply_to_id 1\.5 is not a message id \(a positive integer\)/,
      },
      {
        name: "an unknown id",
        message: botReply("x", 99),
        reason:
          /the message it replies to \(id 99\) is not stored; it may have been deleted by retention or forget-user/,
      },
    ];
    for (const { name, message, reason } of cases) {
      await t.step(name, async () => {
        await using store = await backend.open();
        await store.addMessage(newMessage({ content: "first" }));
        await assert.rejects(store.addMessage(message), (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(
            error.message,
            /^Cannot store a message in the conversation of channel 100: /,
          );
          assert.match(error.message, reason);
          return true;
        });
        assert.deepEqual(
          contents(
            await store.recentMessages({
              conversation: CHANNEL,
              limit: 9,
              since: 0,
            }),
          ),
          ["first"],
        );
      });
    }
  });

  backend.test("personaChoicesOfUser() lists the user's own choices by binding key, not defaults or others'", async () => {
    await using store = await backend.open();
    await store.setPersonaChoice(
      { binding_key: "200", user_id: "7" },
      "poet",
      5,
    );
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "7" },
      "bard",
      1,
    );
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "7" },
      "sage",
      3,
    );
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "" },
      "pirate",
      1,
    );
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "8" },
      "bard",
      1,
    );
    await store.setPersonaChoice(
      { binding_key: "300", user_id: "7" },
      "poet",
      1,
    );
    await store.setPersonaChoice({ binding_key: "300", user_id: "7" }, null, 2);
    assert.deepEqual(await store.personaChoicesOfUser("7"), [
      { binding_key: "100", persona: "sage", updated_at: 3 },
      { binding_key: "200", persona: "poet", updated_at: 5 },
    ]);
    assert.deepEqual(await store.personaChoicesOfUser("9"), []);
  });

  backend.test("rateLimitsOfUser() lists exactly the counters forgetUser() deletes, by key", async () => {
    await using store = await backend.open();
    const window = { count: 2, window_start: 60_000, notified: true };
    const adaKeys = [
      rateLimitKey("user", "7", "default"),
      rateLimitKey("channel", "100", "user", "7"),
      rateLimitKey("user", "7"),
    ];
    const otherKeys = [
      rateLimitKey("user", "77"),
      rateLimitKey("user", "8", "7"),
      rateLimitKey("channel", "7"),
    ];
    for (const key of [...adaKeys, ...otherKeys]) {
      await store.setRateLimit(key, window);
    }
    assert.deepEqual(await store.rateLimitsOfUser("7"), [
      { key: "channel:100:user:7", count: 2, window_start: 60_000 },
      { key: "user:7", count: 2, window_start: 60_000 },
      { key: "user:7:default", count: 2, window_start: 60_000 },
    ]);
    assert.equal(await store.forgetUser("7"), adaKeys.length);
    assert.deepEqual(await store.rateLimitsOfUser("7"), []);
    assert.equal((await store.rateLimitsOfUser("77")).length, 1);
  });

  backend.test("the user-data lookups refuse an empty user id instead of listing every shared conversation", async (t) => {
    await using store = await backend.open();
    await store.addMessage(newMessage());
    await store.setPersonaChoice(
      { binding_key: "100", user_id: "" },
      "pirate",
      1,
    );
    const lookups = {
      messagesOfUser:
        /^Cannot export the messages of user "": the user id is empty$/,
      personaChoicesOfUser:
        /^Cannot export the persona choices of user "": the user id is empty$/,
      rateLimitsOfUser:
        /^Cannot export the rate-limit counters of user "": the user id is empty$/,
    } as const;
    for (const [name, message] of Object.entries(lookups)) {
      await t.step(name, async () => {
        await assert.rejects(
          store[name as keyof typeof lookups](""),
          (error: unknown) => {
            assert.ok(error instanceof Error);
            assert.match(error.message, message);
            return true;
          },
        );
      });
    }
  });
}
