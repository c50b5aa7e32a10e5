/**
 * Commands typed as text, for the transports without slash commands (the
 * terminal chat and the playground): `/reset`, `/persona` and
 * `/persona NAME`, each with `channel` as an optional last word for the
 * channel-wide form. They call the same handlers as Discord's slash commands.
 *
 * @module
 */

import { personaCommand, resetCommand } from "./conversation_commands.ts";
import type { CommandCaller, CommandDeps } from "./conversation_commands.ts";

/** The commands a line may start with. */
export const TEXT_COMMANDS: readonly string[] = ["/reset", "/persona"];

/**
 * Runs `line` when it is a command and returns the answer to show; returns
 * null when the line is a message for the persona.
 */
export async function runCommandLine(
  deps: CommandDeps,
  caller: CommandCaller,
  line: string,
): Promise<string | null> {
  const [command, ...words] = line.trim().split(/\s+/);
  if (command === undefined || !TEXT_COMMANDS.includes(command)) return null;
  const target = words[words.length - 1] === "channel" ? "channel" : undefined;
  if (target) words.pop();
  if (command === "/reset") return await resetCommand(deps, caller, target);
  return await personaCommand(deps, caller, words[0], target);
}
