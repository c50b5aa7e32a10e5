/**
 * A fake OpenAI-compatible server over real HTTP on loopback, for tests and
 * benchmarks. It speaks in the style of llama.cpp, OpenAI, vLLM or Ollama
 * (DESIGN.md §6: role-only first chunk or not, where `usage` goes, an empty
 * chunk before the last, how errors look) and fails on command: any status,
 * a slow first token, a stall mid-stream, a dropped connection, a garbage
 * line, an error object mid-stream. Replies are taken from a script in
 * order; with nothing scripted it echoes the last user message.
 *
 * ```ts
 * await using server = await startFakeLlmServer({ style: "vllm" });
 * server.script({ chunks: ["Hel", "lo"], first_token_delay_ms: 20 });
 * // base_url: server.url  (ends in /v1)
 * ```
 *
 * @module
 */

import {
  contextRoute,
  processedPromptTokens,
  refuseChat,
  type ServerRules,
} from "./fake_llm_rules.ts";

/** Which server's quirks to imitate. */
export type LlmStyle = "llamacpp" | "openai" | "vllm" | "ollama";

/** One scripted answer to a `POST /v1/chat/completions`. */
export interface ScriptedReply {
  /** Content deltas, streamed in order (default: the echo reply). */
  chunks?: string[];
  /** Reasoning deltas, sent before the content. */
  reasoning?: string[];
  /** `field`: `reasoning_content`/`reasoning` (default); `think_tags`: inline `<think>…</think>`. */
  reasoning_as?: "field" | "think_tags";
  /** Overrides the server's style for this reply. */
  style?: LlmStyle;
  /** Milliseconds before the first chunk (after the headers when streaming). */
  first_token_delay_ms?: number;
  /** Milliseconds between chunks. */
  chunk_delay_ms?: number;
  /** Waits for this before the first chunk (or the whole answer). */
  gate?: Promise<unknown>;
  /** Fail with this HTTP status (body in the style's format unless `body` is given). */
  status?: number;
  body?: string | Record<string, unknown>;
  /** Extra response headers, e.g. `{ "retry-after": "1" }`. */
  headers?: Record<string, string>;
  /** After this many content chunks: stop sending, keep the connection open. */
  stall_after?: number;
  /** After this many content chunks: wait for `resume` before the rest. */
  pause_after?: number;
  resume?: Promise<unknown>;
  /** After this many content chunks: break the connection. */
  drop_after?: number;
  /** After this many content chunks: send `garbage` as a raw line. */
  garbage_after?: number;
  garbage?: string;
  /** After this many content chunks: send this error object in the style's way. */
  error_after?: number;
  error?: { message: string; type?: string; code?: number | string };
  finish_reason?: string;
  /** Reported usage; null sends none; default counts with `fakeTokenCount`. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** Send `data: [DONE]` at the end (default true). */
  done?: boolean;
  /** Line ending of the stream (default "\n"). */
  line_ending?: "\n" | "\r\n";
  /** Send `: keep-alive` comments between chunks. */
  keep_alive?: boolean;
  /** Write each event in two halves, a few ms apart. */
  split_writes?: boolean;
}

/** A request the server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when it is not JSON ("" for none). */
  body: unknown;
}

/** How the fake server behaves overall. */
export interface FakeLlmServerOptions {
  style?: LlmStyle;
  /** Listed by `/v1/models`; other models get a 404 (except in llama.cpp style). */
  models?: string[];
  /** When set, requests must carry `Authorization: Bearer <api_key>`. */
  api_key?: string;
  /** `/tokenize` dialect (default: llama.cpp's for llamacpp, vLLM's for vllm, none otherwise). */
  tokenize?: "llamacpp" | "vllm" | "none";
  /** Keep every request in `requests` (default true; benchmarks turn it off to save memory). */
  record_requests?: boolean;
  /** Rules of real servers it enforces (strict templates, a smaller context; see `fake_llm_rules.ts`). */
  rules?: ServerRules;
  /** The reply when nothing is scripted (default: `echo: <last user message>`, its last `name: …` part when merged). */
  default_reply?: (body: Record<string, unknown>) => ScriptedReply;
}

