/**
 * Durable turns (DESIGN.md §8): a triggered message is stored with its turn
 * the moment it arrives, before it waits for its conversation, so a crash
 * while it waits loses nothing; the turn's state follows it (waiting →
 * running → answered, partial or failed). The stored payload is the incoming
 * message itself, so start-up recovery can run the turn again.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type {
  Store,
  StoredMessage,
  TurnState,
  TurnUpdate,
} from "../store/store.ts";
import type { IncomingMessage } from "./incoming_message.ts";
import { effectivePersona } from "./persona_choice.ts";
import { withoutBotMention } from "./stages/auth_stage.ts";
import type { TurnContext } from "./turn_context.ts";

/** The transport name a reply target without one is stored under. */
export const DEFAULT_TRANSPORT = "terminal";

/**
 * Stores the turn's user message (mention removed, the persona it
 * addresses) with a `waiting` turn, and returns the stored message.
 */
export async function receiveTurn(
  store: Store,
  ctx: TurnContext,
  at: number,
): Promise<StoredMessage> {
  const { message } = ctx;
  const { persona } = await effectivePersona(
    store,
    ctx.route.binding,
    message.author.id,
    message.persona,
  );
  return await store.addTurn({
    conversation: ctx.route.conversation,
    external_id: message.id,
    author_id: message.author.id,
    author_name: message.author.display_name,
    role: "user",
    persona,
    content: withoutBotMention(message.content, ctx.bot_user_id),
    token_count: null,
    created_at: at,
    partial: false,
  }, {
    source: ctx.reply.transport ?? DEFAULT_TRANSPORT,
    payload: JSON.stringify(message),
  });
}

/** The state a turn ends in, from how the pipeline ended it. */
export function endState(ctx: TurnContext): TurnState {
  switch (ctx.outcome) {
    case "answered":
      return "answered";
    case "interrupted":
      return "partial";
    case "failed":
      return ctx.reply.posted_ids.length > 0 ? "partial" : "failed";
    default:
      return "failed";
  }
}

/** Reads a stored payload back into the incoming message, or null when it is not one. */
export function incomingFromPayload(payload: string): IncomingMessage | null {
  try {
    const value = JSON.parse(payload) as Partial<IncomingMessage> | null;
    if (
      value === null || typeof value !== "object" ||
      typeof value.id !== "string" || typeof value.channel_id !== "string" ||
      typeof value.content !== "string" || typeof value.author !== "object" ||
      value.author === null || typeof value.author.id !== "string"
    ) return null;
    return value as IncomingMessage;
  } catch {
    return null;
  }
}

/** Where turns are journaled: the store, the clock and the log. */
export interface TurnJournal {
  store: Store;
  now(): number;
  logger: Logger;
}

/**
 * Sets the turn's stored message: `stored` when it is stored already (a
 * recovered turn, a rerun), else a new turn stored now. Never rejects: a
 * failed write is logged and the turn runs anyway.
 */
export async function arriveTurn(
  journal: TurnJournal,
  ctx: TurnContext,
  stored?: StoredMessage,
): Promise<void> {
  if (stored !== undefined) {
    ctx.user_message = stored;
    return;
  }
  try {
    ctx.user_message = await receiveTurn(journal.store, ctx, journal.now());
  } catch (error) {
    journal.logger.error(
      "Could not store a message on arrival in channel {channel}: {error}",
      { channel: ctx.message.channel_id, error },
    );
  }
}

/** Records the turn's state; a failed write is logged, never thrown. */
export async function recordTurn(
  journal: TurnJournal,
  ctx: TurnContext,
  update: Omit<TurnUpdate, "updated_at">,
): Promise<void> {
  const id = ctx.user_message?.id;
  if (id === undefined) return;
  try {
    await journal.store.updateTurn(id, {
      ...update,
      updated_at: journal.now(),
    });
  } catch (error) {
    journal.logger.warn("Could not record a turn's state: {error}", { error });
  }
}
