/**
 * The shapes the LLM client reads from the configuration: one endpoint (an
 * OpenAI-compatible server) and the generation settings of a persona. Field
 * names match the config module's objects exactly, so a loaded
 * `EndpointConfig` or `PersonaConfig` can be passed in as is; durations are
 * already milliseconds.
 *
 * @module
 */

/** One OpenAI-compatible server, as the config describes it. */
export interface EndpointSettings {
  /** E.g. `http://localhost:11434/v1`; a trailing slash is tolerated. */
  base_url: string;
  /** `""` means no `Authorization` header is sent. Never logged. */
  api_key: string;
  /** Extra request headers (their values are never logged either). */
  headers: Record<string, string>;
  /** Milliseconds: until the first token, of silence between chunks, in all. */
  timeout: { first_token: number; idle: number; total: number };
  /** Requests in flight at once; the rest wait in a FIFO queue. */
  max_concurrency: number;
  /** Waiting requests at most; one more is refused as saturated. */
  max_queue: number;
  /** Milliseconds a request may wait for a slot. */
  queue_timeout: number;
  /** Further attempts after a failure, only before the first token. */
  retries: number;
  /** Name of another endpoint tried when this one fails or is saturated. */
  fallback?: string | undefined;
  /** `server`: exact counts from the server's `/tokenize`, else an estimate. */
  tokenizer: "estimate" | "server";
}

/** How a persona's reasoning is shown in Discord. */
export type ReasoningMode = "hide" | "show" | "spoiler";

/** The parts of a persona that shape the request body. */
export interface GenerationSettings {
  model: string;
  temperature?: number | undefined;
  top_p?: number | undefined;
  max_tokens?: number | undefined;
  stop?: string[] | undefined;
  /** Free-form body fields passed through, e.g. `{ min_p: 0.05 }`. */
  extra: Record<string, unknown>;
  /** `false`: one non-streaming request, the same events at the end. */
  stream: boolean;
}

/**
 * The URL of `path` under a base URL: trailing slashes of the base are
 * dropped and a query string in it (Azure's `?api-version=…`) is kept after
 * the path. `root` first removes a trailing `/v1`, for routes outside the
 * OpenAI prefix such as llama.cpp's and vLLM's `/tokenize`.
 */
export function endpointUrl(
  baseUrl: string,
  path: string,
  root = false,
): string {
  const trimmed = baseUrl.trim();
  const queryAt = trimmed.search(/[?#]/);
  const base = queryAt === -1 ? trimmed : trimmed.slice(0, queryAt);
  const query = queryAt === -1 ? "" : trimmed.slice(queryAt);
  let prefix = base.replace(/\/+$/, "");
  if (root) prefix = prefix.replace(/\/v1$/, "");
  return `${prefix}${path}${query}`;
}

/**
 * A URL fit for logs and messages: user name, password, query and fragment
 * are removed, since people put keys in them (`?key=…`). Unparseable input
 * becomes `"(invalid URL)"`.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    const hadQuery = parsed.search !== "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.toString().replace(/\/$/, "") + (hadQuery ? "?…" : "");
  } catch {
    return "(invalid URL)";
  }
}

/**
 * The request headers for an endpoint: JSON, `Authorization: Bearer` only
 * when a key is set, then the configured extra headers (which win).
 */
export function requestHeaders(
  endpoint: Pick<EndpointSettings, "api_key" | "headers">,
  accept: string,
): Headers {
  const headers = new Headers({
    "content-type": "application/json",
    accept,
  });
  if (endpoint.api_key !== "") {
    headers.set("authorization", `Bearer ${endpoint.api_key}`);
  }
  for (const [name, value] of Object.entries(endpoint.headers)) {
    headers.set(name, value);
  }
  return headers;
}
