/**
 * Keeps conversations' running summaries (budgets with `memory: summary`).
 * A job is scheduled after a turn's reply was delivered and runs in the
 * background, never in front of a reply: it reads the messages after the
 * summary, decides in blocks what fell out of the window (`summary_plan.ts`)
 * and folds it in with the summariser persona's endpoint and model, a chunk
 * at a time, saving after each. A failure is logged and the conversation is
 * tried again after `retry_ms`, at a later turn; it never fails a turn. One
 * job per conversation runs at a time. A reply always goes first: when a
 * turn is about to ask an endpoint whose slots are all taken, the summary
 * requests running there are cancelled (`makeRoom`) and tried again at a
 * later turn.
 *
 * @module
 */

import type { BudgetConfig, Config } from "../config/config_types.ts";
import type { LlmClient } from "../llm/llm_client.ts";
import type { TokenCounter } from "../llm/token_counter.ts";
import { MESSAGE_OVERHEAD_TOKENS } from "../llm/token_estimate.ts";
import type { Logger } from "../log/logging.ts";
import type { ConversationKey, Store, StoredMessage } from "../store/store.ts";
import { safeName } from "../llm/safe_name.ts";
import { planSummary } from "./summary_plan.ts";
import {
  summaryPrompt,
  summaryRequest,
  transcriptLine,
} from "./summary_request.ts";

/** What one summary job needs to know about the turn that scheduled it. */
export interface SummaryJob {
  conversation: ConversationKey;
  /** The turn's config snapshot. */
  config: Config;
  budget: BudgetConfig;
  /** The persona that answered the turn (summarises unless `memory.summarizer` is set). */
  persona_name: string;
  /** Tokens the turn's request had for history. */
  history_room: number;
  /** Counts message costs as the context stage does. */
  counter: TokenCounter;
}

/** What the summariser needs. */
export interface SummarizerDeps {
  store: Store;
  llm: Pick<LlmClient, "streamChat"> & Partial<Pick<LlmClient, "status">>;
  counterFor(endpoint: string, model: string): TokenCounter;
  now(): number;
  logger: Logger;
  /** How long after a failure a conversation is tried again (default 60 s). */
  retry_ms?: number;
}

/** Messages read after the summary at most, per job. */
const MAX_READ = 2_000;
const PAGE = 200;

/** Runs summary jobs in the background; see the module doc. */
export class Summarizer {
  readonly #deps: SummarizerDeps;
  readonly #running = new Map<string, Promise<void>>();
  /** The endpoint each running job asks, and how to cancel it to make room. */
  readonly #jobs = new Map<
    string,
    { endpoint: string; cancel: AbortController }
  >();
  readonly #retryAt = new Map<string, number>();
  readonly #abort = new AbortController();

  constructor(deps: SummarizerDeps) {
    this.#deps = deps;
  }

