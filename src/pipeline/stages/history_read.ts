/**
 * Reading a turn's history for the context stage. When the conversation has
 * an anchor (`history_blocks.ts`: while everything from it on fits, nothing
 * older is sent), everything from the anchor on is read in one query.
 * Otherwise — no anchor yet, its message is gone, or more than
 * `max_messages` came after it — history is read a page at a time, newest
 * first, until the budget is full: the cost follows the budget, not
 * `max_messages` or how much is stored.
 *
 * @module
 */

import type {
  ConversationKey,
  Store,
  StoredMessage,
} from "../../store/store.ts";
import { conversationPosition, newestFirst } from "../conversation_order.ts";
import type { ContextWindow } from "../history_window.ts";

/** History rows read per page; more pages are read only while the budget has room. */
export const HISTORY_PAGE = 32;

/** What to read and how to tell when the window is full. */
export interface HistoryReadInput {
  store: Pick<Store, "recentMessages">;
  conversation: ConversationKey;
  /** Oldest creation time kept (`max_age`). */
  since: number;
  max_messages: number;
  /** Only messages after this id (what a summary does not cover yet). */
  after_id: number | undefined;
  /** The conversation position its history started at last time. */
  anchor: number | undefined;
  /** Whether a row is history of this turn (not the turn's own message, nor later ones). */
  isHistory: (message: StoredMessage) => boolean;
  /** Builds the window over `usable` (newest first). */
  build: (usable: StoredMessage[]) => ContextWindow;
}

/** The history read: usable messages newest first, how many rows counted, the window over them. */
export interface HistoryRead {
  usable: StoredMessage[];
  fetched: number;
  window: ContextWindow;
}

const usableOf = (rows: StoredMessage[]) =>
  rows.filter((m) => m.content !== "" && m.role !== "system");

/** Reads the history of one turn; see the module doc. */
export async function readHistory(
  input: HistoryReadInput,
): Promise<HistoryRead> {
  const { anchor, after_id } = input;
  if (anchor !== undefined && (after_id === undefined || anchor > after_id)) {
    const rows = await input.store.recentMessages({
      conversation: input.conversation,
      limit: input.max_messages,
      since: input.since,
      after_id: anchor - 1,
    });
    const history = rows.filter(input.isHistory);
    if (
      rows.length < input.max_messages &&
      history.some((m) => conversationPosition(m) === anchor)
    ) {
      const usable = newestFirst(usableOf(history));
      return { usable, fetched: history.length, window: input.build(usable) };
    }
  }
  return await readPages(input);
}

async function readPages(input: HistoryReadInput): Promise<HistoryRead> {
  const usable: StoredMessage[] = [];
  let fetched = 0;
  // From the newest: a reply to an earlier turn may have a higher id than this message.
  let before: number | undefined;
  let window: ContextWindow | null = null;
  for (;;) {
    const want = Math.min(HISTORY_PAGE, input.max_messages - fetched);
    if (want <= 0) break;
    const rows = await input.store.recentMessages({
      conversation: input.conversation,
      limit: want,
      since: input.since,
      ...(before === undefined ? {} : { before_id: before }),
      ...(input.after_id === undefined ? {} : { after_id: input.after_id }),
    });
    const history = rows.filter(input.isHistory);
    fetched += history.length;
    usable.push(...usableOf(history));
    newestFirst(usable);
    window = input.build(usable);
    const last = rows.at(-1);
    if (
      rows.length < want || last === undefined ||
      window.history_used < usable.length ||
      // Everything from where the history starts now is read.
      last.id < (input.anchor ?? -Infinity)
    ) break;
    before = last.id;
  }
  return { usable, fetched, window: window ?? input.build(usable) };
}
