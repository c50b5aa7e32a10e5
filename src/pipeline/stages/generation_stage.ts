/**
 * The generation stage: sends the request to the persona's endpoint and
 * hands the visible text onward as it streams (`ctx.output`), with the
 * typing signal on until the first text. Reasoning is shown per the
 * persona's `reasoning` setting. The reply is stored as partial when it
 * starts and completed at the end, so a crash leaves it marked; a failure
 * becomes a short reply and a log line, and the next message works.
 *
 * @module
 */

import type { PersonaConfig } from "../../config/config_types.ts";
import type { ChatEvent, ChatResult } from "../../llm/chat_types.ts";
import type { LlmClient } from "../../llm/llm_client.ts";
import { LlmError } from "../../llm/llm_error.ts";
import { ReasoningRenderer } from "../../llm/reasoning_render.ts";
import type { TokenCounter } from "../../llm/token_counter.ts";
import type { Logger } from "../../log/logging.ts";
import type { Store } from "../../store/store.ts";
import { deliveredText, trackReplyProgress } from "../reply_progress.ts";
import { alternateRoles } from "../alternate_roles.ts";
import type { Stage } from "../compose.ts";
import { stoppedOnRequest } from "../controls/turn_controls.ts";
import type { TurnContext } from "../turn_context.ts";
import { inspectEvent, inspectRequest } from "../turn_inspection.ts";

/** What the stage needs. */
export interface GenerationDeps {
  store: Store;
  llm: Pick<LlmClient, "streamChat">;
  counterFor(endpoint: string, model: string): TokenCounter;
  now(): number;
  logger: Logger;
  /** Told about every finished LLM reply (metrics). */
  onLlmResult?: (result: ChatResult) => void;
  /** Told about every failed LLM request (metrics). */
  onLlmError?: (endpoint: string, kind: string) => void;
}

/** Ends a reply cut at the persona's `max_reply_chars`. */
export const REPLY_TOO_LONG = "(stopped: reply too long)";

/** At most `room` UTF-16 units of `text`, never ending inside a surrogate pair. */
function cutAt(text: string, room: number): string {
  if (room <= 0) return "";
  const code = text.charCodeAt(room - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? room - 1 : room);
}

/** Said when an answer was stopped before it had any text. */
export const STOPPED_NOTICE = "⏹️ Stopped.";

/** Said under a reply Discord stopped taking midway. */
export const DELIVERY_CUT_NOTICE =
  "⚠️ Discord did not take the rest of this answer; what is above is incomplete.";

/** Said when the model sent nothing visible. */
export const EMPTY_REPLY_NOTICE =
  "🤔 The model returned an empty reply. Try rephrasing?";

