/**
 * Turns what a server said when it failed — an HTTP status with a body, or
 * an error object inside a stream — into an `LlmError` of the right kind.
 * Servers disagree: llama.cpp answers some invalid requests with HTTP 500,
 * vLLM puts errors at the top level (`{"object":"error",…}`), Ollama says
 * `model "x" not found`, OpenAI uses `code: "context_length_exceeded"`.
 *
 * @module
 */

import { redactUrl } from "./endpoint_settings.ts";
import { LlmError, type LlmErrorKind } from "./llm_error.ts";

/** Where a failure happened, for the log message. */
export interface FailureContext {
  /** The endpoint's name in the config. */
  endpoint: string;
  /** The redacted URL that was requested. */
  url: string;
  /** Strings that must never appear in a message (the API key, header values). */
  secrets: readonly string[];
}

const CONTEXT_PATTERN =
  /context[ _](length|size|window)|maximum context|exceeds? the available context|too many tokens|prompt is too long|input is too long|exceed_context_size|maximum model length/i;
const MODEL_PATTERN =
  /model[^.]*\b(not found|does not exist|not loaded|is not available|is not supported)|model_not_found|no such model|unknown model|not a valid model/i;
const INVALID_PATTERN =
  /invalid|json\.exception|parse error|failed to parse|unsupported|not supported|must be|is required|unknown (field|param|argument)|validation/i;

/**
 * Server errors that name a problem with the request itself — the same
 * request fails the same way however often it is sent — with what the
 * operator should change. llama.cpp sends these as HTTP 500.
 */
const CONFIG_ERRORS: readonly [RegExp, string][] = [
  [
    /only one completion choice is allowed/i,
    "remove `n` from the persona's `extra`: this server makes one choice per request",
  ],
  [
    /system role not supported/i,
    "the model's chat template has no system role: start the server with a template that has one (llama.cpp: --chat-template-file) or use another model",
  ],
  [
    /roles must alternate|jinja|chat template|raise_exception|template error/i,
    "the model's chat template refused the conversation: start the server with a template that accepts it (llama.cpp: --chat-template-file, or without --jinja) or use another model",
  ],
];

/** What to change for a server error that names a configuration problem, or undefined. */
export function configHint(text: string): string | undefined {
  return CONFIG_ERRORS.find(([pattern]) => pattern.test(text))?.[1];
}

const EXCERPT_LIMIT = 300;

/** What a server's error body says, whatever its dialect. */
export interface ErrorBody {
  message: string;
  type: string;
  code: string;
}

/** Reads `{error:{message,type,code}}`, `{error:"…"}`, vLLM's top level, or `{detail}`. */
export function readErrorBody(payload: unknown): ErrorBody | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  const inner = record.error;
  if (typeof inner === "string") return { message: inner, type: "", code: "" };
  const source = typeof inner === "object" && inner !== null
    ? inner as Record<string, unknown>
    : record.object === "error" || "message" in record || "detail" in record
    ? record
    : undefined;
  if (source === undefined) return undefined;
  const message = source.message ?? source.detail ?? "";
  return {
    message: typeof message === "string" ? message : JSON.stringify(message),
    type: typeof source.type === "string" ? source.type : "",
    code: source.code === undefined || source.code === null
      ? ""
      : String(source.code),
  };
}

/**
 * Shortens and scrubs text for a log line: secrets become `[redacted]` and
 * URLs lose their credentials and query strings.
 */
export function excerpt(text: string, secrets: readonly string[]): string {
  let clean = text.replace(/\s+/g, " ").trim()
    .replace(/https?:\/\/[^\s)"'<>]+/g, (url) => redactUrl(url));
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.replaceAll(secret, "[redacted]");
  }
  return clean.length > EXCERPT_LIMIT
    ? `${clean.slice(0, EXCERPT_LIMIT)}…`
    : clean;
}

/**
 * Milliseconds to wait from a `Retry-After` header: delta seconds or an HTTP
 * date (relative to `now`, epoch ms). Missing or unreadable → undefined.
 */
export function parseRetryAfter(
  value: string | null,
  now: number,
): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function kindFromText(
  status: number,
  body: ErrorBody | undefined,
): LlmErrorKind | undefined {
  const text = body === undefined
    ? ""
    : `${body.message} ${body.type} ${body.code}`;
  if (CONTEXT_PATTERN.test(text)) return "context_too_long";
  if (MODEL_PATTERN.test(text)) return "unknown_model";
  if (status >= 500 || status === 0) {
    if (
      /invalid_request/i.test(text) || INVALID_PATTERN.test(text) ||
      configHint(text) !== undefined
    ) {
      return "bad_request";
    }
  }
  return undefined;
}

function kindFromStatus(status: number): LlmErrorKind {
  if (status === 401 || status === 403) return "authentication";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 413) return "context_too_long";
  if (status === 429) return "rate_limited";
  if (status === 501) return "bad_request";
  if (status >= 500) return "server_error";
  if (status >= 400) return "bad_request";
  return "invalid_response";
}

/** Builds the error for an HTTP answer that was not a success. */
export function errorFromResponse(
  context: FailureContext,
  status: number,
  bodyText: string,
  retryAfterMs: number | undefined,
): LlmError {
  let body: ErrorBody | undefined;
  try {
    body = readErrorBody(JSON.parse(bodyText));
  } catch {
    body = undefined;
  }
  let kind: LlmErrorKind;
  if (status === 401 || status === 403 || status === 429) {
    kind = kindFromStatus(status);
  } else {
    kind = kindFromText(status, body) ?? kindFromStatus(status);
  }
  const said = body === undefined ? bodyText : body.message || bodyText;
  const hint = kind === "bad_request" ? configHint(said) : undefined;
  const retryable = kind === "rate_limited"
    ? !/insufficient_quota/i.test(bodyText)
    : kind === "timeout"
    ? true
    : undefined;
  return new LlmError(
    `Cannot get a reply from endpoint "${context.endpoint}" (${context.url}): HTTP ${status}, ${
      kind.replaceAll("_", " ")
    }: ${excerpt(said, context.secrets) || "(empty body)"}${
      hint ? `. Not retried; to fix: ${hint}` : ""
    }`,
    { kind, endpoint: context.endpoint, status, retryable, retryAfterMs },
  );
}

/** Builds the error for an error object received inside a stream. */
export function errorFromStreamPayload(
  context: FailureContext,
  payload: unknown,
): LlmError {
  const body = readErrorBody(payload) ??
    { message: JSON.stringify(payload), type: "", code: "" };
  const numeric = Number(body.code);
  const status = Number.isInteger(numeric) && numeric >= 400 && numeric < 600
    ? numeric
    : 0;
  const kind = kindFromText(status, body) ??
    (status === 0 ? "server_error" : kindFromStatus(status));
  return new LlmError(
    `The reply from endpoint "${context.endpoint}" (${context.url}) stopped with an error in the stream: ${
      kind.replaceAll("_", " ")
    }: ${excerpt(body.message || JSON.stringify(payload), context.secrets)}`,
    { kind, endpoint: context.endpoint, status: status || undefined },
  );
}
