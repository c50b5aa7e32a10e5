/**
 * An interaction as the bot reads it from the gateway, and the port through
 * which it answers interactions.
 *
 * @module
 */

import type { GatewayUser } from "./message_mapping.ts";
import type { ResponseButton } from "./memory_interactions.ts";

/** The interaction fields the bot reads. */
export interface GatewayInteraction {
  id: bigint;
  type: number;
  token: string;
  data?: {
    name?: string;
    options?: { name: string; value?: unknown; focused?: boolean }[];
    /** A pressed button's id (component interactions). */
    customId?: string;
    componentType?: number;
  };
  /** The message a pressed button is on (component interactions). */
  message?: { id?: bigint; webhookId?: bigint };
  channelId?: bigint;
  guildId?: bigint;
  user?: GatewayUser;
  member?: { roles?: bigint[]; user?: GatewayUser };
}

/** How the bot answers interactions (implemented over Discordeno). */
export interface InteractionResponder {
  /** Answers at once with a message only the caller sees (one round trip). */
  respond(
    interaction_id: string,
    token: string,
    content: string,
  ): Promise<void>;
  /** Acknowledges with "thinking…", visible only to the caller. */
  deferEphemeral(interaction_id: string, token: string): Promise<void>;
  /** Replaces the deferred response's text, with buttons under it when given. */
  editResponse(
    token: string,
    content: string,
    buttons?: readonly ResponseButton[],
  ): Promise<void>;
  /** Answers an autocomplete request. */
  autocomplete(
    interaction_id: string,
    token: string,
    choices: { name: string; value: string }[],
  ): Promise<void>;
}
