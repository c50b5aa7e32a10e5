/**
 * `/ask prompt:<text> [persona:<name>] [file:<attachment>]`: one turn
 * without mentioning the bot, answered through the same runner and
 * pipeline as a message — access, rate limits, budgets, persistence and
 * chunking unchanged. It needs no Message Content intent (Discord always
 * sends a command's options), so a bot without that privilege stays useful.
 * The interaction is deferred publicly at once (Discord allows 3 s), the
 * answer streams by editing the response and continues in follow-up
 * messages when long. A refusal (no access, unbound channel, a persona not
 * allowed there) replaces the "thinking…" message with a note only the
 * caller sees.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import { ACCESS_REFUSED } from "../pipeline/access/access_gate.ts";
import type { BotServices } from "../pipeline/bot_services.ts";
import {
  callerAllowed,
  listPersonas,
  resolvePersonaName,
} from "../pipeline/commands/conversation_commands.ts";
import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import type { DispatchOutcome } from "../pipeline/runner_types.ts";
import { resolveRoute } from "../pipeline/route.ts";
import { safeName } from "../llm/safe_name.ts";
import { toAttachment } from "./attachment_mapping.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import type { ChannelThrottle, ThrottleTimers } from "./channel_throttle.ts";
import { DiscordReply } from "./discord_reply.ts";
import { list, record, snowflake, text } from "./gateway_values.ts";
import { interactionPort } from "./interaction_port.ts";
import type { InteractionWebhook } from "./interaction_port.ts";
import { displayName } from "./message_mapping.ts";
import type { GatewayUser } from "./message_mapping.ts";
import { callerOf } from "./slash_commands.ts";
import type { GatewayInteraction } from "./slash_commands.ts";

/** Said when /ask is used where the bot does not answer. */
export const ASK_NOT_BOUND = "I don't answer in this channel.";

/** What handling `/ask` needs. */
export interface AskDeps {
  services: Pick<BotServices, "config" | "runner" | "commands">;
  directory: ChannelDirectory;
  webhook(interaction_id: string, token: string): InteractionWebhook;
  throttle: ChannelThrottle;
  timers: ThrottleTimers;
  logger: Logger;
  now(): number;
  /**
   * Runs the answer as a turn of its conversation (`DiscordTurns`): the
   * reply before it stops being the latest once it is answered.
   */
  answerElsewhere?(
    message: IncomingMessage,
    answer: () => Promise<DispatchOutcome>,
  ): Promise<DispatchOutcome>;
}

function optionValue(interaction: GatewayInteraction, name: string): unknown {
  return list(record(interaction.data)?.options).map(record).find((o) =>
    o?.name === name
  )?.value;
}

/** The attachment a `file` option names, from the interaction's resolved data. */
function fileOption(interaction: GatewayInteraction) {
  const id = snowflake(optionValue(interaction, "file"));
  if (id === undefined) return [];
  const resolved = record(record(interaction.data)?.resolved)?.attachments;
  let raw: unknown;
  if (resolved instanceof Map) {
    raw = resolved.get(BigInt(id)) ?? resolved.get(id);
  } else raw = record(resolved)?.[id];
  const attachment = toAttachment(raw);
  return attachment === null ? [] : [attachment];
}

/** Handles one `/ask`; errors are logged, never thrown. */
export async function handleAsk(
  interaction: GatewayInteraction,
  deps: AskDeps,
): Promise<void> {
  const id = String(interaction.id);
  const webhook = deps.webhook(id, interaction.token);
  const refuse = async (note: string) => {
    // The deferral was public; a refusal is for the caller's eyes only.
    await webhook.deleteOriginal().catch(() => {});
    await webhook.followUp(note, true);
  };
  try {
    // Acknowledge first: Discord drops interactions not answered within 3 seconds.
    await webhook.defer();
    const caller = await callerOf(interaction, deps.directory);
    if (caller === null) {
      return await refuse("I could not tell where this command was used.");
    }
    if (!(await callerAllowed(deps.services.commands, caller))) {
      return await refuse(ACCESS_REFUSED);
    }
    const config = deps.services.config();
    const route = resolveRoute(caller, config);
    if (route === null) return await refuse(ASK_NOT_BOUND);
    const asked = text(optionValue(interaction, "persona")).trim();
    let persona: string | undefined;
    if (asked !== "") {
      const found = resolvePersonaName(config, route, asked);
      if (found === null) {
        return await refuse(
          `There is no persona "${safeName(asked, "?", 40)}" here. Available: ${
            listPersonas(config, route)
          }.`,
        );
      }
      persona = found;
    }
    const member = record(interaction.member);
    const user = (record(member?.user) ?? record(interaction.user)) as
      | GatewayUser
      | undefined;
    const message: IncomingMessage = {
      id,
      channel_id: caller.channel_id,
      parent_channel_id: caller.parent_channel_id,
      guild_id: caller.guild_id,
      guild_name: caller.guild_id === ""
        ? ""
        : deps.directory.guildName(caller.guild_id),
      channel_name: caller.guild_id === ""
        ? ""
        : (await deps.directory.resolve(caller.channel_id))?.name ?? "",
      author: {
        id: caller.user_id,
        display_name: user ? displayName(user, text(member?.nick)) : "someone",
        is_bot: user?.bot === true,
        is_webhook: false,
        role_ids: caller.role_ids,
      },
      content: text(optionValue(interaction, "prompt")),
      mentions_bot: false,
      reply_to: null,
      created_at: deps.now(),
      attachments: fileOption(interaction),
      slash_command: true,
      persona,
    };
    const port = interactionPort(webhook);
    const reply = new DiscordReply({
      port,
      throttle: deps.throttle,
      timers: deps.timers,
      logger: deps.logger,
      channel_id: caller.channel_id,
      trigger_message_id: id,
      ping_replied_user: false,
    });
    const answer = () => deps.services.runner.dispatch(message, reply);
    const outcome = deps.answerElsewhere
      ? await deps.answerElsewhere(message, answer)
      : await answer();
    if (!port.answered) {
      // Nothing was said (refused before the turn, or an empty answer): never leave "thinking…".
      await refuse(
        outcome === "denied"
          ? ACCESS_REFUSED
          : outcome === "unrouted"
          ? ASK_NOT_BOUND
          : outcome === "answered"
          ? "(The model gave an empty answer.)"
          : "⚠️ I could not answer that. Please try again.",
      );
    }
  } catch (error) {
    deps.logger.warn("Could not handle an /ask interaction: {error}", {
      error,
    });
    await refuse("⚠️ Something went wrong on my side. Please try again.")
      .catch(() => {});
  }
}
