/**
 * A one-line description of a loaded config, for `validate` and start-up logs.
 *
 * @module
 */

import type { Config } from "./config_types.ts";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** E.g. `2 personas (helper, pirate), 1 binding, 1 endpoint (local), DMs on`. */
export function summarizeConfig(config: Config): string {
  const personas = Object.keys(config.personas);
  const endpoints = Object.keys(config.endpoints);
  return [
    `${plural(personas.length, "persona")} (${personas.join(", ")})`,
    plural(config.bindings.length, "binding"),
    `${plural(endpoints.length, "endpoint")} (${endpoints.join(", ")})`,
    `DMs ${config.discord.dm.enabled ? "on" : "off"}`,
  ].join(", ");
}
