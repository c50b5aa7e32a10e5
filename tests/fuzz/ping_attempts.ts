/**
 * Model output that tries to ping: `@everyone`, `@here`, user, nickname and
 * role mentions, inside code blocks and quotes, with zero-width characters
 * between `@` and the name, and cut into stream pieces anywhere (so a
 * mention may arrive split across chunks). Also a recording fake of the
 * message requests the Discord port makes.
 *
 * @module
 */

import type { MessageHelpers } from "../../src/discord/discordeno_port.ts";
import { chance, hostileString, int, pick } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";

const PINGS = [
  "@everyone",
  "@here",
  "<@123456789012345678>",
  "<@!123456789012345678>",
  "<@&223456789012345678>",
  "@\u200beveryone",
  "@\u200deveryone",
  "@\u2060here",
  "＠everyone",
  "@everyone\u200b",
  "<@&everyone>",
  "<@900000000000000001>",
  "</reset:123456789012345678>",
  "<#123456789012345678>",
];

/** A piece of model output with ping attempts in prose, code and quotes. */
export function pingText(random: Random): string {
  let out = "";
  for (let i = int(random, 1, 12); i > 0; i--) {
    const ping = pick(random, PINGS);
    out += pick(random, [
      `${ping} `,
      `hey ${ping}, look\n`,
      "```\n" + ping + "\n```\n",
      "`" + ping + "` ",
      `> ${ping}\n`,
      `||${ping}||`,
      `**${ping}**`,
      hostileString(random, int(random, 1, 10)),
    ]);
    if (chance(random, 0.05)) out += "x".repeat(int(random, 500, 2500));
  }
  return out;
}

/** What a `MessageHelpers` call carried. */
export type HelperCall =
  | {
    kind: "send";
    /** False when the fake answered with an error. */
    ok: boolean;
    channelId: string;
    content: string;
    message_reference?: unknown;
    allowed_mentions: unknown;
  }
  | {
    kind: "edit";
    ok: boolean;
    channelId: string;
    messageId: string;
    content: string;
    allowed_mentions: unknown;
  }
  | { kind: "typing"; channelId: string };

/** The port's message requests, faked: records every call, answers with new ids. */
export function recordingHelpers(
  fail: () => unknown = () => undefined,
): { helpers: MessageHelpers; calls: HelperCall[] } {
  const calls: HelperCall[] = [];
  let next = 800000000000000000n;
  const failure = () => {
    const error = fail();
    return error === undefined ? undefined : Promise.reject(error);
  };
  return {
    calls,
    helpers: {
      sendMessage(channelId, options) {
        const failed = failure();
        calls.push({ kind: "send", ok: !failed, channelId, ...options });
        return failed ?? Promise.resolve({ id: next++ });
      },
      editMessage(channelId, messageId, options) {
        const failed = failure();
        calls.push({
          kind: "edit",
          ok: !failed,
          channelId,
          messageId,
          ...options,
        });
        return failed ?? Promise.resolve({});
      },
      triggerTypingIndicator(channelId) {
        calls.push({ kind: "typing", channelId });
        return Promise.resolve();
      },
    },
  };
}
