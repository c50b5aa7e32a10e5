/**
 * The loaded, checked configuration the rest of the bot reads. Keys keep the
 * YAML's snake_case names so the file and the code speak one language;
 * durations are milliseconds and rates `{ count, window_ms }`. Every
 * cross-reference in it (binding → persona → endpoint, budget, rate limit)
 * is known to resolve.
 *
 * @module
 */

import type { Rate } from "./rate.ts";

/** An OpenAI-compatible server. */
export interface EndpointConfig {
  base_url: string;
  /** "" means no Authorization header. */
  api_key: string;
  headers: Record<string, string>;
  /** Timeouts in milliseconds. */
  timeout: { first_token: number; idle: number; total: number };
  max_concurrency: number;
  max_queue: number;
  /** Milliseconds a request may wait for a slot. */
  queue_timeout: number;
  retries: number;
  fallback?: string | undefined;
  tokenizer: "estimate" | "server";
}

/** A persona: who answers, with which model and prompt. */
export interface PersonaConfig {
  display_name: string;
  endpoint: string;
  model: string;
  system_prompt: string;
  temperature?: number | undefined;
  top_p?: number | undefined;
  max_tokens?: number | undefined;
  stop?: string[] | undefined;
  extra: Record<string, unknown>;
  stream: boolean;
  reasoning: "hide" | "show" | "spoiler";
  /** The model reads images (image_url content parts). */
  vision: boolean;
  /** Picture for webhook posts (`webhooks: true` bindings). */
  avatar_url?: string | undefined;
  /** Longest reply shown, in characters; past it the request is stopped. */
  max_reply_chars: number;
}

/** How much history a request may carry. */
export interface BudgetConfig {
  context_tokens: number;
  reserve_tokens: number;
  max_messages: number;
  /** Milliseconds. */
  max_age: number;
  /** What happens to history that no longer fits: dropped, or summarised. */
  memory: "window" | "summary";
  /** Longest summary sent, in tokens. */
  summary_tokens: number;
}

/** Summaries, notes and preferences (the `memory` section). */
export interface MemoryConfig {
  /** The persona whose endpoint and model summarise; absent: the conversation's. */
  summarizer?: string | undefined;
  /** The summarising request's system prompt. */
  summary_prompt: string;
  /** Notes one user may keep; 0 turns /remember off. */
  max_notes: number;
}

/** Rate limits of a binding; absent means unlimited. */
export interface RateLimitConfig {
  per_user?: Rate | undefined;
  per_channel?: Rate | undefined;
}

/** What makes the bot answer a message. */
export type TriggerKind = "mention" | "reply" | "always";

/** Where a persona answers. Exactly one of `channels` and `guild` is set. */
export interface BindingConfig {
  channels?: string[] | undefined;
  guild?: string | undefined;
  persona: string;
  /** Personas /persona may switch to; always includes `persona`. */
  personas: string[];
  trigger: TriggerKind[];
  scope: "channel" | "user";
  reset: "anyone" | "admins";
  budget: string;
  rate_limit: string;
  /** `channel`: the model also sees the channel's messages not addressed to the bot. */
  context: "conversation" | "channel";
  /** auto: a mention opens a thread and every message in the bot's threads is a turn. */
  threads: "off" | "auto";
  /** Replies go through a channel webhook under the persona's name and avatar. */
  webhooks: boolean;
  /** regenerate: an edit of the latest turn's message is answered again. */
  on_edit: "ignore" | "regenerate";
}

/** Direct messages; when enabled, `persona` is set and `personas` includes it. */
export interface DmConfig {
  enabled: boolean;
  persona?: string | undefined;
  personas: string[];
  budget: string;
  rate_limit: string;
}

/** Where slash commands are registered. */
export type CommandsTarget = { kind: "global" } | {
  kind: "guild";
  guild_id: string;
};

/** The Discord connection. */
export interface DiscordConfig {
  token: string;
  commands: CommandsTarget;
  dm: DmConfig;
  ping_replied_user: boolean;
  /** The shards this process connects, `FIRST-LAST/TOTAL`; absent: all. */
  shards?: string | undefined;
  /** Request the privileged Message Content intent. */
  message_content: boolean;
  /** Milliseconds every Discord request may take. */
  request_timeout: number;
}

/** What attachments the model gets; sizes in bytes. */
export interface AttachmentsConfig {
  max_text_bytes: number;
  max_images: number;
  max_image_bytes: number;
  /** Send images of earlier messages again instead of `[image: name]`. */
  history_images: boolean;
}

/** Who may talk to the bot. */
export interface AccessConfig {
  allow_users: string[];
  deny_users: string[];
  allow_roles: string[];
  deny_roles: string[];
  admin_roles: string[];
}

/** The whole checked configuration. */
export interface Config {
  version: 1;
  discord: DiscordConfig;
  endpoints: Record<string, EndpointConfig>;
  personas: Record<string, PersonaConfig>;
  /** Always has `default`. */
  budgets: Record<string, BudgetConfig>;
  /** Always has `default`. */
  rate_limits: Record<string, RateLimitConfig>;
  bindings: BindingConfig[];
  access: AccessConfig;
  attachments: AttachmentsConfig;
  memory: MemoryConfig;
  /** Milliseconds after which stored messages are deleted; absent: never. */
  retention?: number | undefined;
  /** Start-up recovery: messages younger than `max_age` ms that never got a reply are answered. */
  recovery: { max_age: number };
  /** Values that must never be logged: the token, API keys, and env values they came from. */
  secrets: string[];
}
