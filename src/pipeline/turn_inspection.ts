/**
 * The optional per-turn inspection record: what the model was sent and how
 * the turn went, for the playground's inspector. A transport that wants it
 * passes an empty record to `Runner.dispatch`; the context and generation
 * stages fill it (one guarded call each), the pipeline adds stage timings.
 * Without a record nothing here runs, so Discord turns pay nothing.
 *
 * @module
 */

import type { BudgetConfig } from "../config/config_types.ts";
import { buildChatBody } from "../llm/chat_body.ts";
import type { ChatEvent, ChatRequest, Usage } from "../llm/chat_types.ts";
import type { TokenCounter } from "../llm/token_counter.ts";
import {
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
} from "../llm/token_estimate.ts";
import type { Store, StoredMessage } from "../store/store.ts";
import { alternateRoles } from "./alternate_roles.ts";
import type { TurnContext } from "./turn_context.ts";

/** What part of the request a message is. */
export type InspectedKind = "system" | "memory" | "history" | "current";

/** One message of the request with its counted size (content plus per-message overhead). */
export interface InspectedMessage {
  role: string;
  kind: InspectedKind;
  content: string;
  tokens: number;
}

/** Why a stored message was not sent. */
export type LeftOutReason = "age" | "count" | "budget" | "reset";

/** A stored message the model did not see. */
export interface LeftOutMessage {
  role: string;
  author_name: string;
  content: string;
  created_at: number;
  reason: LeftOutReason;
}

/** How the context window was spent, in tokens. */
export interface BudgetUse {
  /** The window used: the budget's, or less when the server serves less. */
  context_tokens: number;
  /** The budget's `context_tokens` as configured. */
  configured_context_tokens: number;
  reserve_tokens: number;
  system: number;
  /** Summary and notes (memory), 0 when there are none. */
  memory: number;
  history: number;
  /** The new message. */
  current: number;
  /** Everything counted for the prompt. */
  prompt_tokens: number;
  /** `max_tokens` sent: room left for the reply. */
  max_tokens: number;
}

/** Everything the inspector shows about one turn. */
export interface TurnInspection {
  persona: string;
  endpoint: string;
  model: string;
  messages: InspectedMessage[];
  budget: BudgetUse | null;
  left_out: LeftOutMessage[];
  /** Epoch ms of the conversation's last /reset; everything before it is left out. */
  reset_at: number | null;
  /**
   * What memory added to the system message (shown as its own "memory"
   * message above): the summary as sent and how many notes; null for none.
   */
  memory: { summary: string; notes_used: number; trimmed: boolean } | null;
  /** The exact JSON body of the chat request. */
  body: Record<string, unknown> | null;
  /** The streamed text and reasoning as they arrived (before hiding reasoning). */
  raw_text: string;
  raw_reasoning: string;
  /** Queue, retry and failover events, in words. */
  events: string[];
  /** Time spent in each stage itself (not the ones after it), ms. */
  stages: { name: string; ms: number }[];
  /** LLM timings (ms); null until known. */
  queued_ms: number | null;
  first_token_ms: number | null;
  total_ms: number | null;
  usage: Usage | null;
  /** Completion tokens per second after the first token, null when unknown. */
  tokens_per_second: number | null;
  /** True when the server reported no usage and the reply's tokens were estimated. */
  tokens_estimated: boolean;
  finish_reason: string | null;
}

/** An empty record to pass to `Runner.dispatch`. */
export function createTurnInspection(): TurnInspection {
  return {
    persona: "",
    endpoint: "",
    model: "",
    messages: [],
    budget: null,
    left_out: [],
    reset_at: null,
    memory: null,
    body: null,
    raw_text: "",
    raw_reasoning: "",
    events: [],
    stages: [],
    queued_ms: null,
    first_token_ms: null,
    total_ms: null,
    usage: null,
    tokens_per_second: null,
    tokens_estimated: false,
    finish_reason: null,
  };
}

/** What the context stage knows when its request is ready. */
export interface ContextFacts {
  store: Store;
  counter: TokenCounter;
  /** The budget as applied: `context_tokens` and `reserve_tokens` clamped to what the server serves. */
  budget: BudgetConfig;
  /** History read for the window, newest first, and how many of them were sent. */
  history: readonly StoredMessage[];
  history_used: number;
  /** The stored user message of this turn. */
  current_id: number;
  prompt_tokens: number;
  /** Tokens memory added to the system message (0 for none). */
  memory_tokens?: number;
  /** What memory sent (the summary, how many notes), null for nothing. */
  memory?:
    | { text: string; summary: string; notes_used: number; trimmed: boolean }
    | null;
}

