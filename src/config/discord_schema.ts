/**
 * The `discord` section of the config schema: the connection, commands and DMs.
 *
 * @module
 */

import { z } from "zod";
import { parseShardRange } from "./shard_range.ts";
import { duration, name } from "./schema_fields.ts";

const dmSchema = z.strictObject({
  enabled: z.boolean().default(false).describe("Answer direct messages."),
  persona: name.optional().describe("Persona for DMs; required when enabled."),
  personas: z.array(name).optional().describe(
    "Personas /persona may switch to in DMs.",
  ),
  budget: name.default("default").describe("The budget for DMs."),
  rate_limit: name.default("default").describe("The rate limit for DMs."),
}).describe(
  "Direct messages: every DM is answered, one conversation per user.",
);

const commandsPattern = /^(global|guild:[0-9]{15,21})$/;

/** The `discord` section. */
export const discordSchema = z.strictObject({
  token: z.string().min(1, { error: "the bot token is empty" }).describe(
    "The bot token; keep it in the environment: ${DISCORD_TOKEN}.",
  ),
  commands: z.string().regex(commandsPattern, {
    error: 'expected "global" or "guild:<server id>"',
  }).default("global").describe(
    "Where the slash commands (/reset, /persona, /ask…) are registered: global, or guild:<id> (instant, for testing).",
  ),
  dm: dmSchema.prefault({}),
  ping_replied_user: z.boolean().default(false).describe(
    "Whether a reply pings the person it answers. Model output never pings anyone.",
  ),
  request_timeout: duration(
    "Deadline of every Discord request; on expiry the reply goes on (edits are retried, sends carry a nonce) or ends marked partial, and the channel's next turns run.",
    { min_ms: 1_000, max_ms: 300_000 },
  ).prefault("15s"),
  message_content: z.boolean().default(true).describe(
    "Request the privileged Message Content intent. false: mentions, DMs and /ask still work; trigger reply/always and context: channel need it.",
  ),
  shards: z.string().check((ctx) => {
    const range = parseShardRange(ctx.value);
    if (typeof range === "string") {
      ctx.issues.push({ code: "custom", message: range, input: ctx.value });
    }
  }).optional().describe(
    "The shards this process connects, FIRST-LAST/TOTAL (e.g. 0-1/4); DISCORD_SHARDS wins. Absent: all shards.",
  ),
}).describe("The Discord connection.");
