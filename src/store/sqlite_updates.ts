/**
 * The SQLite store's UPDATE statements shaped by what a call changes:
 * `updateMessage` and `updateTurn` set only the columns the update names.
 * One statement for every shape (`CASE WHEN :set_x THEN :x ELSE x END` for
 * each column) made SQLite treat every column as changed: each call
 * rewrote the entries of every index over those columns (`external_id`,
 * the open-turns and reply indexes) and checked the reply's foreign key
 * again. A turn makes about eight such updates. Each shape is prepared the
 * first time it is used and kept.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { MessageUpdate, TurnUpdate } from "./store.ts";
import type { Params } from "./sqlite_rows.ts";
import { turnUpdateParams } from "./sqlite_turns.ts";

/** A turn's final states, in which it drops its payload. */
const ENDED = ["answered", "partial", "failed"];

/** Prepares and keeps the UPDATE statement of each shape of update. */
export class ShapedUpdates {
  readonly #db: DatabaseSync;
  readonly #messages = new Map<number, StatementSync>();
  readonly #turns = new Map<number, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Changes the fields of message `id` that `update` names, and its `updated_at`. */
  updateMessage(id: number, update: MessageUpdate): void {
    const params: Params = { id, updated_at: update.updated_at };
    const set = ["updated_at = :updated_at"];
    let shape = 0;
    if (update.content !== undefined) {
      shape |= 1;
      set.push("content = :content");
      params.content = update.content;
    }
    if (update.token_count !== undefined) {
      shape |= 2;
      set.push("token_count = :token_count");
      params.token_count = update.token_count;
    }
    if (update.partial !== undefined) {
      shape |= 4;
      set.push("partial = :partial");
      params.partial = update.partial ? 1 : 0;
    }
    if (update.external_id !== undefined) {
      shape |= 8;
      set.push("external_id = :external_id");
      params.external_id = update.external_id;
    }
    this.#statement(
      this.#messages,
      shape,
      () => `UPDATE messages SET ${set.join(", ")} WHERE id = :id`,
    ).run(params);
  }

  /** Changes the fields of the turn of `message_id` that `update` names; an ended turn drops its payload. */
  updateTurn(message_id: number, update: TurnUpdate): void {
    const all = turnUpdateParams(message_id, update);
    const params: Params = { message_id, updated_at: update.updated_at };
    const set = ["updated_at = :updated_at"];
    let shape = 0;
    if (update.state !== undefined) {
      shape |= 1;
      set.push("state = :state");
      params.state = update.state;
      if (ENDED.includes(update.state)) {
        shape |= 2;
        set.push("payload = ''");
      }
    }
    if (update.reply_id !== undefined) {
      shape |= 4;
      set.push("reply_id = :reply_id");
      params.reply_id = update.reply_id;
    }
    if (update.posted !== undefined) {
      shape |= 8;
      set.push("posted = :posted");
      params.posted = all.posted ?? "[]";
    }
    this.#statement(
      this.#turns,
      shape,
      () => `UPDATE turns SET ${set.join(", ")} WHERE message_id = :message_id`,
    ).run(params);
  }

  #statement(
    cache: Map<number, StatementSync>,
    shape: number,
    sql: () => string,
  ): StatementSync {
    let statement = cache.get(shape);
    if (statement === undefined) {
      statement = this.#db.prepare(sql());
      cache.set(shape, statement);
    }
    return statement;
  }
}
