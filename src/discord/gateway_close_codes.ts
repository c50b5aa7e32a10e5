/**
 * What each gateway close code means for the bot. Discord's codes 4000–4014
 * either allow a resume, need a new session, or cannot be fixed by
 * reconnecting; for the last kind the bot stops with a message saying what
 * the owner must change.
 *
 * @module
 */

/** What the bot does after a close code. */
export type CloseAction = "resume" | "reidentify" | "stop";

/** Codes after which reconnecting cannot help, with what to tell the owner. */
const FATAL: Record<number, string> = {
  4004:
    "Discord rejected the bot token (close code 4004). Check DISCORD_TOKEN: copy it again from the Developer Portal's Bot tab.",
  4010: "Discord rejected the shard settings (close code 4010: invalid shard).",
  4011:
    "Discord requires sharding for this bot (close code 4011): it is in too many servers for one connection.",
  4012:
    "Discord rejected the gateway API version (close code 4012): check DISCORD_GATEWAY_URL.",
  4013:
    "Discord rejected the gateway intents (close code 4013: invalid intents).",
  4014:
    "Discord refused a privileged intent (close code 4014). Turn on the Message Content Intent in the Developer Portal: Bot tab → Privileged Gateway Intents; or set discord.message_content: false (mentions, DMs and /ask keep working).",
};

const REIDENTIFY = new Set([4003, 4007, 4009]);

/** The action Discord's documentation prescribes for a close code. */
export function closeAction(code: number): CloseAction {
  if (code in FATAL) return "stop";
  if (REIDENTIFY.has(code)) return "reidentify";
  return "resume";
}

/** The owner-facing explanation of a fatal close code, or null when the code is not fatal. */
export function fatalCloseMessage(code: number): string | null {
  return FATAL[code] ?? null;
}
