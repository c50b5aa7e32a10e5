import assert from "node:assert/strict";
import {
  discordenoPort,
  rawMessageHelpers,
  type RawRest,
} from "../../src/discord/discordeno_port.ts";

Deno.test("rawMessageHelpers() sends and edits through makeRequest and reads Discord's own answer", async () => {
  const calls: { method: string; route: string; body: unknown }[] = [];
  const rest: RawRest = {
    makeRequest(method, route, options) {
      calls.push({ method, route, body: options.body });
      // Discord's shape, snake_case, as makeRequest returns it.
      return Promise.resolve({
        id: "900",
        content: "hello",
        channel_id: "5",
        message_reference: { message_id: "7" },
      });
    },
    routes: {
      channels: {
        messages: (channel) => `/channels/${channel}/messages`,
        message: (channel, message) =>
          `/channels/${channel}/messages/${message}`,
      },
    },
    triggerTypingIndicator: () => Promise.resolve(),
    deleteMessage: () => Promise.resolve(),
  };
  const port = discordenoPort(rawMessageHelpers(rest));
  const sent = await port.send("5", {
    content: "hello",
    reply_to: "7",
    ping_replied_user: false,
  });
  assert.deepEqual(sent, { id: "900", content: "hello" });
  await port.edit("5", "900", "hello again");
  assert.deepEqual(calls.map((c) => `${c.method} ${c.route}`), [
    "POST /channels/5/messages",
    "PATCH /channels/5/messages/900",
  ]);
  assert.deepEqual(calls[0]!.body, {
    content: "hello",
    messageReference: { messageId: "7", failIfNotExists: false },
    allowedMentions: { parse: [], repliedUser: false },
  });
  assert.deepEqual(calls[1]!.body, {
    content: "hello again",
    allowedMentions: { parse: [] },
  });
});
