/**
 * Rules real OpenAI-compatible servers enforce, for the fake LLM server:
 *
 * - **Strict chat templates** (`template: "strict"`): Mistral's, Gemma's and
 *   others' Jinja templates under `llama-server --jinja` raise "Conversation
 *   roles must alternate user/assistant/user/assistant/..." unless, after an
 *   optional system message, the roles alternate starting with user; llama.cpp
 *   answers HTTP 500 with that message.
 * - **One choice** (llama.cpp): `n` > 1 is refused with HTTP 500 "Only one
 *   completion choice is allowed".
 * - **A context smaller than the bot thinks** (`context_size`): a longer
 *   prompt is silently cut from the start (system prompt included) with
 *   200 OK, and `usage.prompt_tokens` reports the cut size, as llama.cpp
 *   does; the size is announced where each server says it: llama.cpp's
 *   `GET /props`, vLLM's `GET /v1/models` (`max_model_len`), Ollama's
 *   `POST /api/show`.
 *
 * @module
 */

/** The rules a fake server follows. */
export interface ServerRules {
  /** `strict`: roles must alternate after the system prompt, starting with user. */
  template?: "lenient" | "strict";
  /** The server's context window in tokens (its `-c` / `max_model_len` / `num_ctx`). */
  context_size?: number;
}

/** A refusal as the server words it. */
export interface Refusal {
  status: number;
  message: string;
}

/** The strict templates' error. */
export const ALTERNATE_ROLES_ERROR =
  "Conversation roles must alternate user/assistant/user/assistant/...";

/** Checks a chat request against the rules; null when it is accepted. */
export function refuseChat(
  body: Record<string, unknown>,
  rules: ServerRules,
): Refusal | null {
  if (typeof body.n === "number" && body.n > 1) {
    return { status: 500, message: "Only one completion choice is allowed" };
  }
  if (rules.template === "strict") {
    const roles = (Array.isArray(body.messages) ? body.messages : []).map(
      (m) => String((m as { role?: unknown }).role),
    );
    const rest = roles[0] === "system" ? roles.slice(1) : roles;
    const alternates = rest.every((role, i) =>
      role === (i % 2 === 0 ? "user" : "assistant")
    );
    if (!alternates) return { status: 500, message: ALTERNATE_ROLES_ERROR };
  }
  return null;
}

/**
 * The prompt's token count as the server processes it: cut to the context
 * (keeping room for at least a few tokens of answer) when it is longer.
 */
export function processedPromptTokens(
  prompt_tokens: number,
  rules: ServerRules,
): number {
  const n_ctx = rules.context_size;
  if (n_ctx === undefined || prompt_tokens < n_ctx) return prompt_tokens;
  // llama.cpp keeps the end of the prompt and drops the start.
  return Math.max(1, Math.floor(n_ctx / 2));
}

/** The context-size routes each server has, or null for other paths. */
export function contextRoute(
  method: string,
  path: string,
  style: string,
  models: readonly string[],
  rules: ServerRules,
): Response | null {
  const n_ctx = rules.context_size;
  if (n_ctx === undefined) return null;
  if (style === "llamacpp" && method === "GET" && path === "/props") {
    return Response.json({
      default_generation_settings: { n_ctx, params: {} },
      total_slots: 1,
      model_path: `/models/${models[0] ?? "model"}.gguf`,
    });
  }
  if (style === "vllm" && method === "GET" && path === "/v1/models") {
    return Response.json({
      object: "list",
      data: models.map((id) => ({
        id,
        object: "model",
        owned_by: "vllm",
        max_model_len: n_ctx,
      })),
    });
  }
  if (style === "ollama" && method === "POST" && path === "/api/show") {
    return Response.json({
      parameters: `num_ctx                        ${n_ctx}\nstop "<|eot_id|>"`,
      model_info: {
        "general.architecture": "llama",
        "llama.context_length": 131072,
      },
    });
  }
  return null;
}
