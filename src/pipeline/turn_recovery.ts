/**
 * Start-up recovery of the turns a crash cut off (DESIGN.md §8 "Durable
 * turns"). The store, not memory, says what still needs an answer: every
 * turn of this transport still `waiting` or `running`. A reply that was
 * half-written in the platform is closed — its messages keep the text the
 * store has for them, with an "(interrupted by a restart)" line — and the
 * turn ends `partial`; it is not answered again. A message that never got
 * any reply is answered now when it is younger than `recovery.max_age`, and
 * otherwise ends `failed`. Each turn leaves the open states here or in the
 * runner, so nothing is answered twice, even across several restarts.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type { PostedPart, Store, StoredTurn } from "../store/store.ts";
import { incomingFromPayload } from "./durable_turn.ts";
import type { IncomingMessage } from "./incoming_message.ts";

/** The line a half-written reply ends with after a restart. */
export const INTERRUPTED_NOTE = "*(interrupted by a restart)*";

/** What recovery needs from the transport and the bot. */
export interface RecoveryDeps {
  store: Store;
  /** The transport whose turns to recover ("discord"). */
  source: string;
  now(): number;
  /** Messages older than this (ms) are not answered any more. */
  max_age_ms: number;
  /**
   * Whether this process owns the turn. Of several gateway processes sharing
   * one database each recovers only the turns of its own shards: the others
   * are another process's, maybe still running. Default: every turn.
   */
  owns?: (turn: StoredTurn) => boolean;
  logger: Logger;
  /** Runs a turn again (the runner's `dispatch` with the stored message); not awaited. */
  answer(message: IncomingMessage, turn: StoredTurn): void;
  /** Shows a half-written reply as ended: resolves when the platform accepted it. */
  close(message: IncomingMessage, posted: readonly PostedPart[]): Promise<void>;
}

/** What recovery did. */
export interface RecoveryReport {
  answered: number;
  closed: number;
  expired: number;
}

/** Recovers every open turn of the transport; see the module doc. Never rejects. */
export async function recoverTurns(
  deps: RecoveryDeps,
): Promise<RecoveryReport> {
  const report: RecoveryReport = { answered: 0, closed: 0, expired: 0 };
  let turns: StoredTurn[];
  try {
    turns = (await deps.store.openTurns(deps.source)).filter(
      deps.owns ?? (() => true),
    );
  } catch (error) {
    deps.logger.error("Could not read the turns a restart cut off: {error}", {
      error,
    });
    return report;
  }
  for (const turn of turns) {
    try {
      await recoverOne(deps, turn, report);
    } catch (error) {
      deps.logger.warn("Could not recover the turn of message {id}: {error}", {
        id: turn.message.external_id,
        error,
      });
      await end(deps, turn, "failed");
    }
  }
  if (turns.length > 0) {
    deps.logger.info(
      "Recovered after a restart: {answered} messages answered now, {closed} half-written replies closed, {expired} messages too old to answer",
      { ...report },
    );
  }
  return report;
}

async function recoverOne(
  deps: RecoveryDeps,
  turn: StoredTurn,
  report: RecoveryReport,
): Promise<void> {
  const message = incomingFromPayload(turn.payload);
  if (turn.posted.length > 0) {
    // Visible and half-written: end it where it stopped, never write it twice.
    if (message !== null) await deps.close(message, turn.posted);
    if (turn.reply_id !== null) {
      await deps.store.updateMessage(turn.reply_id, {
        content: turn.posted.map((part) => part.content).join("\n"),
        partial: true,
        external_id: turn.posted[0]?.id ?? null,
        updated_at: deps.now(),
      });
    }
    await end(deps, turn, "partial");
    report.closed += 1;
    return;
  }
  const age = deps.now() - turn.message.created_at;
  if (message === null || age > deps.max_age_ms) {
    await end(deps, turn, "failed");
    report.expired += 1;
    return;
  }
  deps.answer(message, turn);
  report.answered += 1;
}

async function end(
  deps: RecoveryDeps,
  turn: StoredTurn,
  state: "partial" | "failed",
): Promise<void> {
  await deps.store.updateTurn(turn.message.id, {
    state,
    updated_at: deps.now(),
  }).catch((error) =>
    deps.logger.warn("Could not record a recovered turn: {error}", { error })
  );
  // The turn is over: a user with `history: off` keeps nothing of it.
  try {
    const preferences = await deps.store.getPreferences(
      turn.message.author_id,
    );
    if (preferences !== null && !preferences.history) {
      await deps.store.forgetTurn(turn.message.id);
    }
  } catch (error) {
    deps.logger.warn(
      "Could not forget a recovered turn of a user without history: {error}",
      { error },
    );
  }
}
