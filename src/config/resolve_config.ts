/**
 * Turns a schema-valid, cross-checked config into the `Config` the bot
 * reads: fills in the implicit `default` budget and rate limit, display
 * names, the allowed persona lists, and the slash-command target.
 *
 * @module
 */

import type { Config, PersonaConfig } from "./config_types.ts";
import { DEFAULT_BUDGET, DEFAULT_RATE_LIMIT } from "./schema.ts";
import type { ParsedConfig } from "./schema.ts";

/** Completes a parsed config; `secrets` are the values that must never be logged. */
export function resolveConfig(parsed: ParsedConfig, secrets: string[]): Config {
  const personas: Record<string, PersonaConfig> = {};
  for (const [name, persona] of Object.entries(parsed.personas)) {
    personas[name] = { ...persona, display_name: persona.display_name ?? name };
  }
  const withDefault = (
    persona: string | undefined,
    list: string[] | undefined,
  ) =>
    persona === undefined
      ? [...(list ?? [])]
      : [...new Set([persona, ...(list ?? [])])];
  const commands = parsed.discord.commands === "global"
    ? { kind: "global" as const }
    : {
      kind: "guild" as const,
      guild_id: parsed.discord.commands.slice("guild:".length),
    };
  return {
    version: 1,
    discord: {
      ...parsed.discord,
      commands,
      dm: {
        ...parsed.discord.dm,
        personas: withDefault(
          parsed.discord.dm.persona,
          parsed.discord.dm.personas,
        ),
      },
    },
    endpoints: parsed.endpoints,
    personas,
    budgets: { default: DEFAULT_BUDGET, ...parsed.budgets },
    rate_limits: { default: DEFAULT_RATE_LIMIT, ...parsed.rate_limits },
    bindings: parsed.bindings.map((binding) => ({
      ...binding,
      personas: withDefault(binding.persona, binding.personas),
    })),
    access: parsed.access,
    attachments: parsed.attachments,
    memory: parsed.memory,
    retention: parsed.retention,
    recovery: parsed.recovery,
    secrets: [...new Set(secrets)].filter((secret) => secret.length >= 4),
  };
}
