/**
 * Token counting behind one interface. `count()` is a fast synchronous
 * estimate — what the pipeline budgets history with — scaled by a ratio
 * learned per endpoint and model from the counts servers report
 * (`usage.prompt_tokens` of each reply, and exact `/tokenize` answers).
 * The ratio moves up quickly and down slowly, ignores implausible samples
 * (a server that silently truncated the prompt reports far too few
 * tokens), stays within [0.3, 3], and carries a 5 % margin, so the
 * estimate stays on the high side. `countExact()` asks the server when the
 * endpoint has `tokenizer: server`, falling back to the estimate. What was
 * learned is reported through `onCalibrated` (the bot keeps it in the
 * store) and can be put back with `restore()` after a restart.
 *
 * @module
 */

import type { ChatMessage } from "./chat_types.ts";
import type { EndpointSettings } from "./endpoint_settings.ts";
import { defaultLlmLogger, type LlmLogger } from "./logger.ts";
import {
  createServerTokenizer,
  type ServerTokenizer,
} from "./server_tokenizer.ts";
import { systemTimers, type Timers } from "./timers.ts";
import {
  countMessageTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMER_TOKENS,
} from "./token_estimate.ts";

/** Counts tokens for one endpoint and model. */
export interface TokenCounter {
  /** Fast calibrated estimate of `text`, rounded up; errs high. */
  count(text: string): number;
  /** A message list with per-message overhead and the reply primer. */
  countMessages(messages: readonly ChatMessage[]): number;
  /** The server's exact count when available, else `count(text)`; never throws. */
  countExact(text: string, signal?: AbortSignal): Promise<number>;
  /** The factor currently applied to the raw estimate. */
  readonly ratio: number;
  /**
   * The context window the server says it serves for this model (see
   * `server_context.ts`), when known: the bot never plans past it.
   */
  readonly context_limit?: number | undefined;
}

/** Receives the prompt sizes servers report (the client calls it after each reply). */
export interface UsageObserver {
  observeUsage(
    endpoint: string,
    model: string,
    messages: readonly ChatMessage[],
    promptTokens: number,
  ): void;
}

/** The counters of every endpoint and model, sharing what they learn. */
export interface TokenCounters extends UsageObserver {
  /** The counter for requests to `model` on `endpoint`. */
  counterFor(endpoint: string, model: string): TokenCounter;
  /** Applies a new endpoint config (hot reload); learned ratios are kept. */
  reconfigure(endpoints: Record<string, EndpointSettings>): void;
  /** Puts back calibrations learned before (read from the store at start-up). */
  restore(calibrations: readonly LearnedCalibration[]): void;
  /** Records the context window the server serves for `model` on `endpoint`. */
  setContextLimit(endpoint: string, model: string, tokens: number): void;
}

/** A calibration as it is saved and restored. */
export interface LearnedCalibration {
  endpoint: string;
  model: string;
  ratio: number;
  samples: number;
}

/** The edges token counting needs; all optional. */
export interface TokenCountersOptions {
  fetch?: typeof fetch;
  timers?: Timers;
  logger?: LlmLogger;
  /** Told every time a calibration changes (to keep it across restarts). */
  onCalibrated?: (calibration: LearnedCalibration) => void;
}

/** Bounds and pace of calibration. */
export const CALIBRATION = {
  min_ratio: 0.3,
  max_ratio: 3,
  margin: 1.05,
  /** Weight of a sample above the current ratio. */
  alpha_up: 0.6,
  /** Weight of a sample below it. */
  alpha_down: 0.25,
  /** Samples from texts estimated under this many tokens are ignored. */
  min_sample_tokens: 16,
} as const;

/** Texts whose raw estimate is remembered for calibration, per generation (two are kept). */
const RAW_ESTIMATES_KEPT = 8192;

interface Calibration {
  ratio: number;
  samples: number;
}

