/**
 * The `memory` section of the config schema: summaries, notes and preferences.
 *
 * @module
 */

import { z } from "zod";
import { name } from "./schema_fields.ts";

/**
 * The summarising prompt sent (instead of the persona's system prompt) when
 * history that fell out of the window is summarised; `memory.summary_prompt`
 * replaces it. `{{summary_tokens}}` is the summary's length limit.
 */
export const DEFAULT_SUMMARY_PROMPT =
  "You keep the running summary of a chat conversation. You are given the summary so far (it may be empty) and the messages that follow it. Write an updated summary in the third person and a neutral voice: who said what, facts, decisions, open questions and anything people asked to be remembered. Leave out greetings and small talk. Write plain text, at most about {{summary_tokens}} tokens, and nothing but the summary.";

/** The `memory` section. */
export const memorySchema = z.strictObject({
  summarizer: name.optional().describe(
    "The persona whose endpoint and model write summaries (memory: summary); default: the conversation's persona.",
  ),
  summary_prompt: z.string().min(1).default(DEFAULT_SUMMARY_PROMPT).describe(
    "The neutral prompt a summary request carries instead of the persona's system prompt. Variable: {{summary_tokens}}.",
  ),
  max_notes: z.int().min(0).max(100).default(20).describe(
    "Notes one user may keep with /remember (0 turns /remember off); each note holds at most 500 characters.",
  ),
}).describe(
  "Summaries of history that fell out of the window, notes users ask the bot to remember, and their preferences.",
);
