/**
 * Turns a user's preferences into the instruction the model reads: the
 * language to answer in and how long answers should be. `ping` and
 * `history` are for the bot, not the model, and are not mentioned.
 *
 * @module
 */

import type { ReplyLength, UserPreferences } from "../store/memory_store.ts";

/** The instruction each reply length turns into ("" for the default). */
export const LENGTH_INSTRUCTIONS: Readonly<Record<ReplyLength, string>> = {
  short: "Keep answers short: a few sentences at most, unless asked for more.",
  normal: "",
  detailed: "Give detailed, thorough answers with explanations and examples.",
};

/**
 * The preferences note for `user_name`, or "" when nothing they set
 * concerns the model.
 */
export function preferencesNote(
  preferences: UserPreferences,
  user_name: string,
): string {
  const parts: string[] = [];
  if (preferences.language !== null) {
    parts.push(`Answer in ${preferences.language}.`);
  }
  const length = preferences.length === null
    ? ""
    : LENGTH_INSTRUCTIONS[preferences.length];
  if (length !== "") parts.push(length);
  if (parts.length === 0) return "";
  return `${user_name}'s preferences: ${parts.join(" ")}`;
}
