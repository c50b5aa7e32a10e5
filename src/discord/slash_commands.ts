/**
 * The slash commands the bot registers — `/reset` and `/persona` here,
 * `/ask` (handled in `ask_command.ts`) and the memory commands (in
 * `memory_interactions.ts`) — and the handling of their interactions: every
 * command is acknowledged at once with an ephemeral deferral (Discord
 * allows 3 s), then answered by editing that response; autocomplete lists
 * the personas allowed where it is typed. Button presses go to
 * `buttons/button_router.ts`.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import {
  personaCommand,
  personaSuggestions,
  resetCommand,
} from "../pipeline/commands/conversation_commands.ts";
import type {
  CommandCaller,
  CommandDeps,
} from "../pipeline/commands/conversation_commands.ts";
import { askDefinition } from "./ask_definition.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import type { GatewayUser } from "./message_mapping.ts";
import { list, record, snowflake, snowflakes } from "./gateway_values.ts";
import {
  MEMORY_COMMANDS,
  memoryCommandDefinitions,
  runMemoryCommand,
} from "./memory_interactions.ts";
import type { ResponseButton } from "./memory_interactions.ts";

/** Discord's option type for a string. */
const STRING_OPTION = 3;

/** A command definition in Discordeno's (camelCase) shape. */
export interface CommandDefinition {
  name: string;
  description: string;
  options: {
    type: number;
    name: string;
    description: string;
    required: boolean;
    autocomplete?: boolean;
    choices?: { name: string; value: string }[];
  }[];
  /** 0 = servers, 1 = DMs with the bot. */
  contexts: number[];
}

/** The command definitions for a config (DMs included when the config answers DMs). */
export function commandDefinitions(config: Config): CommandDefinition[] {
  const contexts = config.discord.dm.enabled ? [0, 1] : [0];
  const target = {
    type: STRING_OPTION,
    name: "target",
    description: "channel: act for the whole channel (admins only)",
    required: false,
    choices: [{ name: "channel", value: "channel" }],
  };
  return [
    {
      name: "reset",
      description: "Start a fresh conversation with the bot here",
      options: [target],
      contexts,
    },
    {
      name: "persona",
      description: "Show or switch the persona that answers you here",
      options: [
        {
          type: STRING_OPTION,
          name: "name",
          description: "The persona to switch to",
          required: false,
          autocomplete: true,
        },
        target,
      ],
      contexts,
    },
    askDefinition(contexts),
    ...memoryCommandDefinitions(contexts),
  ];
}

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

/** What handling interactions needs. */
export interface InteractionDeps {
  commands: CommandDeps;
  config: () => Config;
  directory: ChannelDirectory;
  responder: InteractionResponder;
  logger: Logger;
}

/** Discord's interaction type of a slash command. */
export const APPLICATION_COMMAND = 2;
const AUTOCOMPLETE = 4;

function option(
  interaction: GatewayInteraction,
  name: string,
): string | undefined {
  const value = list(record(interaction.data)?.options).map(record).find((o) =>
    o?.name === name
  )?.value;
  return typeof value === "string" ? value : undefined;
}

/** Who ran a command and where, or null when the interaction lacks the ids. */
export async function callerOf(
  interaction: GatewayInteraction,
  directory: ChannelDirectory,
): Promise<CommandCaller | null> {
  const member = record(interaction.member);
  const user = record(member?.user) ?? record(interaction.user);
  const channel_id = snowflake(interaction.channelId);
  const user_id = snowflake(user?.id);
  const guild_id = interaction.guildId == null
    ? ""
    : snowflake(interaction.guildId);
  // Without real ids the command would act on (and store under) "undefined".
  if (
    channel_id === undefined || user_id === undefined || guild_id === undefined
  ) return null;
  const channel = guild_id === "" ? null : await directory.resolve(channel_id);
  return {
    channel_id,
    parent_channel_id: channel?.is_thread ? channel.parent_id : "",
    guild_id,
    user_id,
    role_ids: snowflakes(member?.roles),
  };
}

/** Handles one interaction; errors are logged, never thrown. */
export async function handleInteraction(
  interaction: GatewayInteraction,
  deps: InteractionDeps,
): Promise<void> {
  const id = String(interaction.id);
  const name = interaction.data?.name;
  let deferred = false;
  try {
    if (
      interaction.type === AUTOCOMPLETE &&
      (name === "persona" || name === "ask")
    ) {
      const caller = await callerOf(interaction, deps.directory);
      const typed = list(record(interaction.data)?.options).map(record).find((
        o,
      ) => o?.focused === true)?.value;
      const choices = caller === null ? [] : await personaSuggestions(
        deps.commands,
        caller,
        typeof typed === "string" ? typed : "",
      );
      await deps.responder.autocomplete(id, interaction.token, choices);
      return;
    }
    if (
      interaction.type !== APPLICATION_COMMAND ||
      (name !== "reset" && name !== "persona" &&
        !MEMORY_COMMANDS.includes(name ?? ""))
    ) return;
    // Acknowledge first: Discord drops interactions not answered within 3 seconds.
    await deps.responder.deferEphemeral(id, interaction.token);
    deferred = true;
    const caller = await callerOf(interaction, deps.directory);
    let text = "I could not tell where this command was used.";
    if (caller !== null && MEMORY_COMMANDS.includes(name ?? "")) {
      const answer = await runMemoryCommand(
        name ?? "",
        (option_name) => option(interaction, option_name),
        caller,
        deps.commands,
      );
      await deps.responder.editResponse(
        interaction.token,
        answer.text,
        answer.buttons,
      );
      return;
    }
    if (caller !== null) {
      const target = option(interaction, "target") === "channel"
        ? "channel"
        : undefined;
      text = name === "reset"
        ? await resetCommand(deps.commands, caller, target)
        : await personaCommand(
          deps.commands,
          caller,
          option(interaction, "name"),
          target,
        );
    }
    await deps.responder.editResponse(interaction.token, text);
  } catch (error) {
    deps.logger.warn("Could not handle the /{name} interaction: {error}", {
      name,
      error,
    });
    if (deferred) {
      await deps.responder.editResponse(
        interaction.token,
        "⚠️ Something went wrong on my side. Please try again.",
      ).catch(() => {});
    }
  }
}
