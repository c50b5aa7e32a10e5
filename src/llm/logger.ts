/**
 * The logging the LLM client needs, as a small interface that LogTape's
 * `Logger` satisfies; by default it logs under the category `["bot", "llm"]`.
 * Messages use LogTape's `{placeholder}` syntax with the values in
 * `properties`. Nothing logged here ever holds an API key or header value.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";

/** The logger methods the LLM client calls. */
export interface LlmLogger {
  debug(message: string, properties?: Record<string, unknown>): void;
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** The LogTape logger of category `["bot", "llm"]`. */
export function defaultLlmLogger(): LlmLogger {
  return getLogger(["bot", "llm"]);
}
