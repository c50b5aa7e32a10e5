/**
 * What people can do to a turn once it runs: stop it, or have it answered
 * again. The runner registers every running turn here (keyed by the id of
 * the message that asked, the "turn id") with a stop signal of its own; a
 * transport's Stop button calls `stop`, which ends the LLM request while
 * the text so far is kept. A rerun (Regenerate, an edited question) answers
 * a stored user message again in place of its stored reply.
 *
 * @module
 */

import type { StoredMessage } from "../../store/store.ts";

/** The abort reason of a turn stopped on request: the text so far is kept. */
export class TurnStopped extends Error {
  /** Who asked to stop it. */
  readonly by_user_id: string;

  constructor(by_user_id: string) {
    super("The answer was stopped on request");
    this.name = "TurnStopped";
    this.by_user_id = by_user_id;
  }
}

/** True when `signal` was aborted by a stop request (not by shutdown). */
export function stoppedOnRequest(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof TurnStopped;
}

/** A turn answered again: the stored question, and the stored reply it replaces. */
export interface Rerun {
  /** The user message to answer again (its content is updated when the question was edited). */
  user_message: StoredMessage;
  /** The stored reply that the new answer replaces, or null when there was none. */
  reply: StoredMessage | null;
  /** The persona that answered before (it answers again), or null to choose afresh. */
  persona: string | null;
}

interface Running {
  asker_id: string;
  controller: AbortController;
}

/** The running turns and how to stop them; see the module doc. */
export class TurnControls {
  readonly #running = new Map<string, Running>();

  /** Registers a running turn; returns the signal that `stop` aborts. */
  start(turn_id: string, asker_id: string): AbortSignal {
    const controller = new AbortController();
    this.#running.set(turn_id, { asker_id, controller });
    return controller.signal;
  }

  /** Forgets a turn that ended. */
  finish(turn_id: string): void {
    this.#running.delete(turn_id);
  }

  /** Who asked a running turn, or undefined when it is not running. */
  askerOf(turn_id: string): string | undefined {
    return this.#running.get(turn_id)?.asker_id;
  }

  /** Stops a running turn; false when it is not running (any more). */
  stop(turn_id: string, by_user_id: string): boolean {
    const running = this.#running.get(turn_id);
    if (running === undefined) return false;
    running.controller.abort(new TurnStopped(by_user_id));
    return true;
  }
}
