/**
 * The `budgets` and `rate_limits` sections of the config schema, with their defaults.
 *
 * @module
 */

import { z } from "zod";
import { duration, rate } from "./schema_fields.ts";

/** One entry of `budgets`. */
export const budgetSchema = z.strictObject({
  context_tokens: z.int().min(256).default(8192).describe(
    "The model's context window in tokens.",
  ),
  reserve_tokens: z.int().min(1).default(1024).describe(
    "Tokens kept free for the reply.",
  ),
  max_messages: z.int().min(1).max(10_000).default(50).describe(
    "History messages sent at most.",
  ),
  max_age: duration("History older than this is not sent.", {
    min_ms: 1_000,
    max_ms: 3650 * 86_400_000,
  }).prefault("24h"),
  memory: z.enum(["window", "summary"]).default("window").describe(
    "window: history that no longer fits is dropped; summary: it is summarised by the model after a reply, and the summary is sent before the history.",
  ),
  summary_tokens: z.int().min(16).default(400).describe(
    "Longest summary in tokens (memory: summary), counted inside the budget.",
  ),
}).describe("How much history a request may carry.");

/** Default budget values, used for `budgets.default` when the file has none. */
export const DEFAULT_BUDGET = {
  context_tokens: 8192,
  reserve_tokens: 1024,
  max_messages: 50,
  max_age: 86_400_000,
  memory: "window" as const,
  summary_tokens: 400,
};

/** One entry of `rate_limits`. */
export const rateLimitSchema = z.strictObject({
  per_user: rate("Triggers one user may make across the binding's channels.")
    .optional(),
  per_channel: rate(
    "Triggers in one channel and all its threads together, all users together.",
  ).optional(),
}).describe("Rate limits; an absent key means no limit of that kind.");

/** Default rate limit, used for `rate_limits.default` when the file has none. */
export const DEFAULT_RATE_LIMIT = {
  per_user: { count: 6, window_ms: 60_000 },
  per_channel: { count: 30, window_ms: 60_000 },
};
