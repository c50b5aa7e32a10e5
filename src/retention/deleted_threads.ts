/**
 * Retention of deleted threads: when Discord deletes a thread (a moderator,
 * or its parent channel going), nobody can read it any more, so its
 * conversations — every message, reply and turn stored for it — are
 * deleted at once rather than left for the age-based retention (which may
 * be off). A failure is logged; nothing is retried, as the thread's data is
 * unreachable by anyone anyway and the age-based retention still applies.
 *
 * @module
 */

import type { Store } from "../store/store.ts";

/** Where the outcome is reported. */
export interface DeletedThreadLogger {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
}

/** Drops the conversations of a deleted thread; resolves to how many there were. Never rejects. */
export async function forgetDeletedThread(
  store: Pick<Store, "dropChannel">,
  thread_id: string,
  logger: DeletedThreadLogger,
): Promise<number> {
  try {
    const dropped = await store.dropChannel(thread_id);
    if (dropped > 0) {
      logger.info(
        "Thread {thread} was deleted: dropped its {count} conversation(s)",
        { thread: thread_id, count: dropped },
      );
    }
    return dropped;
  } catch (error) {
    logger.warn(
      "Could not drop the conversations of deleted thread {thread}: {error}",
      { thread: thread_id, error },
    );
    return 0;
  }
}
