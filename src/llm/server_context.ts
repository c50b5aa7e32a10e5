/**
 * Asks an OpenAI-compatible server how large its context window really is,
 * where each server says it: llama.cpp's `GET /props`
 * (`default_generation_settings.n_ctx`, the `-c` it was started with), vLLM's
 * `GET /v1/models` (`max_model_len` of the model), Ollama's `POST /api/show`
 * (`num_ctx` in `parameters`, else the model's `*.context_length`). A server
 * that says nothing gives null. A prompt longer than the real window is cut
 * silently by llama.cpp (200 OK, system prompt lost), so the bot must know.
 *
 * @module
 */

import {
  type EndpointSettings,
  endpointUrl,
  requestHeaders,
} from "./endpoint_settings.ts";
import { systemTimers, type Timers } from "./timers.ts";

/** Options of {@link serverContextSize}. */
export interface ContextProbeOptions {
  fetch?: typeof fetch;
  timers?: Timers;
  /** Milliseconds per question (default 3 s). */
  timeout_ms?: number;
}

/** The server's context size in tokens for `model`, or null when it does not say. */
export async function serverContextSize(
  endpoint: EndpointSettings,
  model: string,
  options: ContextProbeOptions = {},
): Promise<number | null> {
  const ask = asker(endpoint, options);
  const props = await ask(endpointUrl(endpoint.base_url, "/props", true));
  const n_ctx = positive(
    record(record(props)?.default_generation_settings)?.n_ctx ??
      record(props)?.n_ctx,
  );
  if (n_ctx !== null) return n_ctx;
  const models = record(await ask(endpointUrl(endpoint.base_url, "/models")));
  if (Array.isArray(models?.data)) {
    const entry = models.data.map(record).find((m) => m?.id === model);
    const length = positive(entry?.max_model_len);
    if (length !== null) return length;
  }
  const show = record(
    await ask(endpointUrl(endpoint.base_url, "/api/show", true), { model }),
  );
  if (show === undefined) return null;
  const parameters = typeof show.parameters === "string" ? show.parameters : "";
  const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(parameters)?.[1];
  if (numCtx !== undefined) return positive(Number(numCtx));
  const info = record(show.model_info) ?? {};
  const key = Object.keys(info).find((k) => k.endsWith(".context_length"));
  return key === undefined ? null : positive(info[key]);
}

function asker(endpoint: EndpointSettings, options: ContextProbeOptions) {
  const timers = options.timers ?? systemTimers;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  return async (url: string, body?: unknown): Promise<unknown> => {
    const controller = new AbortController();
    const timer = timers.setTimeout(
      () => controller.abort(),
      options.timeout_ms ?? 3_000,
    );
    try {
      const response = await doFetch(url, {
        method: body === undefined ? "GET" : "POST",
        headers: requestHeaders(endpoint, "application/json"),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
      });
      const text = await response.text();
      return response.ok ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    } finally {
      timers.clearTimeout(timer);
    }
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null
    ? value as Record<string, unknown>
    : undefined;
}

function positive(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value > 0
    ? value
    : null;
}
