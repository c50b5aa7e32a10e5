/**
 * Answering interactions over Discordeno: slash commands (`responder`),
 * `/ask`'s streamed answer through the interaction's webhook, and button
 * presses. Nothing here ever pings (`allowedMentions: { parse: [] }`).
 *
 * @module
 */

import {
  type ButtonComponent,
  InteractionResponseTypes,
  MessageComponentTypes,
} from "@discordeno/bot";
import type { ButtonResponder } from "./buttons/button_router.ts";
import type { DiscordenoBot } from "./discordeno_properties.ts";
import type { InteractionWebhook } from "./interaction_port.ts";
import type { InteractionResponder } from "./slash_commands.ts";

/** How slash commands are answered. */
export function discordenoResponder(bot: DiscordenoBot): InteractionResponder {
  return {
    async respond(id, token, content) {
      await bot.helpers.sendInteractionResponse(id, token, {
        type: InteractionResponseTypes.ChannelMessageWithSource,
        data: { content, flags: 64, allowedMentions: { parse: [] } },
      });
    },
    async deferEphemeral(id, token) {
      await bot.helpers.sendInteractionResponse(id, token, {
        type: InteractionResponseTypes.DeferredChannelMessageWithSource,
        data: { flags: 64 },
      });
    },
    async editResponse(token, content, buttons = []) {
      await bot.helpers.editOriginalInteractionResponse(token, {
        content,
        allowedMentions: { parse: [] },
        ...(buttons.length === 0 ? {} : {
          components: [{
            type: MessageComponentTypes.ActionRow,
            // One row of at most 5 buttons (Discordeno types it as a tuple).
            components: buttons.slice(0, 5).map((button) => ({
              type: MessageComponentTypes.Button,
              customId: button.custom_id,
              label: button.label,
              style: button.style,
            })) as [ButtonComponent],
          }],
        }),
      });
    },
    async autocomplete(id, token, choices) {
      await bot.helpers.sendInteractionResponse(id, token, {
        type: InteractionResponseTypes.ApplicationCommandAutocompleteResult,
        data: { choices },
      });
    },
  };
}

/** The webhook of one interaction, for `/ask`'s streamed answer. */
export function discordenoInteractionWebhook(
  bot: DiscordenoBot,
  id: string,
  token: string,
): InteractionWebhook {
  return {
    async defer() {
      await bot.helpers.sendInteractionResponse(id, token, {
        type: InteractionResponseTypes.DeferredChannelMessageWithSource,
      });
    },
    async editOriginal(content) {
      const message = await bot.helpers.editOriginalInteractionResponse(
        token,
        { content, allowedMentions: { parse: [] } },
      );
      return String(message.id);
    },
    async followUp(content, ephemeral = false) {
      const message = await bot.helpers.sendFollowupMessage(token, {
        content,
        allowedMentions: { parse: [] },
        ...(ephemeral ? { flags: 64 } : {}),
      });
      return String(message.id);
    },
    async editMessage(message_id, content) {
      await bot.helpers.editFollowupMessage(token, message_id, {
        content,
        allowedMentions: { parse: [] },
      });
    },
    async deleteOriginal() {
      await bot.helpers.deleteOriginalInteractionResponse(token);
    },
  };
}

/** How to answer one button press. */
export function discordenoButtonResponder(
  bot: DiscordenoBot,
  id: string,
  token: string,
): ButtonResponder {
  return {
    async acknowledge() {
      await bot.helpers.sendInteractionResponse(id, token, {
        type: InteractionResponseTypes.DeferredUpdateMessage,
      });
    },
    async ephemeral(content) {
      await bot.helpers.sendInteractionResponse(id, token, {
        type: InteractionResponseTypes.ChannelMessageWithSource,
        data: { content, flags: 64, allowedMentions: { parse: [] } },
      });
    },
    async update(content) {
      await bot.helpers.sendInteractionResponse(id, token, {
        type: InteractionResponseTypes.UpdateMessage,
        data: { content, components: [], allowedMentions: { parse: [] } },
      });
    },
  };
}
