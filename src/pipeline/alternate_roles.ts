/**
 * Shapes a request the way strict chat templates demand (Mistral, Gemma and
 * others under llama.cpp's `--jinja` answer HTTP 500 "roles must alternate"
 * otherwise): after the system prompt the conversation starts with a user
 * message, and user and assistant take turns. Consecutive messages of one
 * role are merged into one (separated by a blank line, pictures kept); an
 * assistant message left at the start — its question fell out of the window
 * — is dropped.
 *
 * @module
 */

import type { ChatMessage } from "../llm/chat_types.ts";

/** The messages with roles alternating after the system prompt; see the module doc. */
export function alternateRoles(
  messages: readonly ChatMessage[],
): ChatMessage[] {
  const out: ChatMessage[] = [];
  // True once a user or assistant message is in `out`.
  let started = false;
  for (const message of messages) {
    const last = out.length === 0 ? undefined : out[out.length - 1]!;
    if (message.role === "system") {
      if (last?.role === "system") {
        out[out.length - 1] = merge(last, message);
      } else if (!started) out.push(message);
      // A system message inside the conversation would break alternation: never sent.
      continue;
    }
    if (!started && message.role === "assistant") continue;
    if (last !== undefined && last.role === message.role) {
      out[out.length - 1] = merge(last, message);
    } else out.push(message);
    started = true;
  }
  return out;
}

function merge(a: ChatMessage, b: ChatMessage): ChatMessage {
  const images = [...(a.images ?? []), ...(b.images ?? [])];
  const merged: ChatMessage = {
    role: a.role,
    content: a.content === "" ? b.content : `${a.content}\n\n${b.content}`,
  };
  if (images.length > 0) merged.images = images;
  if (a.name !== undefined && a.name === b.name) merged.name = a.name;
  return merged;
}
