/**
 * Reads the JSON objects of OpenAI-compatible chat completions, streamed
 * (`chat.completion.chunk`) or whole (`chat.completion`), into one plain
 * shape. Tolerates every difference DESIGN.md §6 lists: no role-only first
 * chunk, `usage` on the finish chunk or in a separate `choices: []` chunk or
 * absent, empty or null `content`, and reasoning as `reasoning_content`
 * (llama.cpp, DeepSeek, older vLLM) or `reasoning` (newer vLLM, Ollama).
 *
 * @module
 */

import type { Usage } from "./chat_types.ts";

/** What one chunk (or a whole completion) contributes to the reply. */
export interface CompletionPiece {
  /** Visible text, "" when none (it may still contain `<think>` tags). */
  content: string;
  /** Reasoning text sent in a separate field, "" when none. */
  reasoning: string;
  finish_reason: string | null;
  usage: Usage | null;
  model: string | null;
}

/** The result of reading a payload: a piece, or the error object the server sent. */
export type ParsedPayload =
  | { kind: "piece"; piece: CompletionPiece }
  | { kind: "error"; payload: unknown }
  | { kind: "invalid"; reason: string };

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A token count a server may report: a non-negative safe integer. */
function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The usage block, or null when it is missing or not believable: both
 * counts must be non-negative integers (a server sending `7.5` or `-1` is
 * ignored rather than trusted, so nothing downstream stores or counts it).
 */
function readUsage(value: unknown): Usage | null {
  const usage = asRecord(value);
  if (usage === undefined) return null;
  const prompt = usage.prompt_tokens;
  const completion = usage.completion_tokens;
  if (!isCount(prompt) || !isCount(completion)) return null;
  return { prompt_tokens: prompt, completion_tokens: completion };
}

/** The choice with index 0 (or none given), else the first one. */
function firstChoice(choices: unknown[]): unknown {
  for (const choice of choices) {
    const index = asRecord(choice)?.index;
    if (index === 0 || index === undefined) return choice;
  }
  return choices[0];
}

function read(
  payload: unknown,
  part: "delta" | "message",
): ParsedPayload {
  const record = asRecord(payload);
  if (record === undefined) {
    return { kind: "invalid", reason: "the payload is not a JSON object" };
  }
  if (record.error !== undefined || record.object === "error") {
    return { kind: "error", payload };
  }
  const choices = record.choices;
  if (choices !== undefined && !Array.isArray(choices)) {
    return { kind: "invalid", reason: "`choices` is not an array" };
  }
  const usage = readUsage(record.usage);
  if (choices === undefined && usage === null) {
    return { kind: "invalid", reason: "it has neither `choices` nor `usage`" };
  }
  const choice = asRecord(
    choices === undefined ? undefined : firstChoice(choices),
  );
  const inner = asRecord(choice?.[part]);
  const finish = choice?.finish_reason;
  return {
    kind: "piece",
    piece: {
      content: text(inner?.content),
      reasoning: text(inner?.reasoning_content) || text(inner?.reasoning),
      finish_reason: typeof finish === "string" && finish !== ""
        ? finish
        : null,
      usage,
      model: typeof record.model === "string" ? record.model : null,
    },
  };
}

/** Reads one streamed chunk (the JSON of a `data:` line). */
export function parseStreamChunk(payload: unknown): ParsedPayload {
  return read(payload, "delta");
}

/** Reads a whole non-streaming completion. */
export function parseCompletion(payload: unknown): ParsedPayload {
  return read(payload, "message");
}
