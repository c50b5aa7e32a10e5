/**
 * The slash commands the bot registers — `/reset` and `/persona` here,
 * `/ask` (handled in `ask_command.ts`) and the memory commands (in
 * `memory_interactions.ts`) — and the handling of their interactions: an
 * answer ready within a safe margin of Discord's 3 s is the response itself
 * (one round trip, and no reliance on deferral); a slower one (or one with
 * buttons) is deferred first, then edited in. Autocomplete lists the
 * personas allowed where it is typed (all of them when nothing is typed or
 * the option data is missing). Button presses go to
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
import type { ThrottleTimers } from "./channel_throttle.ts";
import type { GatewayUser } from "./message_mapping.ts";
import { list, record, snowflake, snowflakes } from "./gateway_values.ts";
import {
  MEMORY_COMMANDS,
  memoryCommandDefinitions,
  runMemoryCommand,
} from "./memory_interactions.ts";
import type { CommandAnswer, ResponseButton } from "./memory_interactions.ts";

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

/** What handling interactions needs. */
export interface InteractionDeps {
  commands: CommandDeps;
  config: () => Config;
  directory: ChannelDirectory;
  responder: InteractionResponder;
  logger: Logger;
  /** Timers for the direct-answer window (default: the global ones). */
  timers?: Pick<ThrottleTimers, "setTimeout" | "clearTimeout">;
  /** How long an answer may take and still go out directly (default {@link DIRECT_ANSWER_MS}). */
  direct_answer_ms?: number;
}

/**
 * How long a command's answer may take and still be sent as the response
 * itself. Discord drops an interaction not answered within 3 s; the rest is
 * the margin for the answer's own trip. Slower answers are deferred first.
 */
export const DIRECT_ANSWER_MS = 1_500;

/** The work's result when it settles within `ms`, else `undefined` (it keeps running). */
async function within<T>(
  work: Promise<T>,
  ms: number,
  timers: Pick<ThrottleTimers, "setTimeout" | "clearTimeout">,
): Promise<{ value: T } | undefined> {
  let timer: unknown;
  const late = new Promise<undefined>((resolve) => {
    timer = timers.setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    timers.clearTimeout(timer);
  }
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
    const work = (async (): Promise<CommandAnswer> => {
      const caller = await callerOf(interaction, deps.directory);
      if (caller === null) {
        return {
          text: "I could not tell where this command was used.",
          buttons: [],
        };
      }
      if (MEMORY_COMMANDS.includes(name ?? "")) {
        return await runMemoryCommand(
          name ?? "",
          (option_name) => option(interaction, option_name),
          caller,
          deps.commands,
        );
      }
      const target = option(interaction, "target") === "channel"
        ? "channel"
        : undefined;
      return {
        buttons: [],
        text: name === "reset"
          ? await resetCommand(deps.commands, caller, target)
          : await personaCommand(
            deps.commands,
            caller,
            option(interaction, "name"),
            target,
          ),
      };
    })();
    // Ready within the safe margin: one response. Slow (or with buttons): defer
    // (Discord drops interactions not answered within 3 s), then edit.
    const quick = await within(
      work.catch((): CommandAnswer => ({ text: FAILED_NOTICE, buttons: [] })),
      deps.direct_answer_ms ?? DIRECT_ANSWER_MS,
      deps.timers ?? globalTimers,
    );
    if (quick !== undefined && quick.value.buttons.length === 0) {
      await work.catch((error) => logFailure(deps, name, error));
      await deps.responder.respond(id, interaction.token, quick.value.text);
      return;
    }
    await deps.responder.deferEphemeral(id, interaction.token);
    deferred = true;
    const answer = await work;
    await deps.responder.editResponse(
      interaction.token,
      answer.text,
      ...(answer.buttons.length > 0 ? [answer.buttons] : []),
    );
  } catch (error) {
    deps.logger.warn("Could not handle the /{name} interaction: {error}", {
      name,
      error,
    });
    if (deferred) {
      await deps.responder.editResponse(interaction.token, FAILED_NOTICE)
        .catch(() => {});
    }
  }
}

const FAILED_NOTICE = "⚠️ Something went wrong on my side. Please try again.";

const globalTimers = {
  setTimeout: (callback: () => void, ms: number): unknown =>
    setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as number | undefined),
};

function logFailure(deps: InteractionDeps, name: unknown, error: unknown) {
  deps.logger.warn("Could not handle the /{name} interaction: {error}", {
    name,
    error,
  });
}
