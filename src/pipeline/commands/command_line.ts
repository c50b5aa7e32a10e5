/**
 * Commands typed as text, for the transports without slash commands (the
 * terminal chat and the playground): `/reset`, `/persona` and
 * `/persona NAME`, each with `channel` as an optional last word for the
 * channel-wide form; `/remember TEXT`, `/memory`, `/forget N|all`,
 * `/settings [NAME VALUE]` (or `NAME:VALUE`) and `/forget-me [yes]`. They call the same
 * handlers as Discord's slash commands and answer with the same text.
 *
 * @module
 */

import { personaCommand, resetCommand } from "./conversation_commands.ts";
import type { CommandCaller, CommandDeps } from "./conversation_commands.ts";
import { forgetMeCommand } from "./forget_me_command.ts";
import {
  forgetCommand,
  memoryCommand,
  rememberCommand,
} from "./memory_commands.ts";
import { settingsCommand } from "./settings_command.ts";

/** The commands a line may start with. */
export const TEXT_COMMANDS: readonly string[] = [
  "/reset",
  "/persona",
  "/remember",
  "/memory",
  "/forget",
  "/settings",
  "/forget-me",
];

/** Said under `/forget-me`'s question where there is no button. */
export const CONFIRM_BY_TYPING = "Type `/forget-me yes` to delete it all.";

/**
 * Runs `line` when it is a command and returns the answer to show; returns
 * null when the line is a message for the persona.
 */
export async function runCommandLine(
  deps: CommandDeps,
  caller: CommandCaller,
  line: string,
): Promise<string | null> {
  const trimmed = line.trim();
  const [command, ...words] = trimmed.split(/\s+/);
  if (command === undefined || !TEXT_COMMANDS.includes(command)) return null;
  const rest = trimmed.slice(command.length).trim();
  switch (command) {
    case "/remember":
      return await rememberCommand(deps, caller, rest);
    case "/memory":
      return await memoryCommand(deps, caller);
    case "/forget":
      return await forgetCommand(deps, caller, words[0]);
    case "/settings": {
      const [first, ...more] = words;
      if (first === undefined) return await settingsCommand(deps, caller, {});
      // `NAME VALUE`, or `NAME:VALUE` as the Discord option is written.
      const colon = first.indexOf(":");
      const name = colon > 0 ? first.slice(0, colon) : first;
      const value = colon > 0 ? [first.slice(colon + 1), ...more] : more;
      return await settingsCommand(deps, caller, {
        [name.toLowerCase()]: value.join(" ").trim(),
      });
    }
    case "/forget-me": {
      const answer = await forgetMeCommand(
        deps,
        caller,
        words[0]?.toLowerCase() === "yes",
      );
      return answer.confirm
        ? `${answer.text}\n${CONFIRM_BY_TYPING}`
        : answer.text;
    }
  }
  const target = words[words.length - 1] === "channel" ? "channel" : undefined;
  if (target) words.pop();
  if (command === "/reset") return await resetCommand(deps, caller, target);
  // A display name may have several words ("Captain Hook"), as in Discord's option.
  const name = words.join(" ");
  return await personaCommand(
    deps,
    caller,
    name === "" ? undefined : name,
    target,
  );
}
