/**
 * Checks shared by every store's memory methods: a note's content and a
 * preference's values, refused with a message that says why.
 *
 * @module
 */

import { MAX_NOTE_CHARS } from "./memory_store.ts";
import type { NewNote, UserPreferences } from "./memory_store.ts";
import { requireUserId } from "./store_checks.ts";

/** Refuses a note with no user, empty content or content over the limit. */
export function checkNote(note: NewNote): void {
  requireUserId(note.user_id);
  if (note.content.trim() === "") throw new RangeError("the note is empty");
  if (note.content.length > MAX_NOTE_CHARS) {
    throw new RangeError(
      `the note has ${note.content.length} characters; at most ${MAX_NOTE_CHARS} fit`,
    );
  }
}

/** Refuses preferences the schema cannot hold. */
export function checkPreferences(
  user_id: string,
  preferences: UserPreferences,
): void {
  requireUserId(user_id);
  const language = preferences.language;
  // Characters as the schema's CHECK counts them (code points, not UTF-16 units).
  const letters = language === null ? 0 : [...language].length;
  if (language !== null && (letters < 1 || letters > 40)) {
    throw new RangeError("the language must have 1 to 40 characters");
  }
  if (
    preferences.length !== null &&
    !["short", "normal", "detailed"].includes(preferences.length)
  ) {
    throw new RangeError(`unknown reply length "${preferences.length}"`);
  }
}
