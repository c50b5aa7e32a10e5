/**
 * What the server-sent events of one network read contribute to a streamed
 * chat reply: the completion pieces in order, whether `[DONE]` came, and the
 * first thing that makes the stream unusable (a line that is not SSE, a
 * chunk that is not JSON or not a chat completion chunk, an error event),
 * as the `LlmError` to throw once the pieces before it are out.
 *
 * @module
 */

import {
  errorFromStreamPayload,
  excerpt,
  type FailureContext,
} from "./classify_error.ts";
import { type CompletionPiece, parseStreamChunk } from "./chunk_parser.ts";
import { LlmError } from "./llm_error.ts";
import type { SseItem } from "./sse_reader.ts";

/** How a read's items ended. */
export interface ReadOutcome {
  /** `[DONE]` came: the reply is complete. */
  done: boolean;
  /** The failure to throw after the pieces, or null. */
  error: LlmError | null;
}

/** An `invalid_response` failure of the endpoint in `context`. */
export function invalid(context: FailureContext, what: string): LlmError {
  return new LlmError(
    `Cannot read the reply from endpoint "${context.endpoint}" (${context.url}): ${what}`,
    { kind: "invalid_response", endpoint: context.endpoint },
  );
}

/** Returned by `parseJson()` for text that is not JSON. */
export const NOT_JSON: unique symbol = Symbol("not JSON");

/** `JSON.parse()`, or `NOT_JSON` instead of an exception. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** `[DONE]`, the end of an OpenAI stream, possibly with white space around. */
function isDone(data: string): boolean {
  return data === "[DONE]" || (data.length < 32 && data.trim() === "[DONE]");
}

const READ_ON: ReadOutcome = { done: false, error: null };
const DONE: ReadOutcome = { done: true, error: null };

/**
 * Appends the pieces of one read's `items` to `pieces`, in order, stopping
 * at `[DONE]` or at the first bad item (the outcome says which).
 */
export function piecesOf(
  context: FailureContext,
  items: readonly SseItem[],
  pieces: CompletionPiece[],
): ReadOutcome {
  for (const item of items) {
    if (item.kind === "odd_line") {
      return {
        done: false,
        error: invalid(
          context,
          `a line of the stream is not server-sent events: ${
            excerpt(item.line, context.secrets)
          }`,
        ),
      };
    }
    const data = item.data;
    if (item.type === "error") {
      const trimmed = data.trim();
      const json = parseJson(trimmed);
      return {
        done: false,
        error: errorFromStreamPayload(
          context,
          json === NOT_JSON ? { message: trimmed } : json,
        ),
      };
    }
    if (isDone(data)) return DONE;
    if (item.type !== "message") continue;
    const json = parseJson(data);
    if (json === NOT_JSON) {
      return {
        done: false,
        error: invalid(
          context,
          `a chunk of the stream is not JSON: ${
            excerpt(data.trim(), context.secrets)
          }`,
        ),
      };
    }
    const parsed = parseStreamChunk(json);
    if (parsed.kind === "error") {
      return {
        done: false,
        error: errorFromStreamPayload(context, parsed.payload),
      };
    }
    if (parsed.kind === "invalid") {
      return {
        done: false,
        error: invalid(
          context,
          `a chunk of the stream is not a chat completion chunk (${parsed.reason}): ${
            excerpt(data.trim(), context.secrets)
          }`,
        ),
      };
    }
    pieces.push(parsed.piece);
  }
  return READ_ON;
}
