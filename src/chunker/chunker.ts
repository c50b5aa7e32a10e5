/**
 * Splits a reply into Discord-sized messages.
 *
 * Contract of `splitMessage(text, limit)` (and of `StreamChunker`, which
 * gives the very same chunks for the same text):
 *
 * - every chunk is at most `limit` UTF-16 code units (Discord counts
 *   characters, so this is safe), none is empty or whitespace-only;
 * - cuts fall, by preference, at a paragraph break, a line break, a sentence
 *   end, a space between words, else any grapheme boundary; a better kind is
 *   taken only in the last third of the room, then the second third, so
 *   chunks are not cut short for a break far back;
 * - a cut never splits a surrogate pair or a grapheme cluster (emoji ZWJ
 *   sequences, skin tones, flags, combining marks), a Discord token (`<@1>`,
 *   `<@!1>`, `<@&1>`, `<#1>`, `<:name:1>`, `<a:name:1>`, `<t:1:R>`,
 *   `</cmd:1>`) or an http(s) URL (up to the next whitespace), unless that
 *   one piece is larger than the room, in which case it is cut at a code
 *   point boundary;
 * - a code fence (``` or ~~~, any indentation, CommonMark rules) open at a
 *   cut is closed at the end of the chunk ("\n```") and reopened with its
 *   language at the top of the next ("```ts\n"), within the limit; a fence
 *   the text never closes is closed at the end of the last chunk, so every
 *   chunk is balanced. A fence whose reopen and close lines would take more
 *   than half the limit (a huge language or marker) is not repeated;
 * - whitespace at a cut is dropped (the indentation of the next line is
 *   kept), so the chunks with the added fence lines removed are the input
 *   minus whitespace at the cuts.
 *
 * Fences follow CommonMark (a line of three or more backticks or tildes),
 * not Discord's looser inline ``` blocks; ~~~ is handled the same way even
 * though Discord shows it as text. Inline `code` and emphasis spans are not
 * protected. Grapheme boundaries are found with `Intl.Segmenter` on a few
 * code units before the cut, falling back to the chunk's window when no
 * certain boundary is near; a run of regional indicators or of combining
 * marks longer than the limit is cut at a code point boundary.
 *
 * The work is linear in the text: each chunk scans at most
 * `limit + LOOKAHEAD` code units after its start.
 *
 * @module
 */

import { assertChunkLimit, decideChunk } from "./chunk_cut.ts";
import { cursorAfterGap, type Gap, openGap, readGap } from "./chunk_gap.ts";
import type { Fence } from "./chunk_fence.ts";

/** Discord's limit on a message's content, in characters. */
export const DISCORD_MESSAGE_LIMIT = 2000;

/**
 * Splits `text` into chunks of at most `limit` UTF-16 code units at the best
 * boundaries, closing and reopening code fences across cuts (see the module
 * documentation for the full contract). Returns [] for empty or
 * whitespace-only text; throws a RangeError for a limit below 8.
 */
export function splitMessage(
  text: string,
  limit: number = DISCORD_MESSAGE_LIMIT,
): string[] {
  assertChunkLimit(limit);
  const chunks: string[] = [];
  let gap: Gap = openGap(0, true);
  let fence: Fence | null = null;
  while (readGap(text, gap, text.length, true) === "ready") {
    const cursor = cursorAfterGap(text, gap, text.length, fence, limit);
    const cut = decideChunk(text, cursor, text.length, true, limit);
    if (cut === null) break;
    chunks.push(cut.chunk);
    gap = openGap(cut.end, false);
    fence = cut.fence;
  }
  return chunks;
}
