/**
 * `/remember`, `/memory` and `/forget`, shared by every transport (Discord's
 * slash commands, the terminal chat, the playground). Notes are about the
 * caller: a note made in a server is seen in that server's conversations
 * and in the caller's DMs; a note made in a DM only in DMs. The notes a
 * place shows are numbered 1, 2, 3… in the order they were made, and
 * `/forget N` uses those numbers. Every command first passes the access
 * decision shared with messages.
 *
 * @module
 */

import { MAX_NOTE_CHARS } from "../../store/memory_store.ts";
import type { UserNote } from "../../store/memory_store.ts";
import { ACCESS_REFUSED } from "../access/access_gate.ts";
import { resolveRoute } from "../route.ts";
import { callerAllowed } from "./conversation_commands.ts";
import type { CommandCaller, CommandDeps } from "./conversation_commands.ts";
import { describePreferences } from "./settings_command.ts";

/** Longest answer a command gives (a Discord message). */
export const ANSWER_LIMIT = 2000;

/** The notes the caller sees where they are: this server's, or all of them in a DM. */
export function notesHere(
  deps: CommandDeps,
  caller: CommandCaller,
): Promise<UserNote[]> {
  return caller.guild_id === ""
    ? deps.store.notesOfUser(caller.user_id)
    : deps.store.notesOfUser(caller.user_id, caller.guild_id);
}

function where(caller: CommandCaller): string {
  return caller.guild_id === ""
    ? "in our direct messages"
    : "in this server and in our direct messages";
}

/** `/remember text`: stores a note about the caller; returns the text to show. */
export async function rememberCommand(
  deps: CommandDeps,
  caller: CommandCaller,
  text: string | undefined,
): Promise<string> {
  if (!(await callerAllowed(deps, caller))) return ACCESS_REFUSED;
  const max = deps.config().memory.max_notes;
  if (max === 0) return "Notes are turned off on this bot.";
  const content = (text ?? "").trim().replace(/\s+/g, " ");
  if (content === "") {
    return "Tell me what to remember, e.g. `/remember I prefer metric units`.";
  }
  if (content.length > MAX_NOTE_CHARS) {
    return `A note holds at most ${MAX_NOTE_CHARS} characters; yours has ${content.length}. Shorten it and try again.`;
  }
  const note = await deps.store.addNote({
    user_id: caller.user_id,
    guild_id: caller.guild_id,
    content,
    created_at: deps.now(),
  }, max);
  if (note === null) {
    return `You already keep ${max} notes, the most allowed. Remove one with \`/forget\` first (\`/memory\` lists them).`;
  }
  const shown =
    (await notesHere(deps, caller)).findIndex((n) => n.id === note.id) + 1;
  return `📝 Noted (note ${shown}). The personas will remember it ${
    where(caller)
  }.`;
}

/** `/memory`: what the bot keeps about the caller here; returns the text to show. */
export async function memoryCommand(
  deps: CommandDeps,
  caller: CommandCaller,
): Promise<string> {
  if (!(await callerAllowed(deps, caller))) return ACCESS_REFUSED;
  const notes = await notesHere(deps, caller);
  const route = resolveRoute(caller, deps.config());
  const summary = route === null
    ? null
    : await deps.store.getSummary(route.conversation);
  const preferences = await deps.store.getPreferences(caller.user_id);
  const noteLines = notes.length === 0
    ? ["(none — add one with `/remember`)"]
    : notes.map((note, i) => `${i + 1}. ${clip(note.content, 160)}`);
  const summaryText = summary === null ? "(none)" : clip(summary.content, 600);
  const text = [
    "🧠 **What I keep about you**",
    `**Notes** (seen ${where(caller)}):`,
    ...noteLines,
    `**Summary of the conversation here:** ${summaryText}`,
    `**Preferences:** ${describePreferences(preferences)}`,
    "Change them with `/settings`, remove notes with `/forget`, delete everything with `/forget-me`.",
  ].join("\n");
  return clip(text, ANSWER_LIMIT);
}

/** `/forget N` or `/forget all`: removes notes; returns the text to show. */
export async function forgetCommand(
  deps: CommandDeps,
  caller: CommandCaller,
  which: string | undefined,
): Promise<string> {
  if (!(await callerAllowed(deps, caller))) return ACCESS_REFUSED;
  const wanted = (which ?? "").trim().toLowerCase();
  const notes = await notesHere(deps, caller);
  if (wanted === "all") {
    const removed = caller.guild_id === ""
      ? await deps.store.deleteNotes(caller.user_id)
      : await deps.store.deleteNotes(caller.user_id, caller.guild_id);
    return removed === 0
      ? "You keep no notes here; nothing to forget."
      : `🧽 Forgot ${removed} note${removed === 1 ? "" : "s"}.`;
  }
  const number = /^[0-9]{1,4}$/.test(wanted) ? Number(wanted) : NaN;
  const note = notes[number - 1];
  if (note === undefined) {
    if (notes.length === 0) return "You keep no notes here; nothing to forget.";
    return `Say which note: a number from 1 to ${notes.length} (see \`/memory\`), or \`all\`.`;
  }
  await deps.store.deleteNote(caller.user_id, note.id);
  return `🧽 Forgot note ${number}: “${clip(note.content, 100)}”.`;
}

/** `text` cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
