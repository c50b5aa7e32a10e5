/**
 * The JSON body of `POST {base_url}/chat/completions` for a request: the
 * persona's model and sampling settings, the messages, streaming with usage
 * requested (`stream_options.include_usage`, which OpenAI, vLLM and Ollama
 * honour and llama.cpp ignores), and the persona's free-form `extra` fields
 * on top — they may override anything except `model`, `messages` and
 * `stream`. A message with images becomes OpenAI content parts: a `text`
 * part and one `image_url` part per image.
 *
 * @module
 */

import type { ChatRequest } from "./chat_types.ts";

/** Builds the request body; `stream` decides between SSE and one JSON answer. */
export function buildChatBody(
  request: ChatRequest,
  stream: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.stop !== undefined && request.stop.length > 0) {
    body.stop = [...request.stop];
  }
  if (stream) body.stream_options = { include_usage: true };
  Object.assign(body, request.extra);
  body.model = request.model;
  body.messages = request.messages.map((message) => {
    const content = message.images === undefined || message.images.length === 0
      ? message.content
      : [
        { type: "text", text: message.content },
        ...message.images.map((image) => ({
          type: "image_url",
          image_url: { url: image.url },
        })),
      ];
    return message.name === undefined || message.name === ""
      ? { role: message.role, content }
      : { role: message.role, content, name: message.name };
  });
  body.stream = stream;
  return body;
}
