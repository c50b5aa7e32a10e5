/**
 * The definitions of the slash commands the bot registers: `/reset` and
 * `/persona`, `/ask` (`ask_definition.ts`) and the memory commands
 * (`memory_interactions.ts`), in Discordeno's shape.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import { askDefinition } from "./ask_definition.ts";
import { memoryCommandDefinitions } from "./memory_interactions.ts";

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
