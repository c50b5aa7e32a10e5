/**
 * `/forget-me`: deletes everything stored about the caller — what
 * `deno task forget-user` does — after a confirmation (a button in Discord,
 * `/forget-me yes` in the terminal), and says what was deleted.
 *
 * @module
 */

import { ACCESS_REFUSED } from "../access/access_gate.ts";
import { callerAllowed } from "./conversation_commands.ts";
import type { CommandCaller, CommandDeps } from "./conversation_commands.ts";

/** The answer to `/forget-me`: the text, and whether it asks for confirmation. */
export interface ForgetMeAnswer {
  text: string;
  /** True when nothing was deleted yet and the caller must confirm. */
  confirm: boolean;
}

/** How much is stored about a user, by kind. */
export interface StoredAbout {
  messages: number;
  notes: number;
  summaries: number;
  preferences: number;
  persona_choices: number;
  rate_limits: number;
}

/** Counts what is stored about `user_id`. */
export async function storedAbout(
  deps: CommandDeps,
  user_id: string,
): Promise<StoredAbout> {
  const { store } = deps;
  const [messages, notes, summaries, preferences, choices, limits] =
    await Promise.all([
      store.messagesOfUser(user_id),
      store.notesOfUser(user_id),
      store.summariesOfUser(user_id),
      store.getPreferences(user_id),
      store.personaChoicesOfUser(user_id),
      store.rateLimitsOfUser(user_id),
    ]);
  return {
    messages: messages.length,
    notes: notes.length,
    summaries: summaries.length,
    preferences: preferences === null ? 0 : 1,
    persona_choices: choices.length,
    rate_limits: limits.length,
  };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The counts in words, e.g. "12 messages, 2 notes, your preferences". */
export function describeStored(stored: StoredAbout): string {
  const parts = [
    stored.messages > 0 ? plural(stored.messages, "message") : "",
    stored.notes > 0 ? plural(stored.notes, "note") : "",
    stored.summaries > 0
      ? plural(
        stored.summaries,
        "conversation summary",
        "conversation summaries",
      )
      : "",
    stored.preferences > 0 ? "your preferences" : "",
    stored.persona_choices > 0
      ? plural(stored.persona_choices, "persona choice")
      : "",
    stored.rate_limits > 0
      ? plural(stored.rate_limits, "rate-limit counter")
      : "",
  ].filter((part) => part !== "");
  return parts.length === 0 ? "nothing" : parts.join(", ");
}

/**
 * `/forget-me`: without `confirmed`, says what would go and asks; with it,
 * deletes everything about the caller and says what was deleted.
 */
export async function forgetMeCommand(
  deps: CommandDeps,
  caller: CommandCaller,
  confirmed: boolean,
): Promise<ForgetMeAnswer> {
  if (!(await callerAllowed(deps, caller))) {
    return { text: ACCESS_REFUSED, confirm: false };
  }
  const stored = await storedAbout(deps, caller.user_id);
  const what = describeStored(stored);
  if (what === "nothing") {
    return {
      text: "I keep nothing about you; nothing to delete.",
      confirm: false,
    };
  }
  if (!confirmed) {
    return {
      text:
        `⚠️ This deletes everything I keep about you, everywhere: ${what}. It cannot be undone. Are you sure?`,
      confirm: true,
    };
  }
  await deps.store.forgetUser(caller.user_id);
  return {
    text: `🗑️ Deleted everything I kept about you: ${what}.`,
    confirm: false,
  };
}
