/**
 * A short, human summary of what changed between two configs, for the log
 * line a hot reload writes: `personas +poet -pirate; bindings 2 → 3;
 * endpoints ~local`. Secrets are never part of it.
 *
 * @module
 */

import type { Config } from "./config_types.ts";

function keyChanges(
  label: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string | null {
  const parts: string[] = [];
  for (const key of Object.keys(after)) {
    if (!(key in before)) parts.push(`+${key}`);
    else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      parts.push(`~${key}`);
    }
  }
  for (const key of Object.keys(before)) {
    if (!(key in after)) parts.push(`-${key}`);
  }
  return parts.length === 0 ? null : `${label} ${parts.join(" ")}`;
}

/** What changed, or "no changes". `~name` changed, `+name` added, `-name` removed. */
export function describeConfigChanges(before: Config, after: Config): string {
  const parts = [
    keyChanges("personas", before.personas, after.personas),
    keyChanges("endpoints", before.endpoints, after.endpoints),
    keyChanges("budgets", before.budgets, after.budgets),
    keyChanges("rate_limits", before.rate_limits, after.rate_limits),
  ];
  if (JSON.stringify(before.bindings) !== JSON.stringify(after.bindings)) {
    parts.push(
      before.bindings.length === after.bindings.length
        ? "bindings changed"
        : `bindings ${before.bindings.length} → ${after.bindings.length}`,
    );
  }
  if (JSON.stringify(before.access) !== JSON.stringify(after.access)) {
    parts.push("access changed");
  }
  const { token: _a, ...discordBefore } = before.discord;
  const { token: _b, ...discordAfter } = after.discord;
  if (JSON.stringify(discordBefore) !== JSON.stringify(discordAfter)) {
    parts.push("discord settings changed");
  }
  if (before.discord.token !== after.discord.token) {
    parts.push("token changed (applies after a restart)");
  }
  if (before.discord.message_content !== after.discord.message_content) {
    parts.push("message_content changed (applies after a restart)");
  }
  if (
    JSON.stringify(before.attachments) !== JSON.stringify(after.attachments)
  ) {
    parts.push("attachments changed");
  }
  if (before.retention !== after.retention) parts.push("retention changed");
  if (JSON.stringify(before.memory) !== JSON.stringify(after.memory)) {
    parts.push("memory changed");
  }
  if (JSON.stringify(before.recovery) !== JSON.stringify(after.recovery)) {
    parts.push("recovery changed");
  }
  const found = parts.filter((p): p is string => p !== null);
  // A section named above by none of these still counts: the reload applies it.
  if (found.length === 0 && !sameSettings(before, after)) {
    return "settings changed";
  }
  return found.length === 0 ? "no changes" : found.join("; ");
}

/** Equal configs, the secrets aside (they follow from the token and keys compared above). */
function sameSettings(before: Config, after: Config): boolean {
  const { secrets: _a, ...settingsBefore } = before;
  const { secrets: _b, ...settingsAfter } = after;
  return JSON.stringify(settingsBefore) === JSON.stringify(settingsAfter);
}

/** True when the slash commands' persona lists may differ (commands need refreshing). */
export function commandsNeedRefresh(before: Config, after: Config): boolean {
  const lists = (config: Config) =>
    JSON.stringify([
      config.discord.commands,
      config.discord.dm.enabled,
      Object.keys(config.personas),
      config.bindings.map((b) => b.personas),
    ]);
  return lists(before) !== lists(after);
}
