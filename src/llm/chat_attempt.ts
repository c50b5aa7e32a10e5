/**
 * One HTTP attempt at a chat completion against one endpoint, streamed or
 * not, with its timeouts: the first token, silence between chunks, and the
 * total deadline. Any of them, or the caller's signal, aborts the HTTP
 * request; every failure is thrown as an `LlmError`. A non-streaming request
 * is bounded by the total timeout alone, since its whole answer arrives at
 * once. Retries, queueing and failover are the client's business.
 *
 * @module
 */

import { buildChatBody } from "./chat_body.ts";
import type { ChatRequest } from "./chat_types.ts";
import {
  errorFromResponse,
  errorFromStreamPayload,
  excerpt,
  type FailureContext,
  parseRetryAfter,
} from "./classify_error.ts";
import { type CompletionPiece, parseCompletion } from "./chunk_parser.ts";
import { chatTarget } from "./chat_target.ts";
import type { EndpointSettings } from "./endpoint_settings.ts";
import { LlmError } from "./llm_error.ts";
import type { LlmLogger } from "./logger.ts";
import { type SseItem, SseReader } from "./sse_reader.ts";
import { invalid, NOT_JSON, parseJson, piecesOf } from "./stream_pieces.ts";
import { SilenceTimer } from "./silence_timer.ts";
import type { Timers } from "./timers.ts";

/** Everything one attempt needs. */
export interface AttemptInput {
  /** The endpoint's name in the config. */
  name: string;
  endpoint: EndpointSettings;
  request: ChatRequest;
  fetch: typeof fetch;
  timers: Timers;
  logger: LlmLogger;
  /** Aborts the attempt; its reason (an `LlmError`) is what gets thrown. */
  signal: AbortSignal;
  /** Epoch ms (by `timers.now()`) when the endpoint's total time runs out. */
  deadline: number;
}

function timeoutError(context: FailureContext, what: string): LlmError {
  return new LlmError(
    `Cannot get a reply from endpoint "${context.endpoint}" (${context.url}): ${what}`,
    { kind: "timeout", endpoint: context.endpoint },
  );
}

/**
 * Runs one attempt and yields what the chunks of each network read
 * contribute, in order (a batch per read: one promise per read, not per
 * chunk). For a non-streaming request one piece carries the whole answer.
 * Throws an `LlmError`; the HTTP request and all timers are gone when it
 * returns or throws, also when the consumer stops early.
 */
export async function* runAttempt(
  input: AttemptInput,
): AsyncGenerator<CompletionPiece[]> {
  const { name, endpoint, request, timers } = input;
  const target = chatTarget(name, endpoint);
  const context = target.context;
  const stream = request.stream;
  const controller = new AbortController();
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onOuterAbort = () => abort(input.signal.reason);
  if (input.signal.aborted) throw input.signal.reason;
  input.signal.addEventListener("abort", onOuterAbort, { once: true });

  // The total time, the first-token wait, then the silence between chunks:
  // one timer.
  const phase = new SilenceTimer(timers);
  const tooLong = () =>
    abort(
      timeoutError(
        context,
        `no complete answer within the total timeout (${endpoint.timeout.total} ms)`,
      ),
    );
  const noFirstToken = () =>
    abort(
      timeoutError(
        context,
        `no first token within ${endpoint.timeout.first_token} ms`,
      ),
    );
  const silent = () =>
    abort(
      timeoutError(
        context,
        `the stream was silent for ${endpoint.timeout.idle} ms`,
      ),
    );
  let firstToken = false;
  // Read to its end: nothing is left to abort.
  let finished = false;

  const failure = (error: unknown): unknown => {
    if (controller.signal.aborted) return controller.signal.reason;
    if (error instanceof LlmError) return error;
    const detail = excerpt(
      error instanceof Error ? error.message : String(error),
      context.secrets,
    );
    // The transport's own message may hold the raw URL: keep only the scrubbed one.
    const cause = new Error(detail);
    if (error instanceof Error) cause.name = error.name;
    return new LlmError(
      `Cannot get a reply from endpoint "${name}" (${context.url}): the connection failed: ${detail}`,
      { kind: "network", endpoint: name, cause },
    );
  };

  try {
    if (stream) {
      // Looks again by the idle time, so the switch to it needs no new timer.
      phase.start(
        endpoint.timeout.first_token,
        noFirstToken,
        endpoint.timeout.idle,
      );
    }
    phase.limit(input.deadline, tooLong);
    input.logger.debug("Sending a chat request to {endpoint} ({url})", {
      endpoint: name,
      url: context.url,
      model: request.model,
      messages: request.messages.length,
      stream,
    });
    let response: Response;
    try {
      response = await input.fetch(target.url, {
        method: "POST",
        headers: stream ? target.streamHeaders : target.jsonHeaders,
        body: JSON.stringify(buildChatBody(request, stream)),
        signal: controller.signal,
      });
    } catch (error) {
      throw failure(error);
    }

    if (!response.ok) {
      let text = "";
      try {
        text = await response.text();
      } catch (error) {
        throw failure(error);
      }
      throw errorFromResponse(
        context,
        response.status,
        text,
        parseRetryAfter(response.headers.get("retry-after"), timers.now()),
      );
    }

    const type = response.headers.get("content-type") ?? "";
    if (!stream || !type.includes("text/event-stream")) {
      // Non-streaming, or a server that ignored `stream: true`.
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw failure(error);
      }
      const json = parseJson(text);
      if (json === NOT_JSON) {
        throw invalid(
          context,
          `the answer is not JSON: ${excerpt(text, context.secrets)}`,
        );
      }
      const parsed = parseCompletion(json);
      if (parsed.kind === "error") {
        throw errorFromStreamPayload(context, parsed.payload);
      }
      if (parsed.kind === "invalid") {
        throw invalid(
          context,
          `${parsed.reason}: ${excerpt(text, context.secrets)}`,
        );
      }
      finished = true;
      yield [parsed.piece];
      return;
    }

    if (response.body === null) {
      throw invalid(context, "the stream has no body");
    }
    let sawDone = false;
    const reader = new SseReader(response.body, () => {
      if (firstToken) phase.touch();
    });
    const items: SseItem[] = [];
    try {
      let more = true;
      while (more && !sawDone) {
        more = await reader.read(items);
        const pieces: CompletionPiece[] = [];
        const read = piecesOf(context, items, pieces);
        items.length = 0;
        sawDone = read.done;
        if (pieces.length > 0) {
          const first = !firstToken &&
            pieces.some((piece) =>
              piece.content !== "" || piece.reasoning !== ""
            );
          if (first) firstToken = true;
          // The idle timer measures the server, not the caller: paused while
          // the caller handles the pieces, counting again when reading resumes.
          if (firstToken) phase.pause();
          yield pieces;
          if (first) phase.start(endpoint.timeout.idle, silent);
          else if (firstToken) phase.resume();
        }
        if (read.error !== null) throw read.error;
      }
    } catch (error) {
      throw failure(error);
    } finally {
      await reader.close();
    }
    finished = true;
    if (!sawDone) {
      input.logger.debug("The stream from {endpoint} ended without [DONE]", {
        endpoint: name,
      });
    }
  } finally {
    phase.stop();
    input.signal.removeEventListener("abort", onOuterAbort);
    if (!finished) {
      abort(
        new LlmError("The attempt is over", {
          kind: "cancelled",
          endpoint: name,
        }),
      );
    }
  }
}
