/**
 * The values of durable turns (DESIGN.md §8): a triggered message's state,
 * what the platform accepted of its reply, and the changes made to it.
 * Import them from `store.ts`, which re-exports them.
 *
 * @module
 */

import type { StoredMessage } from "./store_types.ts";

/**
 * Where a triggered message stands (DESIGN.md §8 "Durable turns"): `waiting`
 * behind other turns of its conversation, `running`, `answered` (the reply
 * was delivered whole), `partial` (cut short, and the reply says so) or
 * `failed` (no reply came).
 */
export type TurnState =
  | "waiting"
  | "running"
  | "answered"
  | "partial"
  | "failed";

/** One message of a reply as the platform accepted it. */
export interface PostedPart {
  /** The platform's id of the message. */
  id: string;
  /** Its content as last accepted. */
  content: string;
}

/** What a transport records about a triggered message besides the message itself. */
export interface NewTurn {
  /** The transport that took the message ("discord", "terminal"); recovery reads only its own. */
  source: string;
  /** What that transport needs to run the turn again (JSON text, opaque to the store). */
  payload: string;
}

/** A turn still open (waiting or running), as start-up recovery reads it. */
export interface StoredTurn {
  /** The stored user message (the turn's identity). */
  message: StoredMessage;
  source: string;
  payload: string;
  state: TurnState;
  /** The assistant message answering it, once generation started; else null. */
  reply_id: number | null;
  /** The reply's messages as the platform accepted them, in order. */
  posted: PostedPart[];
  /** Last change, epoch ms. */
  updated_at: number;
}

/** Changes to a turn. */
export interface TurnUpdate {
  state?: TurnState;
  reply_id?: number;
  posted?: readonly PostedPart[];
  updated_at: number;
}
