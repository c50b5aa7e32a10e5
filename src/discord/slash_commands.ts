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
import type { CommandDeps } from "../pipeline/commands/conversation_commands.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import type { ThrottleTimers } from "./channel_throttle.ts";
import { list, record } from "./gateway_values.ts";
import { MEMORY_COMMANDS, runMemoryCommand } from "./memory_interactions.ts";
import type { CommandAnswer } from "./memory_interactions.ts";
import { callerOf, option } from "./command_caller.ts";
import type {
  GatewayInteraction,
  InteractionResponder,
} from "./interaction_types.ts";

export { callerOf } from "./command_caller.ts";
export { commandDefinitions } from "./command_definitions.ts";
export type { CommandDefinition } from "./command_definitions.ts";
export type {
  GatewayInteraction,
  InteractionResponder,
} from "./interaction_types.ts";

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
