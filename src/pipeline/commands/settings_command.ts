/**
 * `/settings`: the caller's own preferences, kept across restarts —
 * `language` (the persona answers in it; `off` clears it), `length`
 * (`short` | `normal` | `detailed`), `ping` (`on` | `off`: whether replies
 * to them ping them) and `history` (`on` | `off`: off keeps nothing they
 * write beyond the running turn and deletes what was kept). Without
 * changes it shows them.
 *
 * @module
 */

import type { ReplyLength, UserPreferences } from "../../store/memory_store.ts";
import { DEFAULT_PREFERENCES } from "../../store/memory_store.ts";
import { ACCESS_REFUSED } from "../access/access_gate.ts";
import { callerAllowed } from "./conversation_commands.ts";
import type { CommandCaller, CommandDeps } from "./conversation_commands.ts";

/** The preferences `/settings` can change, as typed (all optional). */
export interface SettingsChanges {
  language?: string | undefined;
  length?: string | undefined;
  ping?: string | undefined;
  history?: string | undefined;
}

/** The names `/settings NAME VALUE` accepts. */
export const SETTING_NAMES: readonly string[] = [
  "language",
  "length",
  "ping",
  "history",
];

const LENGTHS: readonly string[] = ["short", "normal", "detailed"];
const LANGUAGE = /^[\p{L}\p{M}][\p{L}\p{M} ()'.-]{0,39}$/u;
const CLEAR = ["off", "none", "default", "auto"];

/** Preferences in one line, for `/settings` and `/memory`. */
export function describePreferences(
  preferences: UserPreferences | null,
): string {
  const p = preferences ?? DEFAULT_PREFERENCES;
  return [
    `language: ${p.language ?? "the persona's choice"}`,
    `length: ${p.length ?? "normal"}`,
    `ping: ${p.ping === null ? "default (off)" : p.ping ? "on" : "off"}`,
    `history: ${p.history ? "on" : "off"}`,
  ].join(" · ");
}

function onOff(name: string, value: string): boolean | string {
  const v = value.trim().toLowerCase();
  if (v === "on" || v === "yes" || v === "true") return true;
  if (v === "off" || v === "no" || v === "false") return false;
  return `${name} is \`on\` or \`off\`, not “${value.slice(0, 40)}”.`;
}

/** `/settings [changes]`: applies the changes (all or none) and returns the text to show. */
export async function settingsCommand(
  deps: CommandDeps,
  caller: CommandCaller,
  changes: SettingsChanges,
): Promise<string> {
  if (!(await callerAllowed(deps, caller))) return ACCESS_REFUSED;
  const stored = await deps.store.getPreferences(caller.user_id);
  const current = stored ?? DEFAULT_PREFERENCES;
  const given = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (given.length === 0) {
    return `⚙️ Your preferences: ${
      describePreferences(stored)
    }\nChange one with \`/settings language:French\`, \`length:short|normal|detailed\`, \`ping:on|off\` or \`history:on|off\`.`;
  }
  const next: UserPreferences = { ...current, updated_at: deps.now() };
  for (const [name, raw] of given) {
    const value = (raw ?? "").trim();
    if (name === "language") {
      if (CLEAR.includes(value.toLowerCase())) next.language = null;
      else if (LANGUAGE.test(value)) next.language = value;
      else {
        return `A language is a name like “French” or “Português” (at most 40 letters); \`off\` clears it.`;
      }
    } else if (name === "length") {
      const v = value.toLowerCase();
      if (!LENGTHS.includes(v)) {
        return `length is \`short\`, \`normal\` or \`detailed\`, not “${
          value.slice(0, 40)
        }”.`;
      }
      next.length = v === "normal" ? null : v as ReplyLength;
    } else if (name === "ping" || name === "history") {
      const v = onOff(name, value);
      if (typeof v === "string") return v;
      if (name === "ping") next.ping = v;
      else next.history = v;
    } else {
      return `There is no setting “${name.slice(0, 40)}”: use ${
        SETTING_NAMES.join(", ")
      }.`;
    }
  }
  await deps.store.setPreferences(caller.user_id, next);
  let dropped = "";
  if (current.history && !next.history) {
    const removed = await deps.store.forgetHistoryOfUser(caller.user_id);
    dropped = `\nHistory is off: I deleted ${removed} stored message${
      removed === 1 ? "" : "s"
    } and summaries, and from now on keep nothing you write beyond the reply to it.`;
  }
  return `⚙️ Saved. Your preferences: ${describePreferences(next)}${dropped}`;
}
