/**
 * Exact token counts from a server's own tokenizer, for endpoints with
 * `tokenizer: server`. llama.cpp and vLLM both serve `POST /tokenize` at the
 * server root (outside `/v1`) but in different dialects: llama.cpp takes
 * `{content}` and answers `{tokens}`, vLLM takes `{model, prompt}` and
 * answers `{count, tokens, max_model_len}`. The dialect is detected on first
 * use and remembered; a server with neither (Ollama, OpenAI) is remembered
 * as such and the caller falls back to the estimate. Never throws.
 *
 * @module
 */

import { excerpt } from "./classify_error.ts";
import {
  type EndpointSettings,
  endpointUrl,
  redactUrl,
  requestHeaders,
} from "./endpoint_settings.ts";
import type { LlmLogger } from "./logger.ts";
import type { Timers } from "./timers.ts";

/** Which `/tokenize` dialect a server speaks, once known. */
export type TokenizeDialect = "llamacpp" | "vllm" | "none";

/** Counts tokens with one endpoint's server. */
export interface ServerTokenizer {
  /** The detected dialect, or undefined before the first successful answer. */
  readonly dialect: TokenizeDialect | undefined;
  /** The exact count, or undefined when the server cannot say (then estimate). */
  count(
    text: string,
    model: string,
    signal?: AbortSignal,
  ): Promise<number | undefined>;
}

/** The edges a server tokenizer needs. */
export interface ServerTokenizerDeps {
  fetch: typeof fetch;
  timers: Timers;
  logger: LlmLogger;
  /** Milliseconds a tokenize call may take (default 10 s). */
  timeout_ms?: number;
}

type Outcome =
  | { kind: "count"; count: number }
  | { kind: "unsupported" }
  | { kind: "unavailable" };

function bodyFor(
  dialect: "llamacpp" | "vllm",
  text: string,
  model: string,
): Record<string, unknown> {
  return dialect === "llamacpp"
    ? { content: text, add_special: false }
    : { model, prompt: text, add_special_tokens: false };
}

function readCount(payload: unknown, text: string): number | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  const count = typeof record.count === "number"
    ? record.count
    : Array.isArray(record.tokens)
    ? record.tokens.length
    : undefined;
  // An empty answer for non-empty text means the field was not understood.
  if (count === undefined || (count === 0 && text.trim() !== "")) {
    return undefined;
  }
  return count;
}

/** Creates the tokenizer client of endpoint `name`. */
export function createServerTokenizer(
  name: string,
  endpoint: EndpointSettings,
  deps: ServerTokenizerDeps,
): ServerTokenizer {
  const url = endpointUrl(endpoint.base_url, "/tokenize", true);
  let dialect: TokenizeDialect | undefined;

  async function ask(
    which: "llamacpp" | "vllm",
    text: string,
    model: string,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = deps.timers.setTimeout(
      () => controller.abort(),
      deps.timeout_ms ?? 10_000,
    );
    try {
      const response = await deps.fetch(url, {
        method: "POST",
        headers: requestHeaders(endpoint, "application/json"),
        body: JSON.stringify(bodyFor(which, text, model)),
        signal: controller.signal,
      });
      const raw = await response.text();
      if (!response.ok) return { kind: "unsupported" };
      let payload: unknown;
      try {
        payload = JSON.parse(raw);
      } catch {
        return { kind: "unsupported" };
      }
      const count = readCount(payload, text);
      return count === undefined
        ? { kind: "unsupported" }
        : { kind: "count", count };
    } catch (error) {
      deps.logger.debug(
        "Cannot count tokens with {endpoint} ({url}): {reason}",
        {
          endpoint: name,
          url: redactUrl(url),
          reason: excerpt(
            error instanceof Error ? error.message : String(error),
            [endpoint.api_key],
          ),
        },
      );
      return { kind: "unavailable" };
    } finally {
      deps.timers.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  return {
    get dialect() {
      return dialect;
    },
    async count(text, model, signal) {
      if (dialect === "none") return undefined;
      const tries: Array<"llamacpp" | "vllm"> = dialect === undefined
        ? ["llamacpp", "vllm"]
        : [dialect];
      for (const which of tries) {
        const outcome = await ask(which, text, model, signal);
        if (outcome.kind === "count") {
          dialect = which;
          return outcome.count;
        }
        if (outcome.kind === "unavailable") return undefined;
      }
      if (dialect === undefined) {
        dialect = "none";
        deps.logger.warn(
          "Endpoint {endpoint} has tokenizer: server, but {url} answers in neither llama.cpp's nor vLLM's format; token counts will be estimated",
          { endpoint: name, url: redactUrl(url) },
        );
      }
      return undefined;
    },
  };
}
