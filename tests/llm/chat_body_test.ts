import assert from "node:assert/strict";
import { buildChatBody } from "../../src/llm/chat_body.ts";

Deno.test("buildChatBody() sends a message with images as OpenAI content parts, others as plain strings", () => {
  const body = buildChatBody({
    model: "m",
    extra: {},
    stream: true,
    messages: [
      { role: "system", content: "Be kind." },
      { role: "assistant", content: "Hi", images: [] },
      {
        role: "user",
        content: "alice: what is this?",
        images: [{ url: "data:image/png;base64,AAAA" }],
      },
    ],
  }, true);
  assert.deepEqual(body.messages, [
    { role: "system", content: "Be kind." },
    { role: "assistant", content: "Hi" },
    {
      role: "user",
      content: [
        { type: "text", text: "alice: what is this?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      ],
    },
  ]);
});