/** A running fake server. */
export interface FakeLlmServer extends AsyncDisposable {
  /** Base URL for the client, ending in `/v1`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[];
  /** The chat completion requests only. */
  chatRequests(): ReceivedRequest[];
  /** Queues replies for the next chat requests, in order. */
  script(...replies: ScriptedReply[]): void;
  /** Scripted replies not used yet. */
  readonly scripted: number;
  /** Streams still open: neither finished, dropped, nor cancelled by the client. */
  readonly openStreams: number;
  /** Chat completion requests received so far (counted even when not recorded). */
  readonly chatCount: number;
  /** Resolves once `count` chat requests have arrived. */
  waitForChatRequests(count: number): Promise<void>;
  /** Ends every open stream and stops listening. */
  close(): Promise<void>;
}

/** The fake's tokenizer: a word, a 1–3 digit group or a symbol is one token. */
export function fakeTokenCount(text: string): number {
  return text.match(/[A-Za-z]+|\d{1,3}|[^\sA-Za-z\d]/gu)?.length ?? 0;
}

/**
 * The text of a message's `content`: the string, or the `text` parts of
 * OpenAI content parts joined (image parts count as no text).
 */
export function contentText(content: unknown): string {
  if (!Array.isArray(content)) return String(content ?? "");
  return content.map((part) =>
    (part as { type?: unknown }).type === "text"
      ? String((part as { text?: unknown }).text ?? "")
      : ""
  ).join("");
}

/**
 * Why a message's content parts would be refused the way OpenAI and vLLM
 * refuse them (400), or null when they are fine: every part is `text` with
 * a string or `image_url` with `{ url }` that is http(s) or a base64 data
 * URL of an image, and only user messages carry images.
 */
export function contentPartsProblem(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  for (const [i, m] of messages.entries()) {
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (!Array.isArray(content)) continue;
    for (const [j, part] of content.entries()) {
      const p = part as { type?: unknown; text?: unknown; image_url?: unknown };
      if (p.type === "text" && typeof p.text === "string") continue;
      const url = (p.image_url as { url?: unknown } | undefined)?.url;
      if (p.type !== "image_url" || typeof url !== "string") {
        return `messages[${i}].content[${j}]: invalid content part`;
      }
      if (role !== "user") {
        return `messages[${i}]: image_url parts are only allowed in user messages`;
      }
      if (!/^(https?:\/\/|data:image\/(png|jpeg|gif|webp);base64,)/.test(url)) {
        return `messages[${i}].content[${j}].image_url.url: expected an http(s) URL or a base64 image data URL`;
      }
    }
  }
  return null;
}

/** The prompt size the fake reports: content tokens plus 4 per message plus 3. */
export function fakePromptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  return messages.reduce(
    (sum: number, m) =>
      sum + 4 +
      fakeTokenCount(contentText((m as { content?: unknown }).content)),
    3,
  );
}

const encoder = new TextEncoder();

function errorBody(
  style: LlmStyle,
  status: number,
  message: string,
  type: string,
  code?: string | number,
): Record<string, unknown> {
  switch (style) {
    case "llamacpp":
      return { error: { code: status, message, type } };
    case "vllm":
      return { object: "error", message, type, param: null, code: status };
    default:
      return { error: { message, type, param: null, code: code ?? null } };
  }
}

function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m.role === "user") return contentText(m.content);
  }
  return "";
}

/**
 * The echo answers the newest message: the bot merges consecutive user
 * messages (strict templates) with a blank line, so the last part of the last
 * user message is the one being answered.
 */
function echoReply(body: Record<string, unknown>): ScriptedReply {
  const text = lastUserText(body).split(/\n\n(?=[^\n]+: )/).at(-1) ?? "";
  const words = `echo: ${text}`.split(/(?<= )/);
  return { chunks: words };
}

