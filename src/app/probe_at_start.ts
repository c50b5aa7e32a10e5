/**
 * The start-up check of every configured LLM endpoint, in the background:
 * what it finds is logged (a warning per problem, a line per endpoint that
 * answers) and never stops the bot from starting.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import { probeEndpoints } from "../llm/probe.ts";
import { serverContextSize } from "../llm/server_context.ts";
import type { TokenCounters } from "../llm/token_counter.ts";
import type { Logger } from "../log/logging.ts";

/** Probes every endpoint of `config` and logs the results; resolves when done. */
export async function probeAndLog(
  config: Config,
  logger: Logger,
  counters?: TokenCounters,
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
  if (counters !== undefined) await checkContextSizes(config, logger, counters);
}

/**
 * Asks each endpoint the context size it serves for each persona's model;
 * records it (requests are clamped to it) and warns when a budget plans
 * for more.
 */
export async function checkContextSizes(
  config: Config,
  logger: Logger,
  counters: TokenCounters,
  fetchEdge?: typeof fetch,
): Promise<void> {
  const pairs = new Set(
    Object.values(config.personas).map((p) => `${p.endpoint}\u0000${p.model}`),
  );
  const planned = Math.max(
    ...Object.values(config.budgets).map((b) => b.context_tokens),
  );
  for (const pair of pairs) {
    const [endpoint = "", model = ""] = pair.split("\u0000");
    const settings = config.endpoints[endpoint];
    if (settings === undefined) continue;
    const size = await serverContextSize(
      settings,
      model,
      fetchEdge ? { fetch: fetchEdge } : {},
    );
    if (size === null) continue;
    counters.setContextLimit(endpoint, model, size);
    if (planned > size) {
      logger.warn(
        "Endpoint {endpoint} serves {model} with a context of {size} tokens, but a budget plans for context_tokens: {planned}; requests are clamped to {size} tokens. Set context_tokens: {size} (or start the server with a larger context, llama.cpp: -c)",
        { endpoint, model, size, planned },
      );
    } else {
      logger.info(
        "Endpoint {endpoint} serves {model} with {size} tokens of context",
        {
          endpoint,
          model,
          size,
        },
      );
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
