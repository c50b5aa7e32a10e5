/**
 * The store contract: conversations, messages and resets. Every test runs against each backend
 * (see `store_backends.ts`), so SQLite and PostgreSQL keep one behaviour.
 *
 * @module
 */

import assert from "node:assert/strict";
import { StoreError } from "../../../src/store/store_error.ts";
import type {
  ConversationKey,
  StoredMessage,
} from "../../../src/store/store.ts";
import { CHANNEL, newMessage, PRIVATE } from "../store_fixtures.ts";
import type { StoreBackend, TestStore } from "../store_backends.ts";

/** Registers the contract tests of conversations, messages and resets for one backend. */
export function historyContract(backend: StoreBackend): void {
  function contents(messages: StoredMessage[]): string[] {
    return messages.map((message) => message.content);
  }

  backend.test("addMessage() stores a message that getMessage() reads back unchanged", async () => {
    await using store = await backend.open();
    const input = newMessage({
      external_id: "555",
      token_count: null,
      partial: true,
    });
    const stored = await store.addMessage(input);
    assert.deepEqual(stored, {
      ...input,
      id: stored.id,
      updated_at: 1_000,
      reply_to_id: null,
    });
    assert.deepEqual(await store.getMessage(stored.id), stored);
    assert.equal(await store.getMessage(stored.id + 1), null);
  });

  backend.test("addMessage() gives increasing ids across conversations", async () => {
    await using store = await backend.open();
    const a = await store.addMessage(newMessage());
    const b = await store.addMessage(newMessage({ conversation: PRIVATE }));
    const c = await store.addMessage(newMessage());
    assert.ok(a.id < b.id && b.id < c.id);
  });

  backend.test("addMessage() keeps snowflakes as exact strings", async () => {
    await using store = await backend.open();
    const snowflake = "1234567890123456789"; // above Number.MAX_SAFE_INTEGER
    const stored = await store.addMessage(newMessage({
      conversation: { channel_id: snowflake, guild_id: snowflake, user_id: "" },
      external_id: snowflake,
      author_id: snowflake,
    }));
    const read = await store.findMessageByExternalId(snowflake);
    assert.deepEqual(read, stored);
    assert.equal(read?.conversation.channel_id, snowflake);
  });

  backend.test("addMessage() rejects a row the schema forbids with a StoreError naming the conversation", async () => {
    await using store = await backend.open();
    await assert.rejects(
      store.addMessage(newMessage({ role: "robot" as "user" })),
      (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.match(
          error.message,
          /^Cannot store a message in the conversation of channel 100: (CHECK constraint failed|new row for relation "messages" violates check constraint)/,
        );
        assert.ok(error.cause instanceof Error);
        return true;
      },
    );
    assert.deepEqual(
      await store.recentMessages({
        conversation: CHANNEL,
        limit: 10,
        since: 0,
      }),
      [],
    );
  });

  backend.test("updateMessage() changes only the fields it is given", async (t) => {
    await using store = await backend.open();
    const cases = [
      { name: "content", update: { content: "hel" } },
      { name: "token_count to null", update: { token_count: null } },
      { name: "partial cleared", update: { partial: false } },
      { name: "external_id", update: { external_id: "777" } },
      {
        name: "everything at once",
        update: {
          content: "done",
          token_count: 9,
          partial: false,
          external_id: null,
        },
      },
    ];
    for (const { name, update } of cases) {
      await t.step(name, async () => {
        const before = await store.addMessage(
          newMessage({
            role: "assistant",
            content: "",
            partial: true,
            external_id: "1",
          }),
        );
        await store.updateMessage(before.id, { ...update, updated_at: 2_000 });
        assert.deepEqual(await store.getMessage(before.id), {
          ...before,
          ...update,
          updated_at: 2_000,
        });
      });
    }
    await t.step("an unknown id is ignored", async () => {
      await store.updateMessage(999_999, { content: "x", updated_at: 1 });
      assert.equal(await store.getMessage(999_999), null);
    });
  });

  backend.test("findMessageByExternalId() finds the replied-to message, or null", async () => {
    await using store = await backend.open();
    await store.addMessage(newMessage({ external_id: "10", content: "first" }));
    await store.addMessage(
      newMessage({ external_id: "11", content: "second" }),
    );
    assert.equal(
      (await store.findMessageByExternalId("11"))?.content,
      "second",
    );
    assert.equal(await store.findMessageByExternalId("12"), null);
  });

  /** Adds messages "m0".."m{n-1}" created at 1000, 1001, … to a conversation. */
  async function addSeries(
    store: TestStore,
    count: number,
    conversation: ConversationKey = CHANNEL,
    start = 1_000,
  ): Promise<StoredMessage[]> {
    const stored: StoredMessage[] = [];
    for (let i = 0; i < count; i++) {
      stored.push(
        await store.addMessage(
          newMessage({ conversation, content: `m${i}`, created_at: start + i }),
        ),
      );
    }
    return stored;
  }

  backend.test("recentMessages() returns the newest messages first, within the query's limits", async (t) => {
    await using store = await backend.open();
    const series = await addSeries(store, 6);
    await store.addMessage(
      newMessage({ conversation: PRIVATE, content: "elsewhere" }),
    );
    const cases = [
      {
        name: "limit",
        query: { limit: 3, since: 0 },
        want: ["m5", "m4", "m3"],
      },
      { name: "since", query: { limit: 50, since: 1_004 }, want: ["m5", "m4"] },
      {
        name: "before_id",
        query: { limit: 2, since: 0, before_id: series[3]?.id ?? 0 },
        want: ["m2", "m1"],
      },
      { name: "limit 0", query: { limit: 0, since: 0 }, want: [] },
      {
        name: "no limit",
        query: { limit: Infinity, since: -Infinity },
        want: ["m5", "m4", "m3", "m2", "m1", "m0"],
      },
    ];
    for (const { name, query, want } of cases) {
      await t.step(name, async () => {
        const got = await store.recentMessages({
          conversation: CHANNEL,
          ...query,
        });
        assert.deepEqual(contents(got), want);
      });
    }
    await t.step("a conversation never written to", async () => {
      const other = { ...CHANNEL, channel_id: "404" };
      assert.deepEqual(
        await store.recentMessages({ conversation: other, limit: 5, since: 0 }),
        [],
      );
    });
  });

  backend.test("recentMessages() stops at the last reset", async () => {
    await using store = await backend.open();
    await addSeries(store, 3);
    await store.resetConversation(CHANNEL, 1_002);
    // Stored after the reset, in the same millisecond: a fixed clock must not hide it.
    await store.addMessage(newMessage({ content: "after", created_at: 1_002 }));
    // Stored after the reset but written before it (a late arrival): forgotten.
    await store.addMessage(newMessage({ content: "late", created_at: 1_001 }));
    const got = await store.recentMessages({
      conversation: CHANNEL,
      limit: 50,
      since: 0,
    });
    assert.deepEqual(contents(got), ["after"]);
  });

  backend.test("resetConversation() leaves other conversations alone and never moves back", async () => {
    await using store = await backend.open();
    await addSeries(store, 2, CHANNEL);
    await addSeries(store, 2, PRIVATE);
    assert.equal(await store.lastReset(CHANNEL), null);
    await store.resetConversation(CHANNEL, 5_000);
    await store.resetConversation(CHANNEL, 4_000);
    assert.equal(await store.lastReset(CHANNEL), 5_000);
    assert.equal(await store.lastReset(PRIVATE), null);
    assert.deepEqual(
      contents(
        await store.recentMessages({
          conversation: PRIVATE,
          limit: 9,
          since: 0,
        }),
      ),
      ["m1", "m0"],
    );
  });

  backend.test("resetConversation() of a conversation never written to records the reset", async () => {
    await using store = await backend.open();
    await store.resetConversation(PRIVATE, 3_000);
    assert.equal(await store.lastReset(PRIVATE), 3_000);
    await store.addMessage(
      newMessage({ conversation: PRIVATE, content: "old", created_at: 2_000 }),
    );
    await store.addMessage(
      newMessage({ conversation: PRIVATE, content: "new", created_at: 3_500 }),
    );
    const got = await store.recentMessages({
      conversation: PRIVATE,
      limit: 9,
      since: 0,
    });
    assert.deepEqual(contents(got), ["new"]);
  });

  backend.test("resetChannel() resets the shared and every per-user conversation of that channel only", async () => {
    await using store = await backend.open();
    const bob = { ...CHANNEL, user_id: "8" };
    const otherChannel = { ...CHANNEL, channel_id: "200" };
    for (const conversation of [CHANNEL, PRIVATE, bob, otherChannel]) {
      await addSeries(store, 2, conversation);
    }
    assert.equal(await store.resetChannel("100", 9_000), 3);
    for (const conversation of [CHANNEL, PRIVATE, bob]) {
      assert.equal(await store.lastReset(conversation), 9_000);
      assert.deepEqual(
        await store.recentMessages({ conversation, limit: 9, since: 0 }),
        [],
      );
    }
    assert.equal(await store.lastReset(otherChannel), null);
    assert.equal(
      (await store.recentMessages({
        conversation: otherChannel,
        limit: 9,
        since: 0,
      })).length,
      2,
    );
    assert.equal(await store.resetChannel("404", 9_000), 0);
  });

  backend.test("keys carrying extra properties work like plain keys", async () => {
    await using store = await backend.open();
    const richer = { ...PRIVATE, binding: "helper", persona: "poet" };
    const choice = { binding_key: "100", user_id: "7", label: "x" };
    await store.addMessage(newMessage({ conversation: richer }));
    await store.resetConversation(richer, 5_000);
    assert.equal(await store.lastReset(PRIVATE), 5_000);
    await store.setPersonaChoice(choice, "poet", 1);
    assert.equal(await store.getPersonaChoice(choice), "poet");
    await store.setPersonaChoice(choice, null, 2);
    assert.equal(await store.getPersonaChoice(choice), null);
  });

  backend.test("a closed store rejects every call with a StoreError and is not writable", async () => {
    const store = await backend.open();
    await store.close();
    await store.close(); // a second close does nothing
    assert.equal(await store.isWritable(), false);
    await assert.rejects(
      store.addMessage(newMessage()),
      new StoreError(
        "Cannot store a message in the conversation of channel 100: the store is closed",
      ),
    );
    await assert.rejects(store.getRateLimit("user:7"), /the store is closed/);
  });

  backend.test("isWritable() is true for an open store", async () => {
    await using store = await backend.open();
    assert.equal(await store.isWritable(), true);
    assert.equal(await store.isWritable(), true);
  });
}
