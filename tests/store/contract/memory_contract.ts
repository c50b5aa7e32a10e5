/**
 * The store contract for memory: conversation summaries, user notes and
 * preferences, and how resets, `forgetTurn`, `forgetHistoryOfUser` and
 * `forgetUser` treat them. Written against any backend, so SQLite and
 * PostgreSQL keep one behaviour.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Store } from "../../../src/store/store.ts";
import { CHANNEL, newMessage, PRIVATE } from "../store_fixtures.ts";

/** The backend shape the contract needs (a subset of `StoreBackend`). */
export interface MemoryBackend {
  readonly name: string;
  open(): Promise<Store & AsyncDisposable>;
  test(name: string, fn: (t: Deno.TestContext) => Promise<void> | void): void;
}

const SUMMARY = {
  content: "Ada asked about tides.",
  through_id: 2,
  token_count: 6,
  updated_at: 5_000,
};

/** Registers the memory contract tests for one backend. */
export function memoryContract(backend: MemoryBackend): void {
  backend.test("setSummary() creates the conversation, getSummary() reads it back, a second write replaces it", async () => {
    await using store = await backend.open();
    assert.equal(await store.getSummary(CHANNEL), null);
    await store.setSummary(CHANNEL, SUMMARY);
    assert.deepEqual(await store.getSummary(CHANNEL), SUMMARY);
    const next = { ...SUMMARY, content: "more", through_id: 9, updated_at: 6 };
    await store.setSummary(CHANNEL, next);
    assert.deepEqual(await store.getSummary(CHANNEL), next);
    assert.equal(await store.getSummary(PRIVATE), null);
  });

  backend.test("setSummary() refuses a summary of messages a reset hid (a job that raced /reset)", async () => {
    await using store = await backend.open();
    const first = await store.addMessage(newMessage());
    await store.resetConversation(CHANNEL, 5_000);
    assert.equal(
      await store.setSummary(CHANNEL, { ...SUMMARY, through_id: first.id }),
      false,
    );
    assert.equal(await store.getSummary(CHANNEL), null);
    const later = await store.addMessage(newMessage({ created_at: 6_000 }));
    assert.equal(
      await store.setSummary(CHANNEL, { ...SUMMARY, through_id: later.id }),
      true,
    );
  });

  backend.test("resetConversation() and resetChannel() delete the summaries they reset", async () => {
    await using store = await backend.open();
    await store.setSummary(CHANNEL, SUMMARY);
    await store.setSummary(PRIVATE, SUMMARY);
    await store.resetConversation(CHANNEL, 10_000);
    assert.equal(await store.getSummary(CHANNEL), null);
    assert.deepEqual(await store.getSummary(PRIVATE), SUMMARY);
    await store.setSummary(CHANNEL, SUMMARY);
    await store.resetChannel(CHANNEL.channel_id, 20_000);
    assert.equal(await store.getSummary(CHANNEL), null);
    assert.equal(await store.getSummary(PRIVATE), null);
  });

  backend.test("addNote() keeps notes per user and place, oldest first, and stops at max_notes", async () => {
    await using store = await backend.open();
    const note = (content: string, guild_id = "900", user_id = "7") => ({
      user_id,
      guild_id,
      content,
      created_at: 1,
    });
    const first = await store.addNote(note("likes tea"), 3);
    assert.ok(first !== null && first.id > 0);
    await store.addNote(note("in a DM", ""), 3);
    await store.addNote(note("other user", "900", "8"), 3);
    await store.addNote(note("lives by the sea"), 3);
    assert.equal(await store.addNote(note("one too many"), 3), null);
    assert.deepEqual(
      (await store.notesOfUser("7", "900")).map((n) => n.content),
      ["likes tea", "lives by the sea"],
    );
    assert.deepEqual(
      (await store.notesOfUser("7")).map((n) => n.content),
      ["likes tea", "in a DM", "lives by the sea"],
    );
    await assert.rejects(store.addNote(note("x".repeat(501)), 30), /500/);
    await assert.rejects(store.addNote(note("  "), 30), /empty/);
  });

  backend.test("deleteNote() removes only the caller's note; deleteNotes() one place or all", async () => {
    await using store = await backend.open();
    const a = await store.addNote(
      { user_id: "7", guild_id: "900", content: "a", created_at: 1 },
      20,
    );
    await store.addNote(
      { user_id: "7", guild_id: "", content: "b", created_at: 1 },
      20,
    );
    await store.addNote(
      { user_id: "8", guild_id: "900", content: "c", created_at: 1 },
      20,
    );
    assert.equal(await store.deleteNote("8", a!.id), false);
    assert.equal(await store.deleteNote("7", a!.id), true);
    assert.equal(await store.deleteNote("7", a!.id), false);
    await store.addNote(
      { user_id: "7", guild_id: "900", content: "d", created_at: 1 },
      20,
    );
    assert.equal(await store.deleteNotes("7", "900"), 1);
    assert.equal(await store.deleteNotes("7"), 1);
    assert.equal((await store.notesOfUser("8")).length, 1);
  });

  backend.test("preferences: null until set, then read back as written", async () => {
    await using store = await backend.open();
    assert.equal(await store.getPreferences("7"), null);
    const preferences = {
      language: "French",
      length: "short" as const,
      ping: true,
      history: false,
      updated_at: 42,
    };
    await store.setPreferences("7", preferences);
    assert.deepEqual(await store.getPreferences("7"), preferences);
    const cleared = { ...preferences, language: null, ping: null };
    await store.setPreferences("7", cleared);
    assert.deepEqual(await store.getPreferences("7"), cleared);
    await assert.rejects(
      store.setPreferences("7", { ...preferences, language: "x".repeat(41) }),
    );
  });

  backend.test("forgetTurn() deletes the message and its linked reply, nothing else", async () => {
    await using store = await backend.open();
    const before = await store.addMessage(newMessage({ content: "keep" }));
    const asked = await store.addMessage(newMessage({ content: "secret" }));
    await store.addMessage(newMessage({
      author_id: "0",
      role: "assistant",
      content: "answer",
      reply_to_id: asked.id,
    }));
    assert.equal(await store.forgetTurn(asked.id), 2);
    const left = await store.recentMessages({
      conversation: CHANNEL,
      limit: 10,
      since: 0,
    });
    assert.deepEqual(left.map((m) => m.id), [before.id]);
  });

  backend.test("forgetHistoryOfUser() deletes their messages, replies and summaries but keeps notes and preferences", async () => {
    await using store = await backend.open();
    const other = await store.addMessage(
      newMessage({ author_id: "8", content: "bob" }),
    );
    const ada = await store.addMessage(newMessage({ content: "ada" }));
    await store.addMessage(newMessage({
      author_id: "0",
      role: "assistant",
      content: "to ada",
      reply_to_id: ada.id,
    }));
    await store.addMessage(newMessage({ conversation: PRIVATE }));
    await store.setSummary(CHANNEL, SUMMARY);
    await store.setSummary(PRIVATE, SUMMARY);
    await store.addNote(
      { user_id: "7", guild_id: "900", content: "n", created_at: 1 },
      20,
    );
    await store.setPreferences("7", {
      language: null,
      length: null,
      ping: null,
      history: false,
      updated_at: 1,
    });
    assert.equal(await store.forgetHistoryOfUser("7"), 5);
    assert.deepEqual(await store.messagesOfUser("7"), []);
    assert.equal(await store.getSummary(CHANNEL), null);
    assert.equal(await store.getSummary(PRIVATE), null);
    assert.equal((await store.getMessage(other.id))?.content, "bob");
    assert.equal((await store.notesOfUser("7")).length, 1);
    assert.equal((await store.getPreferences("7"))?.history, false);
  });

  backend.test("summariesOfUser() lists own and joined conversations; forgetUser() deletes them with notes and preferences", async () => {
    await using store = await backend.open();
    await store.addMessage(newMessage({ content: "ada in the channel" }));
    await store.setSummary(CHANNEL, SUMMARY);
    await store.setSummary(PRIVATE, SUMMARY);
    const elsewhere = { channel_id: "101", guild_id: "900", user_id: "" };
    await store.setSummary(elsewhere, SUMMARY);
    await store.addNote(
      { user_id: "7", guild_id: "900", content: "n", created_at: 1 },
      20,
    );
    await store.setPreferences("7", {
      language: "Dutch",
      length: null,
      ping: null,
      history: true,
      updated_at: 1,
    });
    const listed = await store.summariesOfUser("7");
    assert.deepEqual(listed.map((s) => s.conversation), [CHANNEL, PRIVATE]);
    assert.equal(listed[0]?.content, SUMMARY.content);
    const removed = await store.forgetUser("7");
    assert.ok(removed >= 5, `removed ${removed}`);
    assert.deepEqual(await store.summariesOfUser("7"), []);
    assert.deepEqual(await store.notesOfUser("7"), []);
    assert.equal(await store.getPreferences("7"), null);
    assert.deepEqual(await store.getSummary(elsewhere), SUMMARY);
  });

  backend.test("forgetUser() deletes a shared summary that took in the user's words after retention deleted their messages", async () => {
    await using store = await backend.open();
    // Day 0: user 7 says something the channel's summary then takes in.
    const said = await store.addMessage(
      newMessage({ content: "my address is 1 Elm St", created_at: 1_000 }),
    );
    await store.setSummary(CHANNEL, {
      ...SUMMARY,
      content: "Ada (user 7) lives at 1 Elm St.",
      through_id: said.id,
    });
    // Later: someone else keeps the channel going; retention deletes day 0.
    await store.addMessage(
      newMessage({ author_id: "8", author_name: "Bob", created_at: 90_000 }),
    );
    assert.equal(await store.pruneMessages(50_000), 1);
    // Their export still shows it.
    assert.deepEqual(
      (await store.summariesOfUser("7")).map((s) => s.content),
      ["Ada (user 7) lives at 1 Elm St."],
    );
    // User 7 asks to be forgotten (forget-user, /forget-me).
    await store.forgetUser("7");
    const left = await store.getSummary(CHANNEL);
    assert.equal(
      left,
      null,
      `the summary still holds user 7's words: ${
        JSON.stringify(left?.content)
      }`,
    );
  });
}
