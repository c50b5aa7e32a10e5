import assert from "node:assert/strict";
import {
  buildUserExport,
  NOT_INCLUDED,
  USER_EXPORT_FORMAT,
} from "../../src/retention/user_export.ts";
import {
  CHANNEL,
  memoryStore,
  newMessage,
  PRIVATE,
} from "../store/store_fixtures.ts";

Deno.test("buildUserExport() lists the user's messages oldest first with ISO times", async () => {
  const store = await memoryStore();
  try {
    await store.addMessage(newMessage({ content: "shared", created_at: 0 }));
    await store.addMessage(
      newMessage({ author_id: "8", content: "someone else", created_at: 1 }),
    );
    const reply = await store.addMessage(newMessage({
      conversation: PRIVATE,
      author_id: "0",
      author_name: "Helper",
      role: "assistant",
      content: "half a rep",
      created_at: 2_000,
      partial: true,
    }));
    await store.updateMessage(reply.id, {
      content: "half a reply",
      updated_at: 3_500,
    });
    const document = await buildUserExport(store, "7", Date.UTC(2025, 5, 1));
    assert.deepEqual(document, {
      format: USER_EXPORT_FORMAT,
      user_id: "7",
      exported_at: "2025-06-01T00:00:00.000Z",
      message_count: 2,
      messages: [
        {
          id: 1,
          conversation: {
            channel_id: CHANNEL.channel_id,
            guild_id: "900",
            scope: "channel",
          },
          external_id: null,
          author_id: "7",
          author_name: "Ada",
          role: "user",
          persona: "helper",
          content: "shared",
          token_count: 2,
          created_at: "1970-01-01T00:00:00.000Z",
          updated_at: "1970-01-01T00:00:00.000Z",
          partial: false,
        },
        {
          id: 3,
          conversation: {
            channel_id: CHANNEL.channel_id,
            guild_id: "900",
            scope: "user",
          },
          external_id: null,
          author_id: "0",
          author_name: "Helper",
          role: "assistant",
          persona: "helper",
          content: "half a reply",
          token_count: 2,
          created_at: "1970-01-01T00:00:02.000Z",
          updated_at: "1970-01-01T00:00:03.500Z",
          partial: true,
        },
      ],
      not_included: NOT_INCLUDED,
    });
  } finally {
    await store.close();
  }
});

Deno.test("buildUserExport() of an unknown user is empty but still says what it leaves out", async () => {
  const store = await memoryStore();
  try {
    const document = await buildUserExport(store, "404", 0);
    assert.deepEqual(document.messages, []);
    assert.equal(document.message_count, 0);
    assert.ok(NOT_INCLUDED.some((line) => line.startsWith("Persona choices")));
  } finally {
    await store.close();
  }
});
