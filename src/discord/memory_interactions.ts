/**
 * The memory slash commands in Discord — `/remember`, `/memory`, `/forget`,
 * `/settings` and `/forget-me` — and the buttons that confirm `/forget-me`.
 * The command logic is the shared one (`pipeline/commands/`); this file
 * only defines the commands, reads their options and turns answers into
 * responses. The /forget-me buttons go through the bot's button router:
 * their `custom_id` is versioned and names the action and the user who
 * asked (`v1:forget-me:confirm:<user id>`); a press by anyone else is
 * refused.
 *
 * @module
 */

import { forgetMeCommand } from "../pipeline/commands/forget_me_command.ts";
import {
  forgetCommand,
  memoryCommand,
  rememberCommand,
} from "../pipeline/commands/memory_commands.ts";
import { settingsCommand } from "../pipeline/commands/settings_command.ts";
import type {
  CommandCaller,
  CommandDeps,
} from "../pipeline/commands/conversation_commands.ts";
import type { CommandDefinition } from "./command_definitions.ts";
import type { ButtonHandler } from "./buttons/button_router.ts";
import { customId } from "./buttons/custom_id.ts";

/** Discord's option type for a string. */
const STRING_OPTION = 3;

/** The memory commands' names. */
export const MEMORY_COMMANDS: readonly string[] = [
  "remember",
  "memory",
  "forget",
  "settings",
  "forget-me",
];

/** A button under a response. */
export interface ResponseButton {
  custom_id: string;
  label: string;
  /** 2 secondary (grey), 4 danger (red). */
  style: 2 | 4;
}

/** A command's answer: text, and buttons when it asks to confirm. */
export interface CommandAnswer {
  text: string;
  buttons: ResponseButton[];
}

const onOff = [
  { name: "on", value: "on" },
  { name: "off", value: "off" },
];

function text(
  name: string,
  description: string,
  required = false,
  choices?: { name: string; value: string }[],
) {
  return {
    type: STRING_OPTION,
    name,
    description,
    required,
    ...(choices ? { choices } : {}),
  };
}

/** The memory command definitions, for the places in `contexts`. */
export function memoryCommandDefinitions(
  contexts: number[],
): CommandDefinition[] {
  return [
    {
      name: "remember",
      description: "Keep a note about you that the personas will see",
      options: [
        text("text", "What to remember (up to 500 characters)", true),
      ],
      contexts,
    },
    {
      name: "memory",
      description: "Show what the bot keeps about you (only you see it)",
      options: [],
      contexts,
    },
    {
      name: "forget",
      description: "Remove one of your notes, or all of them",
      options: [text("note", "The note's number from /memory, or all")],
      contexts,
    },
    {
      name: "settings",
      description: "Show or change your preferences",
      options: [
        text("language", "The language answers should be in (off: any)"),
        text("length", "How long answers should be", false, [
          { name: "short", value: "short" },
          { name: "normal", value: "normal" },
          { name: "detailed", value: "detailed" },
        ]),
        text("ping", "Whether replies to you ping you", false, onOff),
        text(
          "history",
          "off: keep nothing you write beyond the reply, and delete what was kept",
          false,
          onOff,
        ),
      ],
      contexts,
    },
    {
      name: "forget-me",
      description: "Delete everything the bot keeps about you (asks first)",
      options: [],
      contexts,
    },
  ];
}

/** The button action of /forget-me's confirmation. */
export const FORGET_ME_ACTION = "forget-me";

/** The custom_id of a /forget-me button: `v1:forget-me:<confirm|cancel>:<user id>`. */
export function forgetMeButtonId(
  action: "confirm" | "cancel",
  user_id: string,
): string {
  return customId(FORGET_ME_ACTION, action, user_id);
}

/** Runs a memory command with the interaction's options. */
export async function runMemoryCommand(
  name: string,
  option: (name: string) => string | undefined,
  caller: CommandCaller,
  deps: CommandDeps,
): Promise<CommandAnswer> {
  const plain = (text: string): CommandAnswer => ({ text, buttons: [] });
  switch (name) {
    case "remember":
      return plain(await rememberCommand(deps, caller, option("text")));
    case "memory":
      return plain(await memoryCommand(deps, caller));
    case "forget":
      return plain(await forgetCommand(deps, caller, option("note")));
    case "settings":
      return plain(
        await settingsCommand(deps, caller, {
          language: option("language"),
          length: option("length"),
          ping: option("ping"),
          history: option("history"),
        }),
      );
    default: {
      const answer = await forgetMeCommand(deps, caller, false);
      return {
        text: answer.text,
        buttons: answer.confirm
          ? [
            {
              custom_id: forgetMeButtonId("confirm", caller.user_id),
              label: "Delete everything",
              style: 4,
            },
            {
              custom_id: forgetMeButtonId("cancel", caller.user_id),
              label: "Cancel",
              style: 2,
            },
          ]
          : [],
      };
    }
  }
}

/** Said when someone presses a button meant for another user. */
export const NOT_YOUR_BUTTON =
  "This button is for the person who asked. Use `/forget-me` yourself to delete what I keep about you.";

/**
 * The handler of the `forget-me` buttons (register it on the button router
 * under {@link FORGET_ME_ACTION}): only the user named in the custom id may
 * press them; confirm deletes and replaces the question with what was
 * deleted, cancel replaces it with "Nothing was deleted."
 */
export function forgetMeButtonHandler(deps: CommandDeps): ButtonHandler {
  return async (press, respond) => {
    const [action, user_id] = press.custom_id.args;
    if (user_id !== press.user_id) {
      await respond.ephemeral(NOT_YOUR_BUTTON);
      return;
    }
    if (action !== "confirm") {
      await respond.update("Nothing was deleted.");
      return;
    }
    const answer = await forgetMeCommand(deps, {
      channel_id: press.channel_id,
      parent_channel_id: "",
      guild_id: press.guild_id,
      user_id: press.user_id,
      role_ids: press.role_ids,
    }, true);
    await respond.update(answer.text);
  };
}
