import assert from "node:assert/strict";
import {
  buildUserExport,
  NOT_INCLUDED,
  USER_EXPORT_FORMAT,
} from "../../src/retention/user_export.ts";
import { rateLimitKey } from "../../src/store/rate_limit_key.ts";
import { memoryStore, newMessage, PRIVATE } from "../store/store_fixtures.ts";

/** The fields every exported message of these tests shares. */
const COMMON = {
  external_id: null,
  persona: "helper",
  token_count: 2,
  partial: false,
  images: [],
};

Deno.test("buildUserExport() lists the user's messages, linked replies, persona choices and rate limits with ISO times", async () => {
  await using store = await memoryStore();
  const ada = await store.addMessage(
    newMessage({ content: "shared", created_at: 0 }),
  );
  const bob = await store.addMessage(
    newMessage({ author_id: "8", content: "someone else", created_at: 1 }),
  );
  const bot = {
    author_id: "0",
    author_name: "Helper",
    role: "assistant",
  } as const;
  await store.addMessage(newMessage({
    ...bot,
    content: "hi Ada",
    created_at: 1_500,
    reply_to_id: ada.id,
  }));
  await store.addMessage(newMessage({
    ...bot,
    content: "hi Bob",
    created_at: 1_600,
    reply_to_id: bob.id,
  }));
  const reply = await store.addMessage(newMessage({
    ...bot,
    conversation: PRIVATE,
    content: "half a rep",
    created_at: 2_000,
    partial: true,
  }));
  await store.updateMessage(reply.id, {
    content: "half a reply",
    updated_at: 3_500,
  });
  await store.setPersonaChoice({ binding_key: "100", user_id: "7" }, "poet", 0);
  await store.setPersonaChoice(
    { binding_key: "100", user_id: "" },
    "pirate",
    0,
  );
  await store.setPersonaChoice({ binding_key: "100", user_id: "8" }, "bard", 0);
  await store.setRateLimit(rateLimitKey("user", "7", "default"), {
    count: 3,
    window_start: 60_000,
    notified: true,
  });
  await store.setRateLimit(rateLimitKey("user", "8", "default"), {
    count: 1,
    window_start: 60_000,
    notified: false,
  });

  const cat = {
    name: "cat.png",
    url: "https://cdn.discordapp.com/c.png",
    size: 9,
  };
  await store.addImages(ada.id, [cat]);
  const document = await buildUserExport(store, "7", Date.UTC(2025, 5, 1));

  const shared = { channel_id: "100", guild_id: "900", scope: "channel" };
  assert.deepEqual(document, {
    format: "llm-discord-bot/user-export@3",
    user_id: "7",
    exported_at: "2025-06-01T00:00:00.000Z",
    message_count: 3,
    messages: [
      {
        ...COMMON,
        id: ada.id,
        conversation: shared,
        author_id: "7",
        author_name: "Ada",
        role: "user",
        content: "shared",
        created_at: "1970-01-01T00:00:00.000Z",
        updated_at: "1970-01-01T00:00:00.000Z",
        reply_to_id: null,
        images: [cat],
      },
      {
        ...COMMON,
        id: ada.id + 2,
        conversation: shared,
        author_id: "0",
        author_name: "Helper",
        role: "assistant",
        content: "hi Ada",
        created_at: "1970-01-01T00:00:01.500Z",
        updated_at: "1970-01-01T00:00:01.500Z",
        reply_to_id: ada.id,
      },
      {
        ...COMMON,
        id: reply.id,
        conversation: { ...shared, scope: "user" },
        author_id: "0",
        author_name: "Helper",
        role: "assistant",
        content: "half a reply",
        created_at: "1970-01-01T00:00:02.000Z",
        updated_at: "1970-01-01T00:00:03.500Z",
        partial: true,
        reply_to_id: null,
      },
    ],
    persona_choices: [{
      binding_key: "100",
      persona: "poet",
      updated_at: "1970-01-01T00:00:00.000Z",
    }],
    rate_limits: [{
      key: "user:7:default",
      count: 3,
      window_start: "1970-01-01T00:01:00.000Z",
    }],
    notes: [],
    preferences: null,
    summaries: [],
    not_included: NOT_INCLUDED,
  });
  assert.equal(document.format, USER_EXPORT_FORMAT);
});

Deno.test("buildUserExport() of an unknown user is empty but still says what it leaves out", async () => {
  await using store = await memoryStore();
  const document = await buildUserExport(store, "404", 0);
  assert.deepEqual(document.messages, []);
  assert.equal(document.message_count, 0);
  assert.deepEqual(document.persona_choices, []);
  assert.deepEqual(document.rate_limits, []);
  assert.deepEqual(document.notes, []);
  assert.equal(document.preferences, null);
  assert.deepEqual(document.summaries, []);
  assert.deepEqual(document.not_included, NOT_INCLUDED);
  assert.ok(NOT_INCLUDED.some((line) => line.includes("no link")));
});

Deno.test("buildUserExport() includes the user's notes, preferences and the summaries of conversations they took part in", async () => {
  await using store = await memoryStore();
  await store.addMessage(newMessage({ content: "in the channel" }));
  await store.setSummary(
    { channel_id: "100", guild_id: "900", user_id: "" },
    {
      content: "Ada asked.",
      through_id: 1,
      token_count: 3,
      updated_at: 60_000,
    },
  );
  await store.setSummary(
    { channel_id: "101", guild_id: "900", user_id: "" },
    { content: "Not Ada.", through_id: 1, token_count: 3, updated_at: 60_000 },
  );
  await store.addNote(
    { user_id: "7", guild_id: "900", content: "tea", created_at: 0 },
    20,
  );
  await store.setPreferences("7", {
    language: "Dutch",
    length: "short",
    ping: null,
    history: true,
    updated_at: 0,
  });
  const document = await buildUserExport(store, "7", 0);
  assert.deepEqual(document.notes, [{
    id: 1,
    guild_id: "900",
    content: "tea",
    created_at: "1970-01-01T00:00:00.000Z",
  }]);
  assert.deepEqual(document.preferences, {
    language: "Dutch",
    length: "short",
    ping: null,
    history: true,
    updated_at: "1970-01-01T00:00:00.000Z",
  });
  assert.deepEqual(document.summaries, [{
    conversation: { channel_id: "100", guild_id: "900", scope: "channel" },
    content: "Ada asked.",
    through_id: 1,
    updated_at: "1970-01-01T00:01:00.000Z",
  }]);
});
