/**
 * The start-up check of every configured LLM endpoint, in the background:
 * what it finds is logged (a warning per problem, a line per endpoint that
 * answers) and never stops the bot from starting.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import { probeEndpoints } from "../llm/probe.ts";
import type { Logger } from "../log/logging.ts";

/** Probes every endpoint of `config` and logs the results; resolves when done. */
export async function probeAndLog(
  config: Config,
  logger: Logger,
): Promise<void> {
  const results = await probeEndpoints(config.endpoints, {
    models: modelsByEndpoint(config),
  });
  for (const result of results) {
    for (const text of result.warnings) {
      logger.warn("{warning}", { endpoint: result.endpoint, warning: text });
    }
    if (result.ok) {
      logger.info("Endpoint {endpoint} answers at {url}", {
        endpoint: result.endpoint,
        url: result.url,
      });
    }
  }
}

function modelsByEndpoint(config: Config): Record<string, string[]> {
  const models: Record<string, string[]> = {};
  for (const persona of Object.values(config.personas)) {
    (models[persona.endpoint] ??= []).push(persona.model);
  }
  return models;
}
