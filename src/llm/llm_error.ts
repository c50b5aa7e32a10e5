/**
 * The one error type the LLM client throws. Its `kind` says what went wrong
 * in terms the bot can act on, `userMessage` is a short sentence fit for a
 * Discord reply (no URLs, no keys), and `message` is the detailed line for
 * the log.
 *
 * @module
 */

/** What went wrong, as far as the bot is concerned. */
export type LlmErrorKind =
  /** 401/403: the API key is missing or wrong. */
  | "authentication"
  /** The server does not serve the persona's model. */
  | "unknown_model"
  /** No chat route at the URL (often a base_url without `/v1`). */
  | "not_found"
  /** The server refused the request as invalid (also llama.cpp's HTTP 500s). */
  | "bad_request"
  /** The prompt is longer than the model's context window. */
  | "context_too_long"
  /** 429: the server asks to slow down. */
  | "rate_limited"
  /** 5xx, a model still loading, or an error object in the stream. */
  | "server_error"
  /** The server could not be reached or the connection broke. */
  | "network"
  /** No first token, silence between chunks, or the total time ran out. */
  | "timeout"
  /** The caller cancelled. */
  | "cancelled"
  /** Every slot busy and the queue full, or the wait for a slot too long. */
  | "saturated"
  /** The server answered with something that is not the OpenAI format. */
  | "invalid_response"
  /** The bot asked for an endpoint the config does not define. */
  | "config";

const USER_MESSAGES: Record<LlmErrorKind, string> = {
  authentication:
    "The model server refused the bot's credentials; an admin needs to check the API key.",
  unknown_model:
    "The model server does not have the model this persona uses; an admin needs to check the config.",
  not_found:
    "The model server's address looks wrong; an admin needs to check the endpoint's base_url.",
  bad_request:
    "The model server rejected the request; an admin needs to check the log and the config.",
  context_too_long:
    "This conversation is too long for the model. Try /reset to start fresh.",
  rate_limited:
    "The model server is rate-limiting requests. Try again in a moment.",
  server_error: "The model server had a problem. Try again in a moment.",
  network: "The bot could not reach the model server. Try again later.",
  timeout: "The model took too long to answer. Try again in a moment.",
  cancelled: "The reply was cancelled.",
  saturated: "The model is busy with other requests. Try again in a minute.",
  invalid_response: "The model server sent a reply the bot could not read.",
  config: "This persona's model server is not configured correctly.",
};

/** Kinds that may succeed on the same endpoint if tried again. */
const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set<LlmErrorKind>([
  "rate_limited",
  "server_error",
  "network",
  "invalid_response",
]);

/** Everything known about a failure when it is created. */
export interface LlmErrorDetails {
  kind: LlmErrorKind;
  /** The endpoint name the failure came from ("" when none). */
  endpoint: string;
  /** HTTP status, when the server answered. */
  status?: number | undefined;
  /** Overrides whether trying again can help (defaults by kind). */
  retryable?: boolean | undefined;
  /** Milliseconds the server asked us to wait (`Retry-After`). */
  retryAfterMs?: number | undefined;
  /** Overrides the kind's default Discord message. */
  userMessage?: string | undefined;
  cause?: unknown;
}

/**
 * A failed LLM request. `message` is for the log (endpoint name, redacted
 * URL, status, an excerpt of the server's answer); `userMessage` is for the
 * Discord reply. `partial` is set by the client when visible or reasoning
 * text had already been streamed before the failure.
 */
export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly userMessage: string;
  /** True when some text had reached the caller before the failure. */
  partial = false;

  constructor(message: string, details: LlmErrorDetails) {
    super(
      message,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = "LlmError";
    this.kind = details.kind;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.retryable = details.retryable ?? RETRYABLE.has(details.kind);
    this.retryAfterMs = details.retryAfterMs;
    this.userMessage = details.userMessage ?? USER_MESSAGES[details.kind];
  }
}

/** The default Discord-facing sentence for a kind of failure. */
export function userMessageFor(kind: LlmErrorKind): string {
  return USER_MESSAGES[kind];
}