/** Creates the generation stage. */
export function generationStage(deps: GenerationDeps): Stage<TurnContext> {
  return {
    name: "generation",
    async run(ctx, next) {
      const persona = ctx.persona;
      if (persona === null) {
        throw new Error("Cannot generate: the context stage chose no persona");
      }
      // A rerun writes its answer over the reply it replaces.
      const replaced = ctx.rerun?.reply ?? null;
      if (replaced !== null) {
        await deps.store.updateMessage(replaced.id, {
          content: "",
          partial: true,
          updated_at: deps.now(),
        });
      }
      const assistant = replaced ?? await deps.store.addMessage({
        conversation: ctx.route.conversation,
        external_id: null,
        author_id: ctx.bot_user_id,
        author_name: persona.display_name,
        role: "assistant",
        persona: ctx.persona_name,
        content: "",
        token_count: null,
        created_at: deps.now(),
        partial: true,
        reply_to_id: ctx.user_message?.id ?? null,
      });
      // What the user sees is stored as it is posted: a crash mid-stream leaves it, not "".
      const progress = trackReplyProgress(
        deps,
        ctx.reply,
        ctx.user_message?.id,
        assistant.id,
      );
      let answer = "";
      let visible = "";
      let failure: unknown = null;
      let explainedInline = false;
      let storedExternalId: string | null = null;
      let completionTokens: number | null = null;
      let queueNoticeSent = false;
      let tooLong = false;
      let stopped = false;
      const renderer = new ReasoningRenderer(persona.reasoning);
      const counter = deps.counterFor(persona.endpoint, persona.model);
      const events = sendRequest(deps.llm, ctx, persona);
      const explain = (error: unknown) =>
        isCancelled(error, ctx.signal)
          ? "⚠️ The bot is restarting; this answer was cut short. Ask again in a moment."
          : `⚠️ ${
            error instanceof LlmError
              ? error.userMessage
              : "Something went wrong while answering. Please try again."
          }`;

      ctx.reply.startTyping();
      ctx.output = (async function* () {
        try {
          for await (const event of events) {
            if (ctx.inspection) inspectEvent(ctx.inspection, event);
            if (
              event.type === "queued" && event.position >= 2 && !queueNoticeSent
            ) {
              queueNoticeSent = true;
              await ctx.reply.notice(
                `⏳ The model is busy; you are number ${event.position} in line.`,
              );
            } else if (event.type === "text" || event.type === "reasoning") {
              if (event.type === "text") answer += event.text;
              let piece = renderer.push(event);
              const room = persona.max_reply_chars - visible.length;
              if (piece.length > room) {
                // A model that ignores max_tokens must not post forever: stop the request here.
                piece = cutAt(piece, room);
                tooLong = true;
              }
              if (piece !== "") {
                ctx.reply.stopTyping();
                visible += piece;
                yield piece;
              }
              if (tooLong) break; // ends the stream, which aborts the request
            } else if (event.type === "done") {
              completionTokens = event.result.usage?.completion_tokens ?? null;
              deps.onLlmResult?.(event.result);
            }
          }
          const tail = renderer.end();
          if (tail !== "") {
            visible += tail;
            yield tail;
          }
          if (tooLong) yield `\n\n${REPLY_TOO_LONG}`;
        } catch (error) {
          // Stopped on request: the text so far is the answer.
          if (stoppedOnRequest(ctx.signal)) {
            stopped = true;
            return;
          }
          failure = error;
          deps.onLlmError?.(
            error instanceof LlmError
              ? error.endpoint || persona.endpoint
              : persona.endpoint,
            error instanceof LlmError ? error.kind : "unexpected",
          );
          // Text is already showing: explain under it instead of in another message.
          if (visible.trim() !== "") {
            explainedInline = true;
            yield `\n\n${explain(error)}`;
          }
        } finally {
          progress.modelDone();
          ctx.reply.stopTyping();
          await progress.settled();
          // Store the answer as soon as the model is done: delivery trouble cannot hold it back.
          storedExternalId = ctx.reply.posted_ids[0] ?? null;
          await deps.store.updateMessage(assistant.id, {
            content: answer,
            token_count: tooLong
              ? counter.count(answer)
              : completionTokens ?? counter.count(answer),
            partial: failure !== null || tooLong,
            external_id: storedExternalId,
            updated_at: deps.now(),
          });
        }
      })();

      let deliveryError: unknown = null;
      try {
        await next();
      } catch (error) {
        deliveryError = error;
      }
      await progress.settled();
      const externalId = ctx.reply.posted_ids[0] ?? null;
      if (deliveryError !== null || externalId !== storedExternalId) {
        await deps.store.updateMessage(assistant.id, {
          external_id: externalId,
          // Stored as far as Discord accepted it when delivery broke off.
          ...(deliveryError !== null
            ? { content: deliveredText(progress.delivered) }
            : {}),
          // Partial too when the reply could not be delivered whole.
          partial: failure !== null || deliveryError !== null || tooLong,
          updated_at: deps.now(),
        });
      }
      if (deliveryError !== null) {
        // Nothing shown: the runner says something went wrong. Part shown: say
        // it is incomplete, once, under it.
        if (progress.delivered.length === 0) throw deliveryError;
        ctx.outcome = "failed";
        ctx.detail = `delivery: ${
          deliveryError instanceof Error
            ? deliveryError.message
            : String(deliveryError)
        }`;
        deps.logger.warn("Reply cut short in {channel}: {detail}", {
          channel: ctx.message.channel_id,
          detail: ctx.detail,
        });
        await ctx.reply.notice(DELIVERY_CUT_NOTICE).catch(() => {});
        return;
      }
      if (failure !== null) {
        const error = failure instanceof LlmError ? failure : null;
        ctx.outcome = isCancelled(failure, ctx.signal)
          ? "interrupted"
          : "failed";
        ctx.detail = error
          ? `${error.kind}: ${error.message}`
          : String(failure);
        deps.logger.warn("Reply failed in {channel}: {detail}", {
          channel: ctx.message.channel_id,
          endpoint: persona.endpoint,
          detail: ctx.detail,
          partial: visible !== "",
        });
        if (!explainedInline) await ctx.reply.notice(explain(failure));
        return;
      }
      if (visible.trim() === "" && stopped) {
        ctx.outcome = "answered";
        ctx.detail = "stopped on request before any text";
        await ctx.reply.notice(STOPPED_NOTICE);
        return;
      }
      if (visible.trim() === "") {
        ctx.outcome = "failed";
        ctx.detail = "empty reply";
        await ctx.reply.notice(EMPTY_REPLY_NOTICE);
        return;
      }
      ctx.outcome = "answered";
      if (stopped) ctx.detail = "stopped on request";
      if (tooLong) {
        ctx.detail = `stopped at max_reply_chars (${persona.max_reply_chars})`;
        deps.logger.warn("Reply stopped in {channel}: {detail}", {
          channel: ctx.message.channel_id,
          detail: ctx.detail,
        });
      }
    },
  };
}

/**
 * Hands the turn's request to the client and lets go of it: the client keeps
 * it while the reply streams, and the turn does not carry the history's text
 * through delivery.
 */
function sendRequest(
  llm: Pick<LlmClient, "streamChat">,
  ctx: TurnContext,
  persona: PersonaConfig,
): AsyncGenerator<ChatEvent, void, undefined> {
  const request = {
    ...persona,
    // Strict chat templates: a user message first, roles taking turns.
    messages: alternateRoles(ctx.request),
    max_tokens: ctx.max_tokens,
  };
  if (ctx.inspection) inspectRequest(ctx.inspection, request);
  ctx.request = [];
  return llm.streamChat(persona.endpoint, request, { signal: ctx.signal });
}

function isCancelled(error: unknown, signal: AbortSignal): boolean {
  return (error instanceof LlmError && error.kind === "cancelled") ||
    signal.aborted;
}