  /** Starts a job for the conversation unless one runs or it failed recently. */
  schedule(job: SummaryJob): void {
    if (this.#abort.signal.aborted) return;
    const key = JSON.stringify([
      job.conversation.channel_id,
      job.conversation.user_id,
    ]);
    if (this.#running.has(key)) return;
    const retryAt = this.#retryAt.get(key);
    if (retryAt !== undefined && this.#deps.now() < retryAt) return;
    const name = job.config.memory.summarizer ?? job.persona_name;
    const cancel = new AbortController();
    this.#jobs.set(key, {
      endpoint: job.config.personas[name]?.endpoint ?? "",
      cancel,
    });
    const signal = AbortSignal.any([this.#abort.signal, cancel.signal]);
    const run = this.#run(job, signal).then(
      () => void this.#retryAt.delete(key),
      (error: unknown) => {
        // Made room for a reply: not a failure, tried again at the next turn.
        if (cancel.signal.aborted) return;
        const retry_ms = this.#deps.retry_ms ?? 60_000;
        this.#retryAt.set(key, this.#deps.now() + retry_ms);
        if (this.#abort.signal.aborted) return;
        this.#deps.logger.warn(
          "Could not summarise the history of channel {channel}; trying again at a turn after {seconds} s: {error}",
          {
            channel: job.conversation.channel_id,
            seconds: Math.round(retry_ms / 1000),
            error,
          },
        );
      },
    ).finally(() => {
      this.#running.delete(key);
      this.#jobs.delete(key);
    });
    this.#running.set(key, run);
  }

  /**
   * Called before a reply's request to `endpoint`: when all its
   * `max_concurrency` slots are taken, cancels the summary requests running
   * there so the reply does not wait behind them. Returns how many were
   * cancelled.
   */
  makeRoom(endpoint: string, max_concurrency: number): number {
    const status = this.#deps.llm.status?.()[endpoint];
    if (status === undefined || status.active < Math.max(1, max_concurrency)) {
      return 0;
    }
    let cancelled = 0;
    for (const job of this.#jobs.values()) {
      if (job.endpoint !== endpoint || job.cancel.signal.aborted) continue;
      job.cancel.abort(new Error("a reply needs the endpoint"));
      cancelled += 1;
    }
    return cancelled;
  }

  /** Resolves when no job is running. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) {
      await Promise.allSettled([...this.#running.values()]);
    }
  }

  /** Cancels running jobs (their progress so far is kept) and waits for them. */
  async close(): Promise<void> {
    this.#abort.abort(new Error("The bot is shutting down"));
    await this.idle();
  }

  async #run(job: SummaryJob, signal: AbortSignal): Promise<void> {
    const { store, now } = this.#deps;
    const name = job.config.memory.summarizer ?? job.persona_name;
    const persona = job.config.personas[name];
    if (persona === undefined) {
      throw new Error(`the summariser persona "${name}" is not configured`);
    }
    const summary = await store.getSummary(job.conversation);
    const rows = await this.#readAfter(job.conversation, summary?.through_id);
    const byId = new Map(rows.map((m) => [m.id, m]));
    const fold = planSummary(
      rows.map((m) => ({
        id: m.id,
        created_at: m.created_at,
        cost: messageCost(m, job.counter),
      })),
      {
        room: job.history_room,
        max_messages: job.budget.max_messages,
        oldest: now() - job.budget.max_age,
      },
    );
    if (fold.length === 0) return;

    const summaryTokens = job.budget.summary_tokens;
    const prompt = summaryPrompt(
      job.config.memory.summary_prompt,
      summaryTokens,
    );
    const counter = this.#deps.counterFor(persona.endpoint, persona.model);
    // What one request may carry besides the prompt, the summary and the answer.
    const capacity = Math.max(
      256,
      job.budget.context_tokens - counter.count(prompt) - 3 * summaryTokens -
        64,
    );
    let previous = summary?.content ?? "";
    let lines: string[] = [];
    let size = 0;
    for (const [index, planned] of fold.entries()) {
      const message = byId.get(planned.id);
      if (message === undefined) continue;
      const line = transcriptLine(message);
      lines.push(line);
      size += counter.count(line) + 1;
      const last = index === fold.length - 1;
      if (!last && size < capacity) continue;
      previous = await this.#fold(
        job,
        persona,
        prompt,
        previous,
        lines,
        signal,
      );
      const saved = await store.setSummary(job.conversation, {
        content: previous,
        through_id: planned.id,
        token_count: counter.count(previous),
        updated_at: now(),
      });
      if (!saved) return; // A /reset came in meanwhile: what was folded is gone.
      lines = [];
      size = 0;
    }
    this.#deps.logger.debug(
      "Summarised {count} messages of channel {channel}",
      { count: fold.length, channel: job.conversation.channel_id },
    );
  }

  async #fold(
    job: SummaryJob,
    persona: Config["personas"][string],
    prompt: string,
    previous: string,
    lines: readonly string[],
    signal: AbortSignal,
  ): Promise<string> {
    let text = "";
    const events = this.#deps.llm.streamChat(persona.endpoint, {
      ...persona,
      messages: summaryRequest(prompt, previous, lines),
      max_tokens: job.budget.summary_tokens,
    }, { signal });
    for await (const event of events) {
      if (event.type === "done") text = event.result.text.trim();
    }
    if (text === "") throw new Error("the model returned an empty summary");
    return text;
  }

  /** The conversation's messages after `after_id`, newest first. */
  async #readAfter(
    conversation: ConversationKey,
    after_id: number | undefined,
  ): Promise<StoredMessage[]> {
    const all: StoredMessage[] = [];
    let before: number | undefined;
    while (all.length < MAX_READ) {
      const rows = await this.#deps.store.recentMessages({
        conversation,
        limit: PAGE,
        since: Number.MIN_SAFE_INTEGER,
        ...(after_id === undefined ? {} : { after_id }),
        ...(before === undefined ? {} : { before_id: before }),
      });
      all.push(...rows);
      const last = rows.at(-1);
      if (rows.length < PAGE || last === undefined) break;
      before = last.id;
    }
    return all.filter((m) => m.content !== "" && m.role !== "system");
  }
}

/** What a stored message costs in a request, as the context stage counts it. */
export function messageCost(
  message: StoredMessage,
  counter: TokenCounter,
): number {
  const tokens = message.token_count ?? counter.count(message.content);
  const prefix = message.role === "assistant"
    ? 0
    : counter.count(`${safeName(message.author_name)}: `);
  return tokens + prefix + MESSAGE_OVERHEAD_TOKENS;
}
