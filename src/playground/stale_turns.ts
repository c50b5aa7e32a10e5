/**
 * Playground turns a crash or Ctrl-C cut off stay `waiting` or `running` in
 * the store. There is nobody to answer them later (the page that asked is
 * gone), so at start-up they are closed the way Discord's recovery closes
 * its own: a half-shown reply ends `partial`, an unanswered message
 * `failed`. Nothing is sent anywhere.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import { recoverTurns } from "../pipeline/turn_recovery.ts";
import type { RecoveryReport } from "../pipeline/turn_recovery.ts";
import type { Store } from "../store/store.ts";
import { PLAYGROUND_TRANSPORT } from "./playground_reply.ts";

/** Closes every open playground turn; never rejects. */
export function closeStalePlaygroundTurns(
  store: Store,
  logger: Logger,
  now: () => number = Date.now,
): Promise<RecoveryReport> {
  return recoverTurns({
    store,
    source: PLAYGROUND_TRANSPORT,
    now,
    max_age_ms: -1,
    logger,
    answer: () => {},
    close: () => Promise.resolve(),
  });
}
