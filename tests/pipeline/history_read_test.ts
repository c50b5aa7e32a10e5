/**
 * Reading a turn's history: from the conversation's anchor in one query
 * while its message is there, else a page at a time until the window is
 * full.
 */
import assert from "node:assert/strict";
import {
  HISTORY_PAGE,
  readHistory,
} from "../../src/pipeline/stages/history_read.ts";
import type { ContextWindow } from "../../src/pipeline/history_window.ts";
import type { HistoryQuery, StoredMessage } from "../../src/store/store.ts";

const conversation = { channel_id: "1", guild_id: "2", user_id: "" };

/** `count` alternating questions and answers, ids 1..count. */
function history(count: number): StoredMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const id = i + 1;
    const answer = id % 2 === 0;
    return {
      id,
      conversation,
      external_id: null,
      author_id: answer ? "bot" : "alice",
      author_name: answer ? "Helper" : "Alice",
      role: answer ? "assistant" : "user",
      persona: "helper",
      content: `message ${id}`,
      token_count: 1,
      created_at: 1_000,
      updated_at: 1_000,
      partial: false,
      reply_to_id: answer ? id - 1 : null,
    } as StoredMessage;
  });
}

/** A store over `rows` that records each query. */
function storeOver(rows: StoredMessage[]) {
  const queries: HistoryQuery[] = [];
  return {
    queries,
    recentMessages(query: HistoryQuery): Promise<StoredMessage[]> {
      queries.push(query);
      return Promise.resolve(
        rows.filter((m) =>
          m.created_at >= query.since &&
          (query.before_id === undefined || m.id < query.before_id) &&
          (query.after_id === undefined || m.id > query.after_id)
        ).reverse().slice(0, query.limit),
      );
    },
  };
}

/** A window of `room` one-token messages. */
function windowOf(room: number) {
  return (usable: StoredMessage[]): ContextWindow => ({
    messages: [],
    prompt_tokens: 0,
    max_tokens: 100,
    history_used: Math.min(room, usable.length),
    truncated: false,
    memory_tokens: 0,
    history_room: room,
  });
}

const read = (
  rows: StoredMessage[],
  options: { anchor?: number; after_id?: number; room?: number } = {},
) => {
  const store = storeOver(rows);
  const current = rows.length + 1;
  return readHistory({
    store,
    conversation,
    since: 0,
    max_messages: 200,
    after_id: options.after_id,
    anchor: options.anchor,
    isHistory: (m) => m.id !== current,
    build: windowOf(options.room ?? 1_000),
  }).then((result) => ({ ...result, queries: store.queries }));
};

Deno.test("with an anchor, everything from it on is read in one query, nothing older", async () => {
  const rows = history(150);
  const result = await read(rows, { anchor: 61 });
  assert.equal(result.queries.length, 1);
  assert.equal(result.usable.length, 90);
  assert.equal(result.usable.at(-1)?.id, 61);
  assert.equal(result.usable[0]?.id, 150);
});

Deno.test("an anchor whose message is gone reads page by page, as without one", async () => {
  // The question at the anchor and its answer (which sits at the same position).
  const rows = history(150).filter((m) => m.id !== 61 && m.id !== 62);
  const result = await read(rows, { anchor: 61, room: 1_000 });
  assert.ok(result.queries.length > 1);
  // Pages go on until a page ends before the anchor: older messages are read too.
  assert.ok((result.usable.at(-1)?.id ?? Infinity) < 61);
});

Deno.test("without an anchor, pages are read until the window is full", async () => {
  const rows = history(150);
  const result = await read(rows, { room: 40 });
  assert.equal(result.queries.length, 2);
  assert.equal(result.queries[0]?.limit, HISTORY_PAGE);
  assert.equal(result.usable.length, 2 * HISTORY_PAGE);
  assert.equal(result.window.history_used, 40);
});

Deno.test("an anchor a summary has covered is ignored", async () => {
  const rows = history(150);
  const result = await read(rows, { anchor: 61, after_id: 100, room: 1_000 });
  assert.equal(result.usable.at(-1)?.id, 101);
  assert.ok(result.queries.every((q) => q.after_id === 100));
});
