/**
 * The definition of `/ask prompt:<text> [persona:<name>] [file:<attachment>]`
 * as registered with Discord (handled in `ask_command.ts`).
 *
 * @module
 */

import type { CommandDefinition } from "./command_definitions.ts";

const STRING_OPTION = 3;
const ATTACHMENT_OPTION = 11;

/** The definition of `/ask`. */
export function askDefinition(contexts: number[]): CommandDefinition {
  return {
    name: "ask",
    description: "Ask the bot something without mentioning it",
    options: [
      {
        type: STRING_OPTION,
        name: "prompt",
        description: "What to ask",
        required: true,
      },
      {
        type: STRING_OPTION,
        name: "persona",
        description: "Who answers (one of the personas allowed here)",
        required: false,
        autocomplete: true,
      },
      {
        type: ATTACHMENT_OPTION,
        name: "file",
        description: "A file or picture to ask about",
        required: false,
      },
    ],
    contexts,
  };
}
