/**
 * Who the bot is, as Discord says — not as the token's first part suggests.
 * Discord-compatible servers issue tokens in other formats, so at start the
 * bot asks `GET /users/@me`, and READY confirms it; the id they report is
 * the one the bot uses for mentions, replies and commands. A token Discord
 * refuses (401) stops the start with a message that says so.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import { classifyDiscordError } from "./discordeno_port.ts";

/** A token of Discord's format for bot id 0: Discordeno only decodes it. */
export const STAND_IN_TOKEN = `${btoa("0")}.stand-in.token`;

/** The parts of a Discordeno bot whose id is set here. */
export interface IdentifiedBot {
  id: bigint;
  applicationId: bigint;
  rest: {
    get<T>(route: string): Promise<T>;
    routes: { currentUser(): string };
  };
}

/** Learns and sets the bot's id; see the module doc. */
export function botIdentity(
  bot: IdentifiedBot,
  token_id: string | null,
  logger: Logger,
) {
  const learn = (id: unknown): void => {
    if (typeof id !== "string" || !/^[0-9]{1,21}$/.test(id)) return;
    if (String(bot.id) === id) return;
    if (token_id !== null && token_id !== id) {
      logger.warn("Discord reports bot id {id}, not the {token} in the token", {
        id,
        token: token_id,
      });
    }
    bot.id = BigInt(id);
    bot.applicationId = BigInt(id);
    (bot.rest as unknown as { applicationId: bigint }).applicationId = BigInt(
      id,
    );
  };
  return {
    /** Takes an id Discord reported (READY's `user.id`). */
    learn,
    /** Asks Discord who the token belongs to; throws when Discord refuses it. */
    async ask(): Promise<void> {
      try {
        const me = await bot.rest.get<{ id?: unknown }>(
          bot.rest.routes.currentUser(),
        );
        learn(me?.id);
      } catch (error) {
        const failure = classifyDiscordError(error);
        if (
          /answered 401/.test(failure.message) &&
          /DISCORD_REST_SECRET/.test(failure.message)
        ) {
          throw new Error(
            `The REST proxy refused this process's DISCORD_REST_SECRET (${failure.message}): set the same secret here and in deno task rest`,
            { cause: error },
          );
        }
        if (/answered 401/.test(failure.message)) {
          throw new Error(
            `Discord refused the token (${failure.message}): copy it again from the Developer Portal's Bot tab`,
            { cause: error },
          );
        }
        if (token_id === null) throw failure;
        logger.warn(
          "Could not ask Discord who the bot is ({reason}); using the id in the token",
          { reason: failure.message },
        );
      }
    },
  };
}
