/**
 * The context stage: picks the persona, stores the user's message (before
 * anything can fail), and builds the request from the system prompt, what
 * memory adds (preferences, notes, the summary) and the history that fits
 * the binding's budget. Once the reply is delivered (or the turn failed) it
 * tells memory the turn is over.
 *
 * @module
 */

import type { AttachmentFetcher } from "../../attachments/attachment_fetch.ts";
import type { TokenCounter } from "../../llm/token_counter.ts";
import type { Store } from "../../store/store.ts";
import type { Stage } from "../compose.ts";
import { chooseSpeaker } from "../speaker.ts";
import type { Memory, Recollection } from "../../memory/memory.ts";
import { restoreUserMessage, storeUserMessage } from "../user_message.ts";
import type { TurnContext } from "../turn_context.ts";
import { buildRequest } from "./context_request.ts";
import { HistoryAnchors } from "../history_blocks.ts";

export { asWindowMessage, containsChunk } from "./context_request.ts";

/** What the stage needs. */
export interface ContextDeps {
  store: Store;
  /** The token counter for a persona's endpoint and model. */
  counterFor(endpoint: string, model: string): TokenCounter;
  /** Summaries, notes and preferences; absent: the request carries none. */
  memory?: Memory;
  /** Reads earlier messages' images again (`attachments.history_images`). */
  attachments?: AttachmentFetcher;
  /** Where each conversation's history starts (default: a fresh set per stage). */
  anchors?: HistoryAnchors;
}

/** Creates the context stage. */
export function contextStage(options: ContextDeps): Stage<TurnContext> {
  const deps = {
    ...options,
    anchors: options.anchors ?? new HistoryAnchors(),
  };
  return {
    name: "context",
    async run(ctx, next) {
      const { message, route, config } = ctx;
      const personaName = await chooseSpeaker(ctx, deps.store);
      const persona = config.personas[personaName];
      if (persona === undefined) {
        throw new Error(
          `Cannot answer: persona "${personaName}" is not configured`,
        );
      }
      const counter = deps.counterFor(persona.endpoint, persona.model);
      ctx.persona_name = personaName;
      ctx.persona = persona;

      ctx.reply.speakAs?.({
        display_name: persona.display_name,
        avatar_url: persona.avatar_url,
      });
      // With `tokenizer: server` this asks the server (and calibrates the
      // estimate every other message is counted with); otherwise it estimates.
      const tokens = await counter.countExact(ctx.text, ctx.signal);
      if (ctx.rerun) {
        ctx.user_message = await restoreUserMessage(deps.store, ctx, tokens);
      } else if (ctx.user_message === null) {
        ctx.user_message = await storeUserMessage(
          deps.store,
          ctx,
          personaName,
          tokens,
        );
      } else if (ctx.user_message.token_count !== tokens) {
        await deps.store.updateMessage(ctx.user_message.id, {
          token_count: tokens,
          updated_at: ctx.started_at,
        });
        ctx.user_message = { ...ctx.user_message, token_count: tokens };
      }

      const budget = config.budgets[route.binding.budget] ??
        config.budgets.default;
      let recollection: Recollection | null = null;
      let historyRoom: number | null = null;
      try {
        if (budget === undefined) {
          throw new Error(
            `Cannot answer: budget "${route.binding.budget}" is not configured`,
          );
        }
        recollection = await deps.memory?.recall(
          route.conversation,
          message.author.id,
          message.guild_id,
          budget,
        ) ?? null;
        const ping = recollection?.preferences.ping ?? null;
        if (ping !== null) ctx.reply.setPing?.(ping);
        const built = await buildRequest(ctx, deps, {
          budget,
          counter,
          recollection,
        });
        historyRoom = built.history_room;
        if (built.memory?.trimmed) {
          deps.memory?.warnTrimmed(
            route.conversation,
            `${built.memory.notes_used} of ${
              recollection?.notes.length ?? 0
            } notes sent`,
          );
        }
        // A reply never waits behind a summary for the endpoint's slots.
        deps.memory?.makeRoom(
          persona.endpoint,
          config.endpoints[persona.endpoint]?.max_concurrency ?? 1,
        );
        await next();
      } finally {
        await deps.memory?.afterTurn({
          conversation: route.conversation,
          config,
          budget: budget ?? { ...config.budgets.default!, memory: "window" },
          persona_name: personaName,
          user_message_id: ctx.user_message?.id ?? null,
          keep_history: recollection?.preferences.history ??
            (await deps.memory.preferences(message.author.id)).history,
          history_room: historyRoom,
          counter,
        });
      }
    },
  };
}
