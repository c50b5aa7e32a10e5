/**
 * The request that folds messages into a conversation's running summary. It
 * carries its own neutral prompt (`memory.summary_prompt`), never the
 * persona's system prompt, so a summary reads the same whatever the
 * persona's voice; the previous summary and the messages to add are the
 * user message.
 *
 * @module
 */

import type { ChatMessage } from "../llm/chat_types.ts";
import type { StoredMessage } from "../store/store.ts";
import { safeName } from "../llm/safe_name.ts";

/** How one stored message reads in the transcript given to the summariser. */
export function transcriptLine(message: StoredMessage): string {
  // Names are user-controlled: one line, capped, as in the chat request.
  const name = safeName(message.author_name);
  const speaker = message.role === "assistant" ? `${name} (assistant)` : name;
  return `${speaker}: ${message.content}`;
}

/** The summarising prompt with `{{summary_tokens}}` filled in. */
export function summaryPrompt(
  template: string,
  summary_tokens: number,
): string {
  return template.replace(
    /\{\{\s*summary_tokens\s*\}\}/g,
    String(summary_tokens),
  );
}

/** The messages of one summarising request. */
export function summaryRequest(
  prompt: string,
  previous: string,
  lines: readonly string[],
): ChatMessage[] {
  return [
    { role: "system", content: prompt },
    {
      role: "user",
      content: `Summary so far:\n${
        previous === "" ? "(none yet)" : previous
      }\n\nMessages that follow it:\n${lines.join("\n")}`,
    },
  ];
}
