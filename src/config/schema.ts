/**
 * The zod schema of `bot.config.yaml`: every key of CONFIG.md with its
 * default and its description. The descriptions feed the JSON Schema that
 * editors use for completion and the README's config reference. Durations
 * and rates come out parsed (milliseconds, `{ count, window_ms }`).
 *
 * @module
 */

import { z } from "zod";
import { parseShardRange } from "./shard_range.ts";
import { DURATION_PATTERN, formatDuration, parseDuration } from "./duration.ts";
import { parseRate, RATE_PATTERN } from "./rate.ts";
import { BYTE_SIZE_PATTERN, parseByteSize } from "./byte_size.ts";

const DURATION_HINT = 'expected a duration like "30s", "5m", "24h" or "1h30m"';
const RATE_HINT =
  'expected a rate like "6/minute" (N per second, minute, hour or day)';

/**
 * Longest duration a timer can wait: JavaScript timers overflow past
 * 2^31 − 1 ms (about 24.8 days) and fire at once, so timeouts stop at 24d.
 */
export const MAX_TIMER_MS = 24 * 86_400_000;

/** Allowed range of a duration key, inclusive. */
interface DurationRange {
  min_ms: number;
  max_ms: number;
}

/** Timeouts: at least a second, and short enough for a timer. */
const TIMEOUT_RANGE: DurationRange = { min_ms: 1_000, max_ms: MAX_TIMER_MS };

function duration(description: string, range: DurationRange) {
  const allowed = `from ${formatDuration(range.min_ms)} to ${
    formatDuration(range.max_ms)
  }`;
  return z.string({ error: DURATION_HINT })
    .regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT })
    .transform((text) => parseDuration(text) ?? 0)
    .refine((ms) => ms >= range.min_ms && ms <= range.max_ms, {
      error: `expected a duration ${allowed}`,
    })
    .describe(`${description} Allowed: ${allowed}.`);
}

const SIZE_HINT = 'expected a size like "100kB", "8MB" or a number of bytes';

function byteSize(description: string) {
  return z.union([
    z.string({ error: SIZE_HINT })
      .regex(new RegExp(BYTE_SIZE_PATTERN), { error: SIZE_HINT })
      .transform((text) => parseByteSize(text) ?? 0),
    z.int({ error: SIZE_HINT }).min(0, { error: SIZE_HINT }),
  ], { error: SIZE_HINT }).describe(description);
}

function rate(description: string) {
  return z.string({ error: RATE_HINT })
    .regex(new RegExp(RATE_PATTERN), { error: RATE_HINT })
    .transform((text) => parseRate(text) ?? { count: 0, window_ms: 1 })
    .refine((rate) => rate.count >= 1, {
      error:
        "a rate of 0 lets nothing through: use at least 1, or remove the key for no limit",
    })
    .describe(`${description} At least 1 per window.`);
}

const snowflake = z.string({
  error: 'expected a Discord id in quotes, e.g. "123456789012345678"',
})
  .regex(/^[0-9]{15,21}$/, { error: "expected a Discord id: 17 to 20 digits" })
  .describe("A Discord id (snowflake), written in quotes.");

const name = z.string().regex(/^[A-Za-z0-9_-]+$/, {
  error: "names may use letters, digits, _ and - only",
});

const triggerKind = z.enum(["mention", "reply", "always"]).describe(
  "mention: the bot is @mentioned; reply: a reply to one of the bot's messages; always: every message.",
);

