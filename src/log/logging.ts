/**
 * Logging through LogTape: one `configure` call at start-up, levels from
 * `LOG_LEVEL`, JSON lines when the output is not a terminal (or
 * `LOG_FORMAT=json`), readable lines otherwise. Every line passes through
 * the secret registry, so tokens and API keys never reach the output.
 *
 * @module
 */

import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  isLogLevel,
  reset,
} from "@logtape/logtape";
import type { Logger, LogLevel, LogRecord } from "@logtape/logtape";
import { SecretRegistry } from "./redact.ts";

export type { Logger, LogLevel };

/** How logs are written. */
export interface LoggingOptions {
  level: LogLevel;
  format: "json" | "text";
  /** Receives each finished line, newline included. */
  write: (line: string) => void;
  /** The current trace and span ids, added to each line logged inside a span (tracing on). */
  traceIds?:
    | (() => { trace_id: string; span_id: string } | undefined)
    | undefined;
}

/** The process-wide secret registry: add the token and API keys once the config is loaded. */
export const secrets = new SecretRegistry();

/**
 * Reads `LOG_LEVEL` (`debug`, `info`, `warning`, `error`; default `info`) and
 * `LOG_FORMAT` (`json` or `text`; default: json unless `stream` is a terminal).
 * Returns the options and, for a bad value, a warning to log once set up.
 */
export function loggingOptionsFromEnv(
  env: (name: string) => string | undefined,
  stream: { isTerminal(): boolean; writeSync(bytes: Uint8Array): number },
): { options: LoggingOptions; warning?: string } {
  const requested = (env("LOG_LEVEL") ?? "info").toLowerCase();
  const level: LogLevel = requested === "warn"
    ? "warning"
    : isLogLevel(requested)
    ? requested
    : "info";
  const formatEnv = env("LOG_FORMAT")?.toLowerCase();
  const format = formatEnv === "json" || formatEnv === "text"
    ? formatEnv
    : stream.isTerminal()
    ? "text"
    : "json";
  const encoder = new TextEncoder();
  const write = (line: string) => {
    let bytes = encoder.encode(line);
    while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
  };
  const bad = requested !== "warn" && !isLogLevel(requested);
  return {
    options: { level, format, write },
    ...(bad
      ? {
        warning:
          `LOG_LEVEL "${requested}" is not one of debug, info, warning, error; using info`,
      }
      : {}),
  };
}

/** Configures LogTape for the whole process (replacing any earlier configuration). */
export async function setupLogging(options: LoggingOptions): Promise<void> {
  const formatter = options.format === "json"
    ? getJsonLinesFormatter({ properties: "nest:properties" })
    : getTextFormatter({
      timestamp: "date-time-tz",
      category: ".",
      value: "bare",
    });
  const traceIds = options.traceIds;
  const sink = (record: LogRecord) => {
    const ids = traceIds?.();
    const properties = ids
      ? { ...record.properties, ...ids }
      : record.properties;
    const safe: LogRecord = {
      ...record,
      message: [renderMessage(record.message)],
      properties: secrets.redactValue(properties) as Record<
        string,
        unknown
      >,
    };
    options.write(secrets.redactText(formatter(safe)));
  };
  await configure({
    reset: true,
    sinks: { main: sink },
    loggers: [
      { category: ["bot"], lowestLevel: options.level, sinks: ["main"] },
      {
        category: ["logtape", "meta"],
        lowestLevel: "warning",
        sinks: ["main"],
      },
    ],
  });
}

/** The message with its values filled in: strings bare, other values inspected, secrets redacted. */
function renderMessage(parts: readonly unknown[]): string {
  let text = "";
  for (const [index, part] of parts.entries()) {
    const value = secrets.redactValue(part);
    if (index % 2 === 0 || typeof value === "string") text += String(value);
    else if (value instanceof Object && "message" in value && "name" in value) {
      text += `${value.name}: ${value.message}`;
    } else {text += Deno.inspect(value, {
        colors: false,
        depth: 4,
        breakLength: Infinity,
      });}
  }
  return text;
}

/** Stops logging and flushes; used at shutdown and between tests. */
export async function stopLogging(): Promise<void> {
  await reset();
}

/** The logger for one part of the bot, e.g. `log("store")` → category `bot.store`. */
export function log(...category: string[]): Logger {
  return getLogger(["bot", ...category]);
}
