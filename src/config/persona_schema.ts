/**
 * The `personas` section of the config schema: who answers, with which model and prompt.
 *
 * @module
 */

import { z } from "zod";
import { name } from "./schema_fields.ts";

/** One entry of `personas`. */
export const personaSchema = z.strictObject({
  display_name: z.string().min(1).optional().describe(
    "Name shown to users; defaults to the persona's key.",
  ),
  endpoint: name.describe(
    "The endpoint (a key of `endpoints`) this persona talks to.",
  ),
  model: z.string().min(1).describe(
    "Model name as the server knows it, e.g. llama3.1:8b.",
  ),
  system_prompt: z.string().default(
    "You are {{persona}}, a helpful assistant in a Discord chat. Today is {{date}}.",
  ).describe(
    "System prompt. Variables: {{date}} {{time}} {{user}} {{channel}} {{server}} {{persona}} {{preferences}} (the speaker's /settings; without it they follow the prompt as a note).",
  ),
  temperature: z.number().min(0).max(2).optional().describe(
    "Sampling temperature (0–2).",
  ),
  top_p: z.number().min(0).max(1).optional().describe(
    "Nucleus sampling (0–1).",
  ),
  max_tokens: z.int().min(1).optional().describe(
    "Longest reply in tokens; defaults to the budget's reserve_tokens.",
  ),
  stop: z.array(z.string()).optional().describe("Stop sequences."),
  extra: z.record(z.string(), z.unknown()).default({}).describe(
    "Extra fields merged into the request body (server-specific options).",
  ),
  stream: z.boolean().default(true).describe(
    "Edit the reply progressively while it is generated.",
  ),
  reasoning: z.enum(["hide", "show", "spoiler"]).default("hide").describe(
    "What Discord sees of <think>…</think> and reasoning_content: nothing, a quote, or a spoiler.",
  ),
  vision: z.boolean().default(false).describe(
    "The model reads images: image attachments are sent to it as image_url parts. Without it the persona says once per conversation that it cannot see images.",
  ),
  avatar_url: z.url({
    protocol: /^https?$/,
    error:
      "expected an http(s) URL of an image, e.g. https://example.org/helper.png",
  }).optional().describe(
    "Picture the persona posts under where the binding has `webhooks: true`; absent: the webhook's default.",
  ),
  max_reply_chars: z.int().min(100).max(1_000_000).default(8000).describe(
    'Longest reply shown, in characters (100–1000000): past it the LLM request is stopped, the text so far kept, and "(stopped: reply too long)" added.',
  ),
}).describe("A persona: who answers, with which model and prompt.");
