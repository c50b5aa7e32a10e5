/**
 * The memory part of a user's data export: their `/remember` notes, their
 * `/settings` preferences and the summaries of the conversations they own
 * or wrote in (a shared conversation's summary also tells of the others in
 * it), with readable ISO 8601 times.
 *
 * @module
 */

import type {
  UserNote,
  UserPreferences,
  UserSummary,
} from "../store/memory_store.ts";
import type { Store } from "../store/store.ts";

/** A note, as exported. */
export interface ExportedNote {
  id: number;
  /** The server it was made in, "" for a DM or the terminal. */
  guild_id: string;
  content: string;
  created_at: string;
}

/** Preferences, as exported (null fields were never set). */
export interface ExportedPreferences {
  language: string | null;
  length: string | null;
  ping: boolean | null;
  history: boolean;
  updated_at: string;
}

/** A conversation summary, as exported. */
export interface ExportedSummary {
  conversation: {
    channel_id: string;
    guild_id: string;
    /** "channel": shared with everyone there; "user": the user's own. */
    scope: "channel" | "user";
  };
  content: string;
  /** The newest message id the summary covers. */
  through_id: number;
  updated_at: string;
}

/** The memory fields of an export. */
export interface MemoryExport {
  notes: ExportedNote[];
  /** Null when the user never used /settings. */
  preferences: ExportedPreferences | null;
  summaries: ExportedSummary[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function exportNote(note: UserNote): ExportedNote {
  return {
    id: note.id,
    guild_id: note.guild_id,
    content: note.content,
    created_at: iso(note.created_at),
  };
}

function exportPreferences(p: UserPreferences): ExportedPreferences {
  return {
    language: p.language,
    length: p.length,
    ping: p.ping,
    history: p.history,
    updated_at: iso(p.updated_at),
  };
}

function exportSummary(summary: UserSummary): ExportedSummary {
  const { conversation } = summary;
  return {
    conversation: {
      channel_id: conversation.channel_id,
      guild_id: conversation.guild_id,
      scope: conversation.user_id === "" ? "channel" : "user",
    },
    content: summary.content,
    through_id: summary.through_id,
    updated_at: iso(summary.updated_at),
  };
}

/** Reads and shapes what memory keeps about `user_id`. */
export async function buildMemoryExport(
  store: Pick<Store, "notesOfUser" | "getPreferences" | "summariesOfUser">,
  user_id: string,
): Promise<MemoryExport> {
  const preferences = await store.getPreferences(user_id);
  return {
    notes: (await store.notesOfUser(user_id)).map(exportNote),
    preferences: preferences === null ? null : exportPreferences(preferences),
    summaries: (await store.summariesOfUser(user_id)).map(exportSummary),
  };
}
