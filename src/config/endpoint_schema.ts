/**
 * The `endpoints` section of the config schema: one OpenAI-compatible server.
 *
 * @module
 */

import { z } from "zod";
import { duration, name, TIMEOUT_RANGE } from "./schema_fields.ts";

/** One entry of `endpoints`. */
export const endpointSchema = z.strictObject({
  base_url: z.url({
    protocol: /^https?$/,
    hostname: /^.+$/,
    error: "expected an http(s) URL such as http://localhost:11434/v1",
  })
    .describe(
      "Base URL of the OpenAI-compatible API, up to and including /v1.",
    ),
  api_key: z.string().default("").describe(
    "API key sent as `Authorization: Bearer`; empty sends no Authorization header. Use ${VAR}.",
  ),
  headers: z.record(z.string(), z.string()).default({}).describe(
    "Extra HTTP headers sent with every request to this endpoint.",
  ),
  timeout: z.strictObject({
    first_token: duration(
      "Longest wait for the first token of a reply.",
      TIMEOUT_RANGE,
    )
      .prefault("60s"),
    idle: duration(
      "Longest silence between two streamed chunks.",
      TIMEOUT_RANGE,
    ).prefault(
      "30s",
    ),
    total: duration("Longest time for a whole reply.", TIMEOUT_RANGE)
      .prefault("5m"),
  }).prefault({}).describe("Request timeouts."),
  max_concurrency: z.int().min(1).max(1024).default(4).describe(
    "Requests in flight to this server at once; the rest wait in a queue.",
  ),
  max_queue: z.int().min(0).max(100_000).default(32).describe(
    "Requests that may wait for a slot; beyond it the endpoint counts as saturated.",
  ),
  queue_timeout: duration(
    "Longest wait in the queue for a slot.",
    TIMEOUT_RANGE,
  ).prefault(
    "60s",
  ),
  retries: z.int().min(0).max(10).default(2).describe(
    "Retries on failure, only before the first token has arrived.",
  ),
  fallback: name.optional().describe(
    "Another endpoint tried when this one fails before the first token or is saturated.",
  ),
  tokenizer: z.enum(["estimate", "server"]).default("estimate").describe(
    "estimate: fast local estimate; server: exact counts from the server's /tokenize (llama.cpp, vLLM).",
  ),
}).describe(
  "An OpenAI-compatible server: llama.cpp, vLLM, Ollama, LM Studio, OpenAI…",
);
