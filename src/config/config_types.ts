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
  memory: MemoryConfig;
  /** Milliseconds after which stored messages are deleted; absent: never. */
  retention?: number | undefined;
  /** Values that must never be logged: the token, API keys, and env values they came from. */
  secrets: string[];
}