/** Records the request the context stage built and what it left out (only called with a record). */
export async function inspectContext(
  record: TurnInspection,
  ctx: TurnContext,
  facts: ContextFacts,
): Promise<void> {
  const { counter, budget } = facts;
  record.persona = ctx.persona_name;
  record.endpoint = ctx.persona?.endpoint ?? "";
  record.model = ctx.persona?.model ?? "";
  // The messages as the generation stage sends them (roles alternating).
  const request = alternateRoles(ctx.request);
  const last = request.length - 1;
  record.messages = request.map((message, index) => ({
    role: message.role,
    kind: index === 0 && message.role === "system"
      ? "system"
      : message.role === "system"
      ? "memory"
      : index === last
      ? "current"
      : "history",
    content: message.content,
    tokens: counter.count(message.content) + MESSAGE_OVERHEAD_TOKENS,
  }));
  record.memory = facts.memory
    ? {
      summary: facts.memory.summary,
      notes_used: facts.memory.notes_used,
      trimmed: facts.memory.trimmed,
    }
    : null;
  const first = record.messages[0];
  const memoryTokens = facts.memory_tokens ?? 0;
  if (first?.kind === "system" && memoryTokens > 0) {
    // Memory travels in the one system message (chat templates refuse a
    // second one); the inspector shows it as its own part.
    const text = facts.memory?.text ?? "";
    record.messages.splice(0, 1, {
      ...first,
      content: first.content.slice(0, first.content.length - text.length - 2),
      tokens: first.tokens - memoryTokens,
    }, {
      role: "system",
      kind: "memory",
      content: text,
      tokens: memoryTokens,
    });
  }
  const sum = (kind: InspectedKind) =>
    record.messages.filter((m) => m.kind === kind)
      .reduce((total, m) => total + m.tokens, 0);
  const configured = ctx.config.budgets[ctx.route.binding.budget] ??
    ctx.config.budgets.default;
  record.budget = {
    context_tokens: budget.context_tokens,
    configured_context_tokens: configured?.context_tokens ??
      budget.context_tokens,
    reserve_tokens: budget.reserve_tokens,
    system: sum("system"),
    memory: sum("memory"),
    history: sum("history"),
    current: sum("current"),
    prompt_tokens: facts.prompt_tokens,
    max_tokens: ctx.max_tokens,
  };
  record.reset_at = await facts.store.lastReset(ctx.route.conversation);
  const sent = new Set(
    facts.history.slice(0, facts.history_used).map((m) => m.id),
  );
  const rows = await facts.store.recentMessages({
    conversation: ctx.route.conversation,
    limit: Math.min(budget.max_messages + 20, 200),
    since: Number.MIN_SAFE_INTEGER,
    before_id: facts.current_id,
  });
  const oldest = ctx.started_at - budget.max_age;
  record.left_out = [];
  rows.forEach((row, index) => {
    if (sent.has(row.id) || row.content === "" || row.role === "system") {
      return;
    }
    if (ctx.request.some((m) => m.content.endsWith(row.content))) return;
    record.left_out.push({
      role: row.role,
      author_name: row.author_name,
      content: row.content,
      created_at: row.created_at,
      reason: row.created_at < oldest
        ? "age"
        : index >= budget.max_messages
        ? "count"
        : "budget",
    });
  });
}

/** Records the exact request body the generation stage sends. */
export function inspectRequest(
  record: TurnInspection,
  request: ChatRequest,
): void {
  record.body = buildChatBody(request, request.stream ?? true);
}

/** Records one event of the streamed reply. */
export function inspectEvent(record: TurnInspection, event: ChatEvent): void {
  switch (event.type) {
    case "text":
      record.raw_text += event.text;
      break;
    case "reasoning":
      record.raw_reasoning += event.text;
      break;
    case "queued":
      record.events.push(
        `waiting for ${event.endpoint}: number ${event.position} in line`,
      );
      break;
    case "retry":
      record.events.push(
        `${event.endpoint} attempt ${event.attempt} failed (${event.error.message}); retrying in ${event.delay_ms} ms`,
      );
      break;
    case "failover":
      record.events.push(
        `${event.from} failed (${event.error.message}); trying ${event.to}`,
      );
      break;
    case "done": {
      const { result } = event;
      record.endpoint = result.endpoint;
      record.model = result.model;
      record.usage = result.usage;
      record.finish_reason = result.finish_reason;
      record.queued_ms = result.timing.queued_ms;
      record.first_token_ms = result.timing.first_token_ms;
      record.total_ms = result.timing.total_ms;
      const streaming_ms = result.timing.total_ms -
        (result.timing.first_token_ms ?? result.timing.total_ms);
      record.tokens_estimated = result.usage === null;
      const tokens = result.usage?.completion_tokens ??
        estimateTokens(result.text + result.reasoning);
      record.tokens_per_second = streaming_ms > 0
        ? Math.round(tokens / (streaming_ms / 1000) * 10) / 10
        : null;
      break;
    }
  }
}
