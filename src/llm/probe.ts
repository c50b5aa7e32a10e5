/**
 * The start-up check of each endpoint: `GET {base_url}/models`. An endpoint
 * that cannot be reached, refuses the key, or lacks a model a persona uses
 * gives a warning naming the endpoint and its (redacted) URL — the bot
 * still starts, since the server may come up later. Never throws.
 *
 * @module
 */

import { excerpt } from "./classify_error.ts";
import {
  type EndpointSettings,
  endpointUrl,
  redactUrl,
  requestHeaders,
} from "./endpoint_settings.ts";
import { systemTimers, type Timers } from "./timers.ts";

/** The outcome for one endpoint. */
export interface ProbeResult {
  endpoint: string;
  /** The redacted URL that was asked. */
  url: string;
  /** True when the server answered with a model list. */
  ok: boolean;
  /** Model ids the server lists (empty when unknown). */
  models: string[];
  /** Problems worth a log line at start-up (empty when all is well). */
  warnings: string[];
}

/** Options of `probeEndpoints()`. */
export interface ProbeOptions {
  fetch?: typeof fetch;
  timers?: Timers;
  /** Milliseconds per endpoint (default 5 s). */
  timeout_ms?: number;
  /** Models the personas want per endpoint name, checked against the list. */
  models?: Record<string, readonly string[]>;
}

function modelIds(payload: unknown): { ids: string[]; llamacpp: boolean } {
  const data = typeof payload === "object" && payload !== null
    ? (payload as Record<string, unknown>).data ??
      (payload as Record<string, unknown>).models
    : undefined;
  if (!Array.isArray(data)) return { ids: [], llamacpp: false };
  const ids: string[] = [];
  let llamacpp = false;
  for (const entry of data) {
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const id = record.id ?? record.name ?? record.model;
    if (typeof id === "string") ids.push(id);
    if (record.owned_by === "llamacpp") llamacpp = true;
  }
  return { ids, llamacpp };
}

async function probeOne(
  name: string,
  endpoint: EndpointSettings,
  options: ProbeOptions,
): Promise<ProbeResult> {
  const target = endpointUrl(endpoint.base_url, "/models");
  const url = redactUrl(target);
  const result: ProbeResult = {
    endpoint: name,
    url,
    ok: false,
    models: [],
    warnings: [],
  };
  const timers = options.timers ?? systemTimers;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeout_ms ?? 5000;
  const controller = new AbortController();
  const timer = timers.setTimeout(() => controller.abort(), timeoutMs);
  const secrets = [endpoint.api_key, ...Object.values(endpoint.headers)];
  try {
    const response = await doFetch(target, {
      headers: requestHeaders(endpoint, "application/json"),
      signal: controller.signal,
    });
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      result.warnings.push(
        `Endpoint "${name}" (${url}) refused the API key (HTTP ${response.status}); check api_key`,
      );
      return result;
    }
    if (!response.ok) {
      result.warnings.push(
        `Endpoint "${name}" (${url}) answered HTTP ${response.status}${
          response.status === 404 ? " (does base_url end with /v1?)" : ""
        }: ${excerpt(text, secrets) || "(empty body)"}`,
      );
      return result;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      result.warnings.push(
        `Endpoint "${name}" (${url}) did not answer with JSON; is it an OpenAI-compatible server?`,
      );
      return result;
    }
    const { ids, llamacpp } = modelIds(payload);
    result.ok = true;
    result.models = ids;
    // llama.cpp serves its one model under any name, so there is nothing to check.
    if (!llamacpp && ids.length > 0) {
      for (const wanted of options.models?.[name] ?? []) {
        if (!ids.includes(wanted)) {
          result.warnings.push(
            `Endpoint "${name}" (${url}) does not list model "${wanted}"; it lists ${
              ids.slice(0, 10).map((id) => `"${id}"`).join(", ")
            }${ids.length > 10 ? ", …" : ""}`,
          );
        }
      }
    }
    return result;
  } catch (error) {
    const reason = controller.signal.aborted
      ? `no answer within ${timeoutMs} ms`
      : error instanceof Error
      ? error.message
      : String(error);
    result.warnings.push(
      `Endpoint "${name}" (${url}) is unreachable (${
        excerpt(reason, secrets)
      }); personas using it will fail until it is up`,
    );
    return result;
  } finally {
    timers.clearTimeout(timer);
  }
}

/** Probes every endpoint concurrently; one result per endpoint, in config order. */
export function probeEndpoints(
  endpoints: Record<string, EndpointSettings>,
  options: ProbeOptions = {},
): Promise<ProbeResult[]> {
  return Promise.all(
    Object.entries(endpoints).map(([name, endpoint]) =>
      probeOne(name, endpoint, options)
    ),
  );
}
