/**
 * A reply's progress, made durable as it is posted (DESIGN.md §8): the turn
 * learns which assistant message answers it, and after every send or edit
 * the platform accepted the turn keeps the posted messages and the reply
 * keeps their text — until the model is done, when the whole answer is
 * stored instead. A crash mid-stream then leaves what the user saw, not "".
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type { Store, TurnUpdate } from "../store/store.ts";
import type { PostedPart, ReplyTarget } from "./reply_target.ts";

/** What the tracker writes with. */
export interface ProgressDeps {
  store: Store;
  now(): number;
  logger: Logger;
}

/** A running reply's tracker; see the module doc. */
export interface ReplyProgress {
  /** The reply's messages as last accepted. */
  readonly delivered: readonly PostedPart[];
  /** From now on the reply's text is the model's whole answer, stored by the caller. */
  modelDone(): void;
  /** Resolves once every write so far has been made. */
  settled(): Promise<void>;
}

/** The text of a reply's posted messages, as one message for the history. */
export function deliveredText(posted: readonly PostedPart[]): string {
  return posted.map((part) => part.content).join("\n");
}

/**
 * Starts tracking the reply `reply_id` (an assistant message) to the turn of
 * user message `turn_id` (undefined when the turn is not journaled).
 */
export function trackReplyProgress(
  deps: ProgressDeps,
  reply: ReplyTarget,
  turn_id: number | undefined,
  reply_id: number,
): ReplyProgress {
  let done = false;
  let delivered: readonly PostedPart[] = [];
  const record = async (update: Omit<TurnUpdate, "updated_at">) => {
    if (turn_id === undefined) return;
    try {
      await deps.store.updateTurn(turn_id, {
        ...update,
        updated_at: deps.now(),
      });
    } catch (error) {
      deps.logger.warn("Could not record a turn's progress: {error}", {
        error,
      });
    }
  };
  let writes: Promise<void> = record({ reply_id });
  reply.watchDelivery?.((posted) => {
    delivered = posted;
    const content = deliveredText(posted);
    const at = deps.now();
    writes = writes.then(async () => {
      await record({ posted });
      if (done) return;
      await deps.store.updateMessage(reply_id, {
        content,
        external_id: posted[0]?.id ?? null,
        updated_at: at,
      }).catch((error) =>
        deps.logger.warn("Could not store a reply's progress: {error}", {
          error,
        })
      );
    });
  });
  return {
    get delivered() {
      return delivered;
    },
    modelDone() {
      done = true;
    },
    settled: () => writes,
  };
}
