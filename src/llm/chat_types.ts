/**
 * What goes into a chat request and what comes out of it: the messages, the
 * request (messages plus a persona's generation settings), and the events a
 * streamed reply is made of. These are the types the pipeline works with.
 *
 * @module
 */

import type { GenerationSettings } from "./endpoint_settings.ts";
import type { LlmError } from "./llm_error.ts";

/** A picture sent with a message, as OpenAI's `image_url` content part. */
export interface ChatImage {
  /** A `data:` URL (attachment URLs expire) or an http(s) URL. */
  url: string;
}

/**
 * One message of the conversation sent to the model. With `images`, the
 * body carries the message as content parts: the text first, then one
 * `image_url` part per image (only for personas with `vision: true`).
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
  /** Optional speaker name (OpenAI's `name`); not every server uses it. */
  name?: string | undefined;
  /** Pictures that go with the text (user messages only). */
  images?: readonly ChatImage[] | undefined;
}

/**
 * One request: the messages and the persona's generation settings. A loaded
 * persona can be spread in: `{ ...persona, messages }`.
 */
export interface ChatRequest extends GenerationSettings {
  messages: readonly ChatMessage[];
}

/** Token counts a server reported. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** How long the parts of a request took, in milliseconds. */
export interface ChatTiming {
  /** Waiting for a free slot (all endpoints tried). */
  queued_ms: number;
  /** From the start of the call to the first text or reasoning; null if none came. */
  first_token_ms: number | null;
  /** From the start of the call to the end. */
  total_ms: number;
}

/** The summary carried by the final `done` event. */
export interface ChatResult {
  /** The endpoint that actually answered (after failover). */
  endpoint: string;
  /** The model the server says answered, or the requested one. */
  model: string;
  /** `stop`, `length`…, or null when the server did not say. */
  finish_reason: string | null;
  /** Reported token counts, or null when the server sent none. */
  usage: Usage | null;
  /** The whole visible answer, reasoning removed. */
  text: string;
  /** The whole reasoning, "" when none. */
  reasoning: string;
  /** HTTP attempts made, across retries and failover. */
  attempts: number;
  timing: ChatTiming;
}

/**
 * An event of a reply, in order: any `queued`, `retry` and `failover`
 * events come before the first `text` or `reasoning`; exactly one `done`
 * ends a successful reply (a failure throws an `LlmError` instead).
 */
export type ChatEvent =
  /** Waiting for a slot; `position` 1 means next in line. */
  | { type: "queued"; endpoint: string; position: number }
  /** An attempt failed before the first token; another follows after `delay_ms`. */
  | {
    type: "retry";
    endpoint: string;
    attempt: number;
    delay_ms: number;
    error: LlmError;
  }
  /** The endpoint `from` failed or was saturated; `to` is tried next. */
  | { type: "failover"; from: string; to: string; error: LlmError }
  /** A piece of the visible answer. */
  | { type: "text"; text: string }
  /** A piece of the model's reasoning (thinking). */
  | { type: "reasoning"; text: string }
  /** The end of a successful reply. */
  | { type: "done"; result: ChatResult };
