/**
 * `deno task chat`: a conversation in the terminal through the same runner,
 * pipeline and store as Discord. Each input line is a message that mentions
 * the bot; `/reset`, `/persona` and `/persona NAME` (with `channel` as a last
 * word for the channel-wide form), `/remember TEXT`, `/memory`,
 * `/forget N|all`, `/settings NAME VALUE` and `/forget-me yes` work as in
 * Discord and answer with the same text.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { BotServices } from "../pipeline/bot_services.ts";
import { runCommandLine } from "../pipeline/commands/command_line.ts";
import type { CommandCaller } from "../pipeline/commands/conversation_commands.ts";
import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import { log } from "../log/logging.ts";
import { TerminalReply } from "./terminal_reply.ts";

/** Said when a command failed (the same words as Discord's). */
export const COMMAND_FAILED_NOTICE =
  "⚠️ Something went wrong on my side. Please try again.";

/** The bot's user id in the terminal chat. */
export const TERMINAL_BOT_ID = "0";

/** Where and as whom the terminal chat talks. */
export interface ChatIdentity {
  channel_id: string;
  guild_id: string;
  user_id: string;
  user_name: string;
  role_ids: string[];
}

/** Parses `--channel ID --user ID --admin --dm` into an identity for this config. */
export function chatIdentity(
  args: readonly string[],
  config: Config,
  user_name: string,
): ChatIdentity {
  const value = (flag: string) => {
    const index = args.indexOf(flag);
    return index === -1 ? undefined : args[index + 1];
  };
  const first = config.bindings[0];
  const dm = args.includes("--dm") ||
    (first === undefined && config.discord.dm.enabled);
  const channel_id = value("--channel") ??
    (dm ? "terminal" : first?.channels?.[0] ?? "terminal");
  const bound = config.bindings.find((b) => b.channels?.includes(channel_id));
  const guild_id = dm
    ? ""
    : bound?.guild ?? first?.guild ?? (bound || first ? "terminal" : "");
  return {
    channel_id,
    guild_id,
    user_id: value("--user") ?? "terminal-user",
    user_name,
    role_ids: args.includes("--admin") ? [...config.access.admin_roles] : [],
  };
}

/** Runs the chat over `lines` until they end, writing replies with `write`. */
export async function runChat(
  services: BotServices,
  identity: ChatIdentity,
  lines: AsyncIterable<string>,
  write: (text: string) => void,
  interactive: boolean,
): Promise<void> {
  const caller: CommandCaller = {
    channel_id: identity.channel_id,
    parent_channel_id: "",
    guild_id: identity.guild_id,
    user_id: identity.user_id,
    role_ids: identity.role_ids,
  };
  let lastReplyId = "";
  let counter = 0;
  const prompt = () => interactive && write("you> ");
  prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === "") {
      prompt();
      continue;
    }
    // A failing command answers as in Discord, and the chat goes on.
    const answer = await runCommandLine(services.commands, caller, line)
      .catch((error: unknown) => {
        log("chat").warn("Could not run {line}: {error}", { line, error });
        return COMMAND_FAILED_NOTICE;
      });
    if (answer !== null) {
      if (line.startsWith("/reset")) lastReplyId = "";
      write(`${answer}\n`);
    } else {
      counter += 1;
      const message: IncomingMessage = {
        id: `terminal-${Date.now()}-${counter}`,
        channel_id: identity.channel_id,
        parent_channel_id: "",
        guild_id: identity.guild_id,
        guild_name: identity.guild_id === "" ? "" : "the terminal",
        channel_name: "terminal",
        author: {
          id: identity.user_id,
          display_name: identity.user_name,
          is_bot: false,
          is_webhook: false,
          role_ids: identity.role_ids,
        },
        content: line,
        mentions_bot: true,
        reply_to: lastReplyId === "" ? null : {
          message_id: lastReplyId,
          author_id: TERMINAL_BOT_ID,
          author_name: "",
          content: "",
        },
        created_at: Date.now(),
      };
      const reply = new TerminalReply(write, interactive ? "bot> " : "");
      const outcome = await services.runner.dispatch(message, reply);
      if (outcome === "unrouted") {
        write(
          "(no binding answers in this channel: pass --channel with a bound channel id, or --dm)\n",
        );
      }
      lastReplyId = reply.posted_ids[0] ?? lastReplyId;
    }
    prompt();
  }
  if (interactive) write("\n");
}
