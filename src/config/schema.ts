/**
 * The zod schema of `bot.config.yaml`: every key of CONFIG.md with its
 * default and its description. The descriptions feed the JSON Schema that
 * editors use for completion and the README's config reference. Durations
 * and rates come out parsed (milliseconds, `{ count, window_ms }`).
 *
 * @module
 */

import { z } from "zod";
import { byteSize, duration, name, snowflake } from "./schema_fields.ts";
import { endpointSchema } from "./endpoint_schema.ts";
import { personaSchema } from "./persona_schema.ts";
import { budgetSchema, rateLimitSchema } from "./budget_schema.ts";
import { bindingSchema } from "./binding_schema.ts";
import { discordSchema } from "./discord_schema.ts";
import { memorySchema } from "./memory_schema.ts";

export { MAX_TIMER_MS } from "./schema_fields.ts";
export { DEFAULT_BUDGET, DEFAULT_RATE_LIMIT } from "./budget_schema.ts";
export { DEFAULT_SUMMARY_PROMPT } from "./memory_schema.ts";

const attachmentsSchema = z.strictObject({
  max_text_bytes: byteSize(
    "Longest text file read into the model's message; longer ones are cut with a marker.",
  ).prefault("100kB"),
  max_images: z.int().min(0).max(16).default(4).describe(
    "Images sent to a vision persona per message.",
  ),
  max_image_bytes: byteSize(
    "Largest image sent to a vision persona; larger ones get a note instead.",
  ).prefault("8MB"),
  history_images: z.boolean().default(false).describe(
    "Send images of earlier messages again (fetched anew); false: they read as [image: name.png].",
  ),
}).describe(
  "Files and images attached to messages: text files are read, images go to vision personas.",
);

const accessSchema = z.strictObject({
  allow_users: z.array(snowflake).default([]).describe(
    "Only these users (empty: everyone).",
  ),
  deny_users: z.array(snowflake).default([]).describe("Never these users."),
  allow_roles: z.array(snowflake).default([]).describe(
    "Only members with one of these roles (empty: everyone).",
  ),
  deny_roles: z.array(snowflake).default([]).describe(
    "Never members with one of these roles.",
  ),
  admin_roles: z.array(snowflake).default([]).describe(
    "Members with these roles may /reset a whole channel and set its persona.",
  ),
}).describe("Who may talk to the bot; empty allow lists allow everyone.");

/** The whole `bot.config.yaml`. */
export const configSchema = z.strictObject({
  version: z.literal(1, { error: "expected version: 1" }).describe(
    "Config format version; always 1.",
  ),
  discord: discordSchema,
  endpoints: z.record(name, endpointSchema).refine(
    (value) => Object.keys(value).length > 0,
    {
      error: "at least one endpoint is needed",
    },
  ).describe("OpenAI-compatible servers by name."),
  personas: z.record(name, personaSchema).refine(
    (value) => Object.keys(value).length > 0,
    {
      error: "at least one persona is needed",
    },
  ).describe("Personas by name."),
  budgets: z.record(name, budgetSchema).default({}).describe(
    "Context budgets by name; `default` exists even if not written.",
  ),
  rate_limits: z.record(name, rateLimitSchema).default({}).describe(
    "Rate limits by name; `default` (6/minute per user, 30/minute per channel) exists even if not written.",
  ),
  bindings: z.array(bindingSchema).default([]).describe(
    "Which persona answers where; the most specific match wins.",
  ),
  access: accessSchema.prefault({}),
  attachments: attachmentsSchema.prefault({}),
  memory: memorySchema.prefault({}),
  retention: duration(
    "Stored messages older than this are deleted; absent: kept forever.",
    { min_ms: 60_000, max_ms: 3650 * 86_400_000 },
  )
    .optional(),
  recovery: z.strictObject({
    max_age: duration(
      "After a crash, messages younger than this that never got a reply are answered at start-up; older ones are not.",
      { min_ms: 0, max_ms: 7 * 86_400_000 },
    ).prefault("2m"),
  }).prefault({}).describe(
    "Start-up recovery after a crash (kill -9, power cut of the process).",
  ),
}).describe("bot.config.yaml: the whole bot in one file.");

/** The config as written, before defaults are filled in by cross-checking. */
export type ParsedConfig = z.output<typeof configSchema>;