/** Starts the fake server on a free loopback port. */
export function startFakeLlmServer(
  options: FakeLlmServerOptions = {},
): Promise<FakeLlmServer> {
  const style = options.style ?? "llamacpp";
  const models = options.models ?? ["test-model"];
  const tokenize = options.tokenize ??
    (style === "llamacpp" ? "llamacpp" : style === "vllm" ? "vllm" : "none");
  const requests: ReceivedRequest[] = [];
  const script: ScriptedReply[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const closers = new Set<() => void>();
  let closing = false;
  let closed: () => void = () => {};
  const closedPromise = new Promise<void>((resolve) => closed = resolve);
  let sequence = 0;
  let open = 0;
  let chatCount = 0;

  /** Waits `ms` or until `stop` resolves; true when it waited the full time. */
  function pause(ms: number, stop: Promise<void>): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      new Promise<boolean>((resolve) =>
        timer = setTimeout(() => resolve(true), ms)
      ),
      stop.then(() => false),
    ]).finally(() => clearTimeout(timer));
  }

  function json(
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ) {
    return new Response(JSON.stringify(payload), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
  }

  function chunkObject(
    id: string,
    model: string,
    choices: unknown[],
    extra: Record<string, unknown> = {},
  ) {
    return {
      id,
      object: "chat.completion.chunk",
      created: Math.floor(Date.now() / 1000),
      model,
      choices,
      ...extra,
    };
  }

  function reasoningField(s: LlmStyle): string {
    return s === "vllm" || s === "ollama" ? "reasoning" : "reasoning_content";
  }

  function streamReply(
    reply: ScriptedReply,
    s: LlmStyle,
    body: Record<string, unknown>,
  ): Response {
    const model = String(body.model ?? "");
    const id = `chatcmpl-${++sequence}`;
    const eol = reply.line_ending ?? "\n";
    const includeUsage =
      (body.stream_options as { include_usage?: unknown } | undefined)
        ?.include_usage === true;
    const content = reply.chunks ?? [];
    const reasoning = reply.reasoning ?? [];
    const pieces: Array<{ content?: string; reasoning?: string }> =
      reply.reasoning_as === "think_tags"
        ? [
          ...(reasoning.length > 0
            ? [
              { content: "<think>" },
              ...reasoning.map((r) => ({ content: r })),
              {
                content: "</think>\n\n",
              },
            ]
            : []),
          ...content.map((c) => ({ content: c })),
        ]
        : [
          ...reasoning.map((r) => ({ reasoning: r })),
          ...content.map((c) => ({ content: c })),
        ];
    const usage = reply.usage === undefined
      ? {
        prompt_tokens: processedPromptTokens(
          fakePromptTokens(body.messages),
          options.rules ?? {},
        ),
        completion_tokens: fakeTokenCount(
          content.join("") + reasoning.join(""),
        ),
        total_tokens: 0,
      }
      : reply.usage;
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => stop = resolve);

    let finish = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        open++;
        let ended = false;
        finish = () => {
          if (ended) return;
          ended = true;
          open--;
          closers.delete(end);
        };
        const end = () => {
          stop();
          finish();
          try {
            controller.error(new Error("closed by the fake server"));
          } catch { /* already closed */ }
        };
        closers.add(end);
        const write = async (text: string) => {
          if (reply.split_writes && text.length > 1) {
            const half = Math.floor(text.length / 2);
            controller.enqueue(encoder.encode(text.slice(0, half)));
            if (!await pause(3, stopped)) return false;
            controller.enqueue(encoder.encode(text.slice(half)));
            return true;
          }
          controller.enqueue(encoder.encode(text));
          return true;
        };
        const data = (payload: unknown) =>
          write(`data: ${JSON.stringify(payload)}${eol}${eol}`);
        const delta = (
          d: Record<string, unknown>,
          finish: string | null = null,
        ) =>
          data(
            chunkObject(id, model, [{
              index: 0,
              delta: d,
              finish_reason: finish,
            }]),
          );
        (async () => {
          if (reply.gate) await Promise.race([reply.gate, stopped]);
          if (!await pause(reply.first_token_delay_ms ?? 0, stopped)) return;
          if (s === "openai" || s === "vllm") {
            await delta({ role: "assistant", content: "" });
          }
          let sent = 0;
          for (const piece of pieces) {
            if (sent > 0 && !await pause(reply.chunk_delay_ms ?? 0, stopped)) {
              return;
            }
            if (sent === reply.stall_after) return await stopped;
            if (sent === reply.pause_after && reply.resume) {
              await Promise.race([reply.resume, stopped]);
            }
            if (sent === reply.drop_after) {
              finish();
              return controller.error(new Error("dropped"));
            }
            if (sent === reply.garbage_after) {
              await write(`${reply.garbage ?? "garbage"}${eol}`);
            }
            if (sent === reply.error_after) {
              const e = reply.error ?? { message: "generation failed" };
              const b = errorBody(
                s,
                Number(e.code ?? 500),
                e.message,
                e.type ?? "server_error",
                e.code,
              );
              if (s === "llamacpp") {
                await write(`error: ${JSON.stringify(b.error)}${eol}${eol}`);
              } else await data(s === "vllm" ? { error: b } : b);
              finish();
              return controller.close();
            }
            if (reply.keep_alive) await write(`: keep-alive${eol}${eol}`);
            const d: Record<string, unknown> = s === "ollama"
              ? { role: "assistant" }
              : {};
            if (piece.content !== undefined) d.content = piece.content;
            if (piece.reasoning !== undefined) {
              d[reasoningField(s)] = piece.reasoning;
            }
            if (!await delta(d)) return;
            sent++;
          }
          if (sent === reply.stall_after) return await stopped;
          if (sent === reply.drop_after) {
            finish();
            return controller.error(new Error("dropped"));
          }
          const finishReason = reply.finish_reason ?? "stop";
          if (s === "llamacpp") {
            await delta({ content: "" });
            await data(
              chunkObject(id, model, [{
                index: 0,
                delta: {},
                finish_reason: finishReason,
              }], {
                ...(usage ? { usage } : {}),
                timings: { predicted_n: 1 },
              }),
            );
          } else {
            await delta(s === "openai" ? {} : { content: "" }, finishReason);
            if (usage && includeUsage) {
              await data(chunkObject(id, model, [], { usage }));
            }
          }
          if (reply.done ?? true) await write(`data: [DONE]${eol}${eol}`);
          finish();
          controller.close();
        })().catch(() => {});
      },
      cancel() {
        stop();
        finish();
      },
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream", ...reply.headers },
    });
  }

  async function chat(
    body: Record<string, unknown>,
  ): Promise<Response> {
    const refusal = refuseChat(body, options.rules ?? {});
    if (refusal !== null) {
      return json(
        refusal.status,
        errorBody(style, refusal.status, refusal.message, "server_error"),
      );
    }
    const reply = script.shift() ?? (options.default_reply ?? echoReply)(body);
    const s = reply.style ?? style;
    if (reply.status !== undefined && reply.status >= 400) {
      if (reply.gate) await Promise.race([reply.gate, closedPromise]);
      await pause(reply.first_token_delay_ms ?? 0, closedPromise);
      const payload = reply.body ??
        errorBody(
          s,
          reply.status,
          `scripted failure ${reply.status}`,
          "server_error",
        );
      return typeof payload === "string"
        ? new Response(payload, {
          status: reply.status,
          headers: reply.headers ?? {},
        })
        : json(reply.status, payload, reply.headers);
    }
    const model = String(body.model ?? "");
    const partsProblem = contentPartsProblem(body.messages);
    if (partsProblem !== null) {
      return json(
        400,
        errorBody(s, 400, partsProblem, "invalid_request_error"),
      );
    }
    if (s !== "llamacpp" && !models.includes(model)) {
      const message = s === "ollama"
        ? `model "${model}" not found, try pulling it first`
        : `The model \`${model}\` does not exist.`;
      return json(
        404,
        errorBody(s, 404, message, "NotFoundError", "model_not_found"),
      );
    }
    if (body.stream === true) {
      return streamReply(reply, s, body);
    }
    if (reply.gate) await Promise.race([reply.gate, closedPromise]);
    await pause(reply.first_token_delay_ms ?? 0, closedPromise);
    const content = (reply.chunks ?? []).join("");
    const reasoning = (reply.reasoning ?? []).join("");
    const message: Record<string, unknown> = { role: "assistant", content };
    if (reasoning !== "") {
      if (reply.reasoning_as === "think_tags") {
        message.content = `<think>${reasoning}</think>\n\n${content}`;
      } else message[reasoningField(s)] = reasoning;
    }
    return json(200, {
      id: `chatcmpl-${++sequence}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{
        index: 0,
        message,
        finish_reason: reply.finish_reason ?? "stop",
      }],
      ...(reply.usage === null ? {} : {
        usage: reply.usage ?? {
          prompt_tokens: processedPromptTokens(
            fakePromptTokens(body.messages),
            options.rules ?? {},
          ),
          completion_tokens: fakeTokenCount(content + reasoning),
        },
      }),
    }, reply.headers);
  }

  function tokenizeRoute(body: Record<string, unknown>): Response {
    if (tokenize === "llamacpp") {
      const text = typeof body.content === "string" ? body.content : "";
      return json(200, {
        tokens: Array.from({ length: fakeTokenCount(text) }, (_, i) => i + 1),
      });
    }
    if (tokenize === "vllm" && typeof body.prompt === "string") {
      const count = fakeTokenCount(body.prompt);
      return json(200, {
        count,
        max_model_len: 8192,
        tokens: Array.from({ length: count }, (_, i) => i + 1),
      });
    }
    if (tokenize === "vllm") {
      return json(
        400,
        errorBody(
          "vllm",
          400,
          "1 validation error: prompt field required",
          "BadRequestError",
        ),
      );
    }
    return new Response("404 page not found", { status: 404 });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const raw = await request.text();
    let body: unknown = raw;
    try {
      body = raw === "" ? "" : JSON.parse(raw);
    } catch { /* keep the text */ }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => headers[name] = value);
    if (options.record_requests ?? true) {
      requests.push({
        method: request.method,
        path: url.pathname,
        headers,
        body,
      });
    }
    const record = typeof body === "object" && body !== null
      ? body as Record<string, unknown>
      : {};
    if (url.pathname === "/v1/chat/completions" && request.method === "POST") {
      chatCount++;
      for (const w of [...waiters]) {
        if (chatCount >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
    if (
      options.api_key !== undefined &&
      headers.authorization !== `Bearer ${options.api_key}`
    ) {
      return json(
        401,
        errorBody(
          style,
          401,
          "Invalid API Key",
          "authentication_error",
          "invalid_api_key",
        ),
      );
    }
    if (url.pathname === "/v1/chat/completions" && request.method === "POST") {
      return await chat(record);
    }
    const announced = contextRoute(
      request.method,
      url.pathname,
      style,
      models,
      options.rules ?? {},
    );
    if (announced !== null) return announced;
    if (url.pathname === "/v1/models" && request.method === "GET") {
      const owner = {
        llamacpp: "llamacpp",
        openai: "openai",
        vllm: "vllm",
        ollama: "library",
      }[style];
      return json(200, {
        object: "list",
        data: models.map((id) => ({
          id,
          object: "model",
          created: 0,
          owned_by: owner,
        })),
      });
    }
    if (url.pathname === "/tokenize" && request.method === "POST") {
      return tokenizeRoute(record);
    }
    return new Response("404 page not found", { status: 404 });
  }

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    onError: () => new Response("fake server error", { status: 500 }),
  }, handle);
  const origin = `http://127.0.0.1:${server.addr.port}`;

  async function close(): Promise<void> {
    if (closing) return await server.finished;
    closing = true;
    closed();
    for (const end of closers) end();
    closers.clear();
    await server.shutdown();
  }

  return Promise.resolve({
    url: `${origin}/v1`,
    origin,
    requests,
    chatRequests: () =>
      requests.filter((r) => r.path === "/v1/chat/completions"),
    script: (...replies) => void script.push(...replies),
    get scripted() {
      return script.length;
    },
    get openStreams() {
      return open;
    },
    get chatCount() {
      return chatCount;
    },
    waitForChatRequests(count) {
      if (chatCount >= count) {
        return Promise.resolve();
      }
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}