const endpointSchema = z.strictObject({
  base_url: z.url({
    protocol: /^https?$/,
    hostname: /^.+$/,
    error: "expected an http(s) URL such as http://localhost:11434/v1",
  })
    .describe(
      "Base URL of the OpenAI-compatible API, up to and including /v1.",
    ),
  api_key: z.string().default("").describe(
    "API key sent as `Authorization: Bearer`; empty sends no Authorization header. Use ${VAR}.",
  ),
  headers: z.record(z.string(), z.string()).default({}).describe(
    "Extra HTTP headers sent with every request to this endpoint.",
  ),
  timeout: z.strictObject({
    first_token: duration(
      "Longest wait for the first token of a reply.",
      TIMEOUT_RANGE,
    )
      .prefault("60s"),
    idle: duration(
      "Longest silence between two streamed chunks.",
      TIMEOUT_RANGE,
    ).prefault(
      "30s",
    ),
    total: duration("Longest time for a whole reply.", TIMEOUT_RANGE)
      .prefault("5m"),
  }).prefault({}).describe("Request timeouts."),
  max_concurrency: z.int().min(1).max(1024).default(4).describe(
    "Requests in flight to this server at once; the rest wait in a queue.",
  ),
  max_queue: z.int().min(0).max(100_000).default(32).describe(
    "Requests that may wait for a slot; beyond it the endpoint counts as saturated.",
  ),
  queue_timeout: duration(
    "Longest wait in the queue for a slot.",
    TIMEOUT_RANGE,
  ).prefault(
    "60s",
  ),
  retries: z.int().min(0).max(10).default(2).describe(
    "Retries on failure, only before the first token has arrived.",
  ),
  fallback: name.optional().describe(
    "Another endpoint tried when this one fails before the first token or is saturated.",
  ),
  tokenizer: z.enum(["estimate", "server"]).default("estimate").describe(
    "estimate: fast local estimate; server: exact counts from the server's /tokenize (llama.cpp, vLLM).",
  ),
}).describe(
  "An OpenAI-compatible server: llama.cpp, vLLM, Ollama, LM Studio, OpenAI…",
);

const personaSchema = z.strictObject({
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

const budgetSchema = z.strictObject({
  context_tokens: z.int().min(256).default(8192).describe(
    "The model's context window in tokens.",
  ),
  reserve_tokens: z.int().min(1).default(1024).describe(
    "Tokens kept free for the reply.",
  ),
  max_messages: z.int().min(1).max(10_000).default(50).describe(
    "History messages sent at most.",
  ),
  max_age: duration("History older than this is not sent.", {
    min_ms: 1_000,
    max_ms: 3650 * 86_400_000,
  }).prefault("24h"),
  memory: z.enum(["window", "summary"]).default("window").describe(
    "window: history that no longer fits is dropped; summary: it is summarised by the model after a reply, and the summary is sent before the history.",
  ),
  summary_tokens: z.int().min(16).default(400).describe(
    "Longest summary in tokens (memory: summary), counted inside the budget.",
  ),
}).describe("How much history a request may carry.");

const rateLimitSchema = z.strictObject({
  per_user: rate("Triggers one user may make across the binding's channels.")
    .optional(),
  per_channel: rate(
    "Triggers in one channel and all its threads together, all users together.",
  ).optional(),
}).describe("Rate limits; an absent key means no limit of that kind.");

const bindingSchema = z.strictObject({
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

const discordSchema = z.strictObject({
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

/** Default budget values, used for `budgets.default` when the file has none. */
export const DEFAULT_BUDGET = {
  context_tokens: 8192,
  reserve_tokens: 1024,
  max_messages: 50,
  max_age: 86_400_000,
  memory: "window" as const,
  summary_tokens: 400,
};

/**
 * The summarising prompt sent (instead of the persona's system prompt) when
 * history that fell out of the window is summarised; `memory.summary_prompt`
 * replaces it. `{{summary_tokens}}` is the summary's length limit.
 */
export const DEFAULT_SUMMARY_PROMPT =
  "You keep the running summary of a chat conversation. You are given the summary so far (it may be empty) and the messages that follow it. Write an updated summary in the third person and a neutral voice: who said what, facts, decisions, open questions and anything people asked to be remembered. Leave out greetings and small talk. Write plain text, at most about {{summary_tokens}} tokens, and nothing but the summary.";

const memorySchema = z.strictObject({
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

/** Default rate limit, used for `rate_limits.default` when the file has none. */
export const DEFAULT_RATE_LIMIT = {
  per_user: { count: 6, window_ms: 60_000 },
  per_channel: { count: 30, window_ms: 60_000 },
};

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
