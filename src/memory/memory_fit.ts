/**
 * Fits what memory adds to a request into the room the budget leaves, in the
 * fixed order of DESIGN.md §8: preferences, then notes (newest kept first,
 * so the oldest go when room runs out), then the summary (cut to
 * `summary_tokens` and to what is left). The result is one block of text
 * that follows the persona's system prompt, before the history.
 *
 * @module
 */

import { truncateToTokens } from "../llm/truncate_tokens.ts";

/** What memory has for one request. */
export interface MemorySections {
  /** The preferences note, "" for none (or when the persona prompt places it). */
  preferences: string;
  /** Note texts, oldest first. */
  notes: readonly string[];
  /** Whose notes they are, for the heading. */
  user_name: string;
  /** The conversation's summary, "" for none. */
  summary: string;
  /** Longest summary sent, in tokens. */
  summary_tokens: number;
}

/** The block to send and what went into it. */
export interface FittedMemory {
  /** The text after the system prompt ("" when nothing fits or exists). */
  text: string;
  /** Counted tokens of `text` plus its separator. */
  tokens: number;
  /** Notes sent (the newest ones). */
  notes_used: number;
  /** The summary as sent, "" when none. */
  summary: string;
  /** True when something was left out or cut for lack of room. */
  trimmed: boolean;
}

/** Heading of the notes block. */
export function notesHeading(user_name: string): string {
  return `Notes ${user_name} asked you to remember about them:`;
}

/** Heading of the summary block. */
export const SUMMARY_HEADING =
  "Summary of the earlier conversation (older messages are not shown):";

/** Tokens allowed for the separators between blocks (counted generously). */
const SEPARATOR_TOKENS = 2;

/** Fits the sections into `room` tokens; see the module doc. */
export function fitMemory(
  sections: MemorySections,
  room: number,
  count: (text: string) => number,
): FittedMemory {
  const blocks: string[] = [];
  let left = room;
  let trimmed = false;
  const take = (text: string): boolean => {
    const cost = count(text) + SEPARATOR_TOKENS;
    if (cost > left) return false;
    blocks.push(text);
    left -= cost;
    return true;
  };

  if (sections.preferences !== "" && !take(sections.preferences)) {
    const cut = truncateToTokens(
      sections.preferences,
      left - SEPARATOR_TOKENS,
      count,
    );
    if (cut !== "") take(cut);
    trimmed = true;
  }

  let notes_used = 0;
  if (sections.notes.length > 0) {
    const heading = notesHeading(sections.user_name);
    let cost = count(heading) + SEPARATOR_TOKENS;
    const kept: string[] = [];
    for (let i = sections.notes.length - 1; i >= 0; i--) {
      const line = `- ${sections.notes[i]}`;
      const lineCost = count(line) + 1;
      if (cost + lineCost > left) {
        trimmed = true;
        break;
      }
      kept.unshift(line);
      cost += lineCost;
    }
    if (kept.length > 0) {
      blocks.push([heading, ...kept].join("\n"));
      left -= cost;
      notes_used = kept.length;
    }
  }

  let summary = "";
  if (sections.summary !== "") {
    const headingCost = count(SUMMARY_HEADING) + 1 + SEPARATOR_TOKENS;
    const allowed = Math.min(sections.summary_tokens, left - headingCost);
    const cut = truncateToTokens(sections.summary, allowed, count);
    if (cut !== sections.summary && allowed < sections.summary_tokens) {
      trimmed = true;
    }
    if (cut !== "") {
      summary = cut;
      blocks.push(`${SUMMARY_HEADING}\n${cut}`);
      left -= headingCost + count(cut);
    }
  }
  const text = blocks.join("\n\n");
  return {
    text,
    tokens: text === "" ? 0 : room - left,
    notes_used,
    summary,
    trimmed,
  };
}
