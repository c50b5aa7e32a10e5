/**
 * One line typed in the playground, run as Discord would run it: a command
 * goes to the same handlers as the slash commands, anything else becomes an
 * `IncomingMessage` that mentions the bot and goes through the one runner
 * (access, rate limits, budget, store), with an inspection record attached.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import { runCommandLine } from "../pipeline/commands/command_line.ts";
import type {
  CommandCaller,
  CommandDeps,
} from "../pipeline/commands/conversation_commands.ts";
import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import type { DispatchOptions, DispatchOutcome } from "../pipeline/runner.ts";
import type { ReplyTarget } from "../pipeline/reply_target.ts";
import { createTurnInspection } from "../pipeline/turn_inspection.ts";
import { renderDiscordMarkdown } from "./discord_markdown.ts";
import { PlaygroundReply } from "./playground_reply.ts";
import type { SendEvent } from "./playground_reply.ts";

/** The bot's user id in the playground. */
export const PLAYGROUND_BOT_ID = "0";

/** What the playground needs from the running bot (`BotServices` has it). */
export interface PlaygroundServices {
  config(): Config;
  runner: {
    dispatch(
      message: IncomingMessage,
      reply: ReplyTarget,
      options?: DispatchOptions,
    ): Promise<DispatchOutcome>;
  };
  commands: CommandDeps;
}

/** Where and as whom the page talks: a binding by index, or a DM. */
export interface PlaygroundIdentity {
  /** `"dm"` or the index of a binding in `bindings`. */
  place: "dm" | number;
  user_id: string;
  user_name: string;
  admin: boolean;
}

/** One line sent from the page. */
export interface PlaygroundLine extends PlaygroundIdentity {
  text: string;
  /** Id of the bot message this one replies to, "" for none. */
  reply_to: string;
}

/** Where the playground talks in Discord's terms. */
export interface PlaygroundPlace {
  channel_id: string;
  parent_channel_id: string;
  guild_id: string;
}

/**
 * Where a place is. A channel binding is reached as a thread of its first
 * channel (`playground-N` under it), so the binding, its personas and its
 * persona choices apply while the conversation stays apart from the real
 * channel's: the playground never sees real users' messages.
 */
export function placeOf(
  place: "dm" | number,
  config: Config,
): PlaygroundPlace | null {
  if (place === "dm") {
    return config.discord.dm.enabled
      ? { channel_id: "playground-dm", parent_channel_id: "", guild_id: "" }
      : null;
  }
  const binding = config.bindings[place];
  if (binding === undefined) return null;
  const parent = binding.channels?.[0];
  return {
    channel_id: parent === undefined ? "playground" : `playground-${place}`,
    parent_channel_id: parent ?? "",
    guild_id: binding.guild ?? "playground",
  };
}

/** Runs one line and streams what happens to `send`; ends with an `end` event. */
export async function runPlaygroundLine(
  services: PlaygroundServices,
  line: PlaygroundLine,
  send: SendEvent,
  bot_user_id = PLAYGROUND_BOT_ID,
): Promise<void> {
  const config = services.config();
  const where = placeOf(line.place, config);
  if (where === null) {
    send("notice", {
      text: line.place === "dm"
        ? "DMs are off in this config (discord.dm.enabled)."
        : `There is no bindings[${line.place}] in the config any more.`,
    });
    send("end", { outcome: "unrouted" });
    return;
  }
  const role_ids = line.admin ? [...config.access.admin_roles] : [];
  const caller: CommandCaller = {
    ...where,
    user_id: line.user_id,
    role_ids,
  };
  const answer = await runCommandLine(services.commands, caller, line.text);
  if (answer !== null) {
    send("command", { text: answer, html: renderDiscordMarkdown(answer) });
    send("end", { outcome: "command" });
    return;
  }
  const message: IncomingMessage = {
    id: `playground-${crypto.randomUUID()}`,
    ...where,
    guild_name: where.guild_id === "" ? "" : "the playground",
    channel_name: where.guild_id === "" ? "" : "playground",
    author: {
      id: line.user_id,
      display_name: line.user_name,
      is_bot: false,
      is_webhook: false,
      role_ids,
    },
    content: line.text,
    mentions_bot: true,
    reply_to: line.reply_to === "" ? null : {
      message_id: line.reply_to,
      author_id: bot_user_id,
      author_name: "",
      content: "",
    },
    created_at: Date.now(),
  };
  send("user", {
    id: message.id,
    text: line.text,
    html: renderDiscordMarkdown(line.text),
  });
  const inspection = createTurnInspection();
  const reply = new PlaygroundReply(send);
  const outcome = await services.runner.dispatch(message, reply, {
    inspection,
  });
  if (inspection.body !== null || inspection.messages.length > 0) {
    send("inspection", inspection);
  }
  send("end", {
    outcome,
    ...(outcome === "unrouted"
      ? { detail: "no binding answers here" }
      : outcome === "ignored"
      ? { detail: "the binding's trigger did not fire" }
      : {}),
  });
}
