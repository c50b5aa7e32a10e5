/**
 * Admission: what the runner checks before a message may wait in a
 * conversation's queue — access (the one decision of `AccessGate`), then
 * the binding's rate limits (a thread counts toward its parent channel's
 * `per_channel` budget). A refused message never takes a queue place, so a
 * denied or limited user's burst cannot crowd out anyone else. Denied
 * messages are dropped silently; a limited message is stored (the next
 * answer sees it) and its author is told at most once per minute per
 * conversation.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import { rateLimitKey } from "../store/rate_limit_key.ts";
import type { Store } from "../store/store.ts";
import type { AccessGate } from "./access/access_gate.ts";
import type { NoticeLimiter } from "./notice_limiter.ts";
import type { LimitCheck, RateLimiter } from "./rate_limiter.ts";
import { withoutBotMention } from "./stages/auth_stage.ts";
import { applyPingPreference } from "./ping_preference.ts";
import type { TurnContext } from "./turn_context.ts";
import { storeUserMessage } from "./user_message.ts";

/** What admission needs. */
export interface AdmissionDeps {
  store: Store;
  access: AccessGate;
  limiter: RateLimiter;
  notices: NoticeLimiter;
  logger: Logger;
}

function waitText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s >= 120
    ? `${Math.ceil(s / 60)} minutes`
    : `${s} second${s === 1 ? "" : "s"}`;
}

/** The rate-limit checks that apply to a turn. */
export function limitChecks(ctx: TurnContext): LimitCheck[] {
  const name = ctx.route.binding.rate_limit;
  const limits = ctx.config.rate_limits[name] ?? {};
  const checks: LimitCheck[] = [];
  if (limits.per_user) {
    checks.push({
      key: rateLimitKey("user", ctx.message.author.id, name),
      rate: limits.per_user,
    });
  }
  if (limits.per_channel) {
    // Threads share their parent's budget: opening threads must not multiply it.
    const channel = ctx.message.parent_channel_id || ctx.message.channel_id;
    checks.push({
      key: rateLimitKey("channel", channel, name),
      rate: limits.per_channel,
    });
  }
  return checks;
}

/**
 * Decides whether the turn may queue. When not, sets `ctx.outcome`
 * ("denied" or "rate_limited") and `ctx.detail`, and returns false.
 */
export async function admit(
  ctx: TurnContext,
  deps: AdmissionDeps,
): Promise<boolean> {
  const author = ctx.message.author;
  const verdict = await deps.access.decide({
    user_id: author.id,
    guild_id: ctx.message.guild_id,
    role_ids: author.role_ids,
  });
  if (!verdict.allowed) {
    ctx.outcome = "denied";
    ctx.detail = verdict.reason;
    return false;
  }
  const checks = limitChecks(ctx);
  if (checks.length === 0) return true;
  const limit = await deps.limiter.hit(checks, ctx.started_at);
  if (limit.allowed) return true;
  ctx.outcome = "rate_limited";
  ctx.detail = limit.key;
  ctx.text = withoutBotMention(ctx.message.content, ctx.bot_user_id);
  try {
    // A rerun's question is stored already; a user with `history: off` has
    // nothing kept beyond a running turn.
    // The notice below replies to them: their `ping` preference applies.
    const preferences = await applyPingPreference(ctx, deps.store);
    const keeps = preferences?.history ?? true;
    // A recovered turn (user_message set) is stored already.
    if (ctx.rerun === undefined && keeps && ctx.user_message === null) {
      await storeUserMessage(deps.store, ctx, ctx.route.binding.persona, null);
    }
  } catch (error) {
    deps.logger.warn("Could not store a rate-limited message: {error}", {
      error,
    });
  }
  const tell = limit.notify &&
    deps.notices.allow(
      JSON.stringify(ctx.route.conversation),
      author.id,
      ctx.started_at,
    );
  if (tell) {
    const who = limit.key.startsWith("user:") ? "You are" : "This channel is";
    await ctx.reply.notice(
      `⏳ ${who} sending messages faster than I can answer. Try again in ${
        waitText(limit.retry_after_ms)
      }.`,
    ).catch((error) =>
      deps.logger.warn("Could not send a notice: {error}", { error })
    );
  }
  return false;
}
