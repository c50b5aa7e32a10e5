/**
 * The `bindings` section of the config schema: where a persona answers.
 *
 * @module
 */

import { z } from "zod";
import { name, snowflake } from "./schema_fields.ts";

const triggerKind = z.enum(["mention", "reply", "always"]).describe(
  "mention: the bot is @mentioned; reply: a reply to one of the bot's messages; always: every message.",
);

/** One entry of `bindings`. */
export const bindingSchema = z.strictObject({
  channels: z.array(snowflake).min(1).optional().describe(
    "Channel ids; threads under them inherit the binding.",
  ),
  guild: snowflake.optional().describe(
    "A server id: every channel of it not matched elsewhere.",
  ),
  persona: name.describe("The default persona here."),
  personas: z.array(name).optional().describe(
    "Personas /persona may switch to here; defaults to just `persona` (which is always allowed).",
  ),
  trigger: z.union([triggerKind, z.array(triggerKind).min(1)]).default([
    "mention",
    "reply",
  ])
    .transform((value) => typeof value === "string" ? [value] : value)
    .describe(
      "What makes the bot answer: mention, reply, always (one or a list).",
    ),
  scope: z.enum(["channel", "user"]).default("channel").describe(
    "channel: one conversation shared by everyone; user: one conversation per user.",
  ),
  reset: z.enum(["anyone", "admins"]).default("anyone").describe(
    "Who may /reset a shared (scope: channel) conversation.",
  ),
  budget: name.default("default").describe("The budget (a key of `budgets`)."),
  rate_limit: name.default("default").describe(
    "The rate limit (a key of `rate_limits`).",
  ),
  context: z.enum(["conversation", "channel"]).default("conversation")
    .describe(
      "conversation: the model sees its conversation; channel: it also sees the channel's recent messages not addressed to it (needs discord.message_content).",
    ),
  threads: z.enum(["off", "auto"]).default("off").describe(
    "auto: a mention in the channel opens a thread on the message and the answer goes there; in a thread the bot opened every message is answered. off: answer in place.",
  ),
  webhooks: z.boolean().default(false).describe(
    "Post replies through a channel webhook under the persona's display_name and avatar_url (needs Manage Webhooks; without it, normal messages). A message starting with a persona's name (\"Pirate, …\") is answered by that persona.",
  ),
  on_edit: z.enum(["ignore", "regenerate"]).default("ignore").describe(
    "regenerate: when someone edits the message that started the latest reply, answer the new text by editing that reply.",
  ),
}).describe(
  "Where a persona answers; the most specific match wins (channel, then server).",
);
