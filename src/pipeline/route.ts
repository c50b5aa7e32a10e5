/**
 * Which binding answers a message and which conversation it belongs to. The
 * most specific match wins: the channel's own binding, then its thread
 * parent's, then the server's, then the DM policy. Pure and cheap, so the
 * runner can work out a message's conversation before queueing it.
 *
 * @module
 */

import type { BindingConfig, Config } from "../config/config_types.ts";
import type { ConversationKey } from "../store/store.ts";
import { addressedPersona } from "./addressed_persona.ts";

/** Where something happens: enough to find the binding and the conversation. */
export interface Place {
  channel_id: string;
  /** For a thread: its parent channel; "" otherwise. */
  parent_channel_id: string;
  /** "" for a DM. */
  guild_id: string;
  user_id: string;
  /** In a thread the bot opened: with `threads: auto` every message there is a turn. */
  in_own_thread?: boolean;
  /** The message's text, when routing a message: it may address a persona by name. */
  content?: string;
}

/** A binding as it applies to one message. */
export interface ResolvedBinding extends BindingConfig {
  /**
   * Stable key of the place the binding was matched at, used for persona
   * choices: `channel:<id>` (a bound channel; its threads share it),
   * `guild:<id>:<channel id>` (a server binding, per channel), or `dm`.
   */
  key: string;
  /** Where the binding came from, for logs: `bindings[2]` or `discord.dm`. */
  source: string;
}

/** Where a message goes. */
export interface Route {
  binding: ResolvedBinding;
  conversation: ConversationKey;
  /** The persona the message names at its start (`webhooks: true` bindings), or null. */
  addressed?: string | null;
}

/** Finds the binding for a place, or null when the bot does not answer there. */
export function resolveRoute(place: Place, config: Config): Route | null {
  const found = resolveBinding(place, config);
  if (found === null) return null;
  const addressed = place.content === undefined
    ? null
    : addressedPersona(place.content, found, config);
  // Naming a character is speaking to the bot, like a mention.
  const binding = addressed === null
    ? found
    : { ...found, trigger: [...found.trigger, "always" as const] };
  return {
    addressed,
    binding,
    conversation: {
      channel_id: place.channel_id,
      guild_id: place.guild_id,
      user_id: binding.scope === "user" ? place.user_id : "",
    },
  };
}

function resolveBinding(
  message: Place,
  config: Config,
): ResolvedBinding | null {
  if (message.guild_id === "") {
    const dm = config.discord.dm;
    if (!dm.enabled || dm.persona === undefined) return null;
    return {
      persona: dm.persona,
      personas: dm.personas,
      trigger: ["always"],
      scope: "user",
      reset: "anyone",
      threads: "off",
      webhooks: false,
      on_edit: "ignore",
      budget: dm.budget,
      rate_limit: dm.rate_limit,
      context: "conversation",
      key: "dm",
      source: "discord.dm",
    };
  }
  const byChannel = (channel: string) =>
    config.bindings.findIndex((b) => b.channels?.includes(channel) === true);
  let index = byChannel(message.channel_id);
  let key = `channel:${message.channel_id}`;
  if (index === -1 && message.parent_channel_id !== "") {
    index = byChannel(message.parent_channel_id);
    key = `channel:${message.parent_channel_id}`;
  }
  if (index === -1) {
    index = config.bindings.findIndex((b) => b.guild === message.guild_id);
    const channel = message.parent_channel_id || message.channel_id;
    key = `guild:${message.guild_id}:${channel}`;
  }
  const binding = config.bindings[index];
  if (binding === undefined) return null;
  // In a thread the bot opened for a conversation, nobody has to mention it again.
  const ownThread = binding.threads === "auto" &&
    message.in_own_thread === true;
  return {
    ...binding,
    ...(ownThread ? { trigger: [...binding.trigger, "always" as const] } : {}),
    key,
    source: `bindings[${index}]`,
  };
}
