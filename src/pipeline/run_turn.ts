/**
 * Running one admitted turn once its conversation's earlier turns are done:
 * its state recorded (`running`, then how it ended), the pipeline run in a
 * span of its own, and any unexpected error turned into a failed turn with
 * a notice.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import { withSpan } from "../observability/tracing.ts";
import { endState, recordTurn, type TurnJournal } from "./durable_turn.ts";
import type { ReplyTarget } from "./reply_target.ts";
import { INTERNAL_ERROR_NOTICE } from "./runner_types.ts";
import type { TurnContext } from "./turn_context.ts";

/** What running a turn needs. */
export interface RunTurnDeps {
  /** Runs one turn through the stages. */
  pipeline: (ctx: TurnContext) => Promise<void>;
  now(): number;
  logger: Logger;
  /** Where the turn's state is recorded. */
  journal: TurnJournal;
}

/**
 * One turn, in a span `turn`: with tracing on, the root of the turn's own
 * trace (not a child of whatever the gateway event arrived in).
 */
export function runTurn(
  ctx: TurnContext,
  deps: RunTurnDeps,
): Promise<void> {
  return withSpan("turn", {
    "bot.guild_id": ctx.message.guild_id || undefined,
    "bot.channel_id": ctx.message.channel_id,
    "bot.message_id": ctx.message.id,
    "bot.persona": ctx.persona_name,
  }, async (span) => {
    await runTurnInSpan(ctx, deps);
    span.set({ "bot.outcome": ctx.outcome });
  }, { root: true });
}

async function runTurnInSpan(
  ctx: TurnContext,
  deps: RunTurnDeps,
): Promise<void> {
  if (ctx.signal.aborted) {
    // Shutting down before it started: it stays waiting, and start-up recovery answers it.
    ctx.outcome = "interrupted";
    ctx.detail = "not started before shutdown";
    return;
  }
  try {
    // The turn starts now, after waiting its turn: history and limits see it in order.
    (ctx as { started_at: number }).started_at = deps.now();
    await recordTurn(deps.journal, ctx, { state: "running" });
    await deps.pipeline(ctx);
    await recordTurn(deps.journal, ctx, { state: endState(ctx) });
  } catch (error) {
    await recordTurn(deps.journal, ctx, {
      state: ctx.reply.posted_ids.length > 0 ? "partial" : "failed",
    });
    ctx.outcome = "failed";
    ctx.detail = error instanceof Error ? error.message : String(error);
    deps.logger.error("Turn failed in channel {channel}: {error}", {
      channel: ctx.message.channel_id,
      message: ctx.message.id,
      error,
    });
    await safeNotice(ctx.reply, INTERNAL_ERROR_NOTICE, deps.logger);
  } finally {
    ctx.reply.stopTyping();
  }
}

/** Sends a notice; a failure is logged, never thrown. */
export async function safeNotice(
  reply: ReplyTarget,
  text: string,
  logger: Logger,
): Promise<void> {
  try {
    await reply.notice(text);
  } catch (error) {
    logger.warn("Could not send a notice: {error}", { error });
  }
}
