/**
 * The runner's queues: one per conversation, so a conversation's turns run
 * strictly one after another in arrival order while different conversations
 * run at once. Bounded twice: a conversation holds at most `max_waiting`
 * turns besides the running one, and all conversations together at most
 * `max_pending`.
 *
 * @module
 */

interface ConversationQueue {
  tail: Promise<void>;
  /** Turns queued or running. */
  size: number;
}

/** Per-conversation queues with their bounds; see the module doc. */
export class ConversationQueues {
  readonly #queues = new Map<string, ConversationQueue>();
  readonly #maxWaiting: number;
  readonly #maxPending: number;
  #queued = 0;

  constructor(max_waiting = 5, max_pending = 1000) {
    this.#maxWaiting = max_waiting;
    this.#maxPending = max_pending;
  }

  /** Turns waiting or running, over all conversations. */
  get queued(): number {
    return this.#queued;
  }

  /** False when the conversation `key`, or the whole bot, has no room for another turn. */
  hasRoom(key: string): boolean {
    const size = this.#queues.get(key)?.size ?? 0;
    return size <= this.#maxWaiting && this.#queued < this.#maxPending;
  }

  /**
   * Runs `task` once the earlier turns of conversation `key` have ended;
   * resolves (or rejects) with it. Check `hasRoom` first.
   */
  async run(key: string, task: () => Promise<void>): Promise<void> {
    const queue = this.#queues.get(key) ?? { tail: Promise.resolve(), size: 0 };
    queue.size += 1;
    this.#queued += 1;
    this.#queues.set(key, queue);
    // A failed turn does not hold up the ones after it.
    const turn = queue.tail.then(task, task);
    queue.tail = turn;
    try {
      await turn;
    } finally {
      queue.size -= 1;
      this.#queued -= 1;
      if (queue.size === 0) this.#queues.delete(key);
    }
  }
}