/** Creates the counters for the configured endpoints. */
export function createTokenCounters(
  endpoints: Record<string, EndpointSettings>,
  options: TokenCountersOptions = {},
): TokenCounters {
  let config = endpoints;
  const deps = {
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timers: options.timers ?? systemTimers,
    logger: options.logger ?? defaultLlmLogger(),
    // A turn waits for the count: a slow /tokenize must not hold it long.
    timeout_ms: 3_000,
  } satisfies {
    fetch: typeof fetch;
    timers: Timers;
    logger: LlmLogger;
    timeout_ms: number;
  };
  const calibrations = new Map<string, Calibration>();
  const tokenizers = new Map<string, ServerTokenizer>();
  const counters = new Map<string, TokenCounter>();
  const limits = new Map<string, number>();

  // A conversation's requests repeat most of their messages turn after turn:
  // each text's raw estimate is kept rather than counted again for every
  // reply's calibration. Two generations, so that a full memo forgets only
  // the texts not asked for since the last turnover, never all at once.
  let recent = new Map<string, number>();
  let older = new Map<string, number>();
  function rawEstimate(text: string): number {
    let tokens = recent.get(text);
    if (tokens !== undefined) return tokens;
    tokens = older.get(text) ?? estimateTokens(text);
    if (recent.size >= RAW_ESTIMATES_KEPT) {
      older = recent;
      recent = new Map();
    }
    recent.set(text, tokens);
    return tokens;
  }

  function calibrationOf(key: string): Calibration {
    let found = calibrations.get(key);
    if (found === undefined) {
      found = { ratio: 1, samples: 0 };
      calibrations.set(key, found);
    }
    return found;
  }

  function learn(key: string, actual: number, estimated: number): void {
    if (estimated < CALIBRATION.min_sample_tokens || actual <= 0) return;
    const sample = actual / estimated;
    if (sample < CALIBRATION.min_ratio || sample > CALIBRATION.max_ratio) {
      return;
    }
    const state = calibrationOf(key);
    const alpha = sample > state.ratio
      ? CALIBRATION.alpha_up
      : CALIBRATION.alpha_down;
    state.ratio = Math.min(
      CALIBRATION.max_ratio,
      Math.max(
        CALIBRATION.min_ratio,
        state.ratio + alpha * (sample - state.ratio),
      ),
    );
    state.samples++;
    const [endpoint = "", model = ""] = key.split("\u0000");
    options.onCalibrated?.({
      endpoint,
      model,
      ratio: state.ratio,
      samples: state.samples,
    });
  }

  function tokenizerFor(endpoint: string): ServerTokenizer | undefined {
    const settings = config[endpoint];
    if (settings?.tokenizer !== "server") return undefined;
    let tokenizer = tokenizers.get(endpoint);
    if (tokenizer === undefined) {
      tokenizer = createServerTokenizer(endpoint, settings, deps);
      tokenizers.set(endpoint, tokenizer);
    }
    return tokenizer;
  }

  function counterFor(endpoint: string, model: string): TokenCounter {
    const key = `${endpoint}\u0000${model}`;
    const existing = counters.get(key);
    if (existing !== undefined) return existing;
    const factor = () => {
      const state = calibrationOf(key);
      return state.samples === 0 ? 1 : state.ratio * CALIBRATION.margin;
    };
    const count = (text: string) => Math.ceil(estimateTokens(text) * factor());
    const counter: TokenCounter = {
      count,
      countMessages: (messages) => countMessageTokens(messages, count),
      async countExact(text, signal) {
        const exact = await tokenizerFor(endpoint)?.count(text, model, signal);
        if (exact === undefined) return count(text);
        learn(key, exact, estimateTokens(text));
        return exact;
      },
      get ratio() {
        return factor();
      },
      get context_limit() {
        return limits.get(key);
      },
    };
    counters.set(key, counter);
    return counter;
  }

  return {
    counterFor,
    observeUsage(endpoint, model, messages, promptTokens) {
      const raw = countMessageTokens(messages, rawEstimate);
      const limit = limits.get(`${endpoint}\u0000${model}`);
      // A prompt that did not fit was cut by the server, and its count says so:
      // learning from it would shrink every estimate.
      if (
        limit !== undefined &&
        (counterFor(endpoint, model).countMessages(messages) >= limit ||
          promptTokens >= limit)
      ) return;
      const overhead = REPLY_PRIMER_TOKENS +
        messages.length * MESSAGE_OVERHEAD_TOKENS;
      learn(
        `${endpoint}\u0000${model}`,
        promptTokens - overhead,
        raw - overhead,
      );
    },
    setContextLimit(endpoint, model, tokens) {
      limits.set(`${endpoint}\u0000${model}`, tokens);
    },
    reconfigure(next) {
      config = next;
      tokenizers.clear();
    },
    restore(list) {
      for (const saved of list) {
        const valid = Number.isFinite(saved.ratio) &&
          saved.ratio >= CALIBRATION.min_ratio &&
          saved.ratio <= CALIBRATION.max_ratio && saved.samples > 0;
        if (!valid) continue;
        const state = calibrationOf(`${saved.endpoint}\u0000${saved.model}`);
        // What this process learned already is newer than what was saved.
        if (state.samples > 0) continue;
        state.ratio = saved.ratio;
        state.samples = saved.samples;
      }
    },
  };
}
