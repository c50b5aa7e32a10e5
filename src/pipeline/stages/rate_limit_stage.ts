/**
 * The rate-limit stage: applies the binding's per-user and per-channel
 * limits. A limited user gets one short notice per window; further messages
 * in that window are dropped silently.
 *
 * @module
 */

import { rateLimitKey } from "../../store/rate_limit_key.ts";
import type { Stage } from "../compose.ts";
import type { LimitCheck, RateLimiter } from "../rate_limiter.ts";
import type { TurnContext } from "../turn_context.ts";
import { storeUserMessage } from "../user_message.ts";
import type { Store } from "../../store/store.ts";

/** What the stage needs. */
export interface RateLimitDeps {
  limiter: RateLimiter;
  store: Store;
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s >= 120
    ? `${Math.ceil(s / 60)} minutes`
    : `${s} second${s === 1 ? "" : "s"}`;
}

/** Creates the rate-limit stage. */
export function rateLimitStage(deps: RateLimitDeps): Stage<TurnContext> {
  return {
    name: "rateLimit",
    async run(ctx, next) {
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
        const channel = ctx.message.channel_id;
        checks.push({
          key: rateLimitKey("channel", channel, name),
          rate: limits.per_channel,
        });
      }
      if (checks.length > 0) {
        const verdict = await deps.limiter.hit(checks, ctx.started_at);
        if (!verdict.allowed) {
          ctx.outcome = "rate_limited";
          ctx.detail = verdict.key;
          // Stored already when the runner keeps turns durable.
          if (ctx.user_message === null) {
            await storeUserMessage(
              deps.store,
              ctx,
              ctx.route.binding.persona,
              null,
            );
          }
          if (verdict.notify) {
            const who = verdict.key.startsWith("user:")
              ? "You are"
              : "This channel is";
            await ctx.reply.notice(
              `⏳ ${who} sending messages faster than I can answer. Try again in ${
                seconds(verdict.retry_after_ms)
              }.`,
            );
          }
          return;
        }
      }
      await next();
    },
  };
}
