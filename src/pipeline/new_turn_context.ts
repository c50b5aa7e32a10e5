/**
 * The context a new turn starts with, before any stage has run: the message,
 * its route and config, the reply target and the turn's abort signal, with
 * every field the stages fill still empty.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { IncomingMessage } from "./incoming_message.ts";
import type { ReplyTarget } from "./reply_target.ts";
import type { Route } from "./route.ts";
import type { DispatchOptions } from "./runner_types.ts";
import type { TurnContext } from "./turn_context.ts";

/** What a new turn is made of. */
export interface NewTurnFields {
  message: IncomingMessage;
  config: Config;
  route: Route;
  bot_user_id: string;
  started_at: number;
  reply: ReplyTarget;
  signal: AbortSignal;
}

/** A new turn's context; `options` adds a rerun, a stored message or an inspection. */
export function newTurnContext(
  {
    message,
    config,
    route,
    bot_user_id,
    started_at,
    reply,
    signal,
  }: NewTurnFields,
  options: DispatchOptions,
): TurnContext {
  return {
    message,
    config,
    route,
    bot_user_id,
    started_at,
    reply,
    signal,
    ...(options.rerun ? { rerun: options.rerun } : {}),
    text: message.content,
    persona_name: route.binding.persona,
    persona: null,
    user_message: options.stored ?? null,
    request: [],
    max_tokens: 0,
    output: null,
    outcome: "ignored",
    detail: "",
    ...(options.inspection ? { inspection: options.inspection } : {}),
  };
}
