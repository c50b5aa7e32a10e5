/**
 * What the page may know about the config: the places it can talk in, the
 * personas with their prompts and sampling settings, the budgets. Built
 * field by field, so the token, API keys, headers and endpoint URLs never
 * reach the page.
 *
 * @module
 */

import type { BindingConfig, Config } from "../config/config_types.ts";

/** A place the page can talk in. */
export interface PlaceView {
  /** `"dm"` or the binding's index. */
  place: "dm" | number;
  label: string;
  persona: string;
  personas: string[];
  trigger: string[];
  scope: string;
  budget: string;
}

/** The page's view of the config. */
export interface ConfigView {
  places: PlaceView[];
  personas: {
    name: string;
    display_name: string;
    endpoint: string;
    model: string;
    system_prompt: string;
    temperature: number | null;
    max_tokens: number | null;
    reasoning: string;
    stream: boolean;
  }[];
  budgets: Record<string, Config["budgets"][string]>;
  /** True when admins exist (`access.admin_roles` is not empty). */
  admins_configured: boolean;
}

function label(binding: BindingConfig, index: number): string {
  const where = binding.channels
    ? `channel ${binding.channels.join(", ")}`
    : `server ${binding.guild}`;
  return `bindings[${index}] · ${where} · ${binding.persona}`;
}

/** The view of `config`. */
export function configView(config: Config): ConfigView {
  const places: PlaceView[] = config.bindings.map((binding, index) => ({
    place: index,
    label: label(binding, index),
    persona: binding.persona,
    personas: [...binding.personas],
    trigger: [...binding.trigger],
    scope: binding.scope,
    budget: binding.budget,
  }));
  const dm = config.discord.dm;
  if (dm.enabled && dm.persona !== undefined) {
    places.push({
      place: "dm",
      label: `DM · ${dm.persona}`,
      persona: dm.persona,
      personas: [...dm.personas],
      trigger: ["always"],
      scope: "user",
      budget: dm.budget,
    });
  }
  return {
    places,
    personas: Object.entries(config.personas).map(([name, p]) => ({
      name,
      display_name: p.display_name,
      endpoint: p.endpoint,
      model: p.model,
      system_prompt: p.system_prompt,
      temperature: p.temperature ?? null,
      max_tokens: p.max_tokens ?? null,
      reasoning: p.reasoning,
      stream: p.stream,
    })),
    budgets: { ...config.budgets },
    admins_configured: config.access.admin_roles.length > 0,
  };
}
