/**
 * A playground over real HTTP for tests: the real services (runner,
 * pipeline, SQLite store on :memory:, LLM client) against the fake
 * OpenAI-compatible server, and a small SSE reader.
 */
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import type { BotServices } from "../../src/pipeline/bot_services.ts";
import type { Config } from "../../src/config/config_types.ts";
import { SecretRegistry } from "../../src/log/redact.ts";
import { ConfigStatusBoard } from "../../src/playground/config_status.ts";
import { startPlaygroundServer } from "../../src/playground/playground_server.ts";
import type { PlaygroundServer } from "../../src/playground/playground_server.ts";
import { PLAYGROUND_BOT_ID } from "../../src/playground/playground_turn.ts";
import type { StatusSource } from "../../src/playground/status_sampler.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { Store } from "../../src/store/store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import type { FakeLlmServer } from "../fakes/fake_llm_server.ts";

/** One server-sent event. */
export interface SentEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a whole event stream. */
export async function readEvents(response: Response): Promise<SentEvent[]> {
  const text = await response.text();
  return text.split("\n\n").filter((block) => block.includes("data: ")).map(
    (block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "{}");
      return { event, data };
    },
  );
}

/** A running playground and its parts. */
export interface PlaygroundHarness extends AsyncDisposable {
  llm: FakeLlmServer;
  store: Store;
  services: BotServices;
  board: ConfigStatusBoard;
  server: PlaygroundServer;
  /** POSTs a line with the token and returns its events. */
  line(body: Record<string, unknown>): Promise<SentEvent[]>;
  /** GET with the token. */
  get(path: string): Promise<Response>;
}

/** Starts everything; `config` gets the fake server's URL. */
export async function startPlaygroundHarness(
  config: (base_url: string) => Config,
  options: { status?: StatusSource; page_dir?: URL } = {},
): Promise<PlaygroundHarness> {
  const llm = await startFakeLlmServer();
  const store = await SqliteStore.open(":memory:");
  const loaded = config(llm.url);
  const services = createBotServices({
    config: loaded,
    store,
    bot_user_id: () => PLAYGROUND_BOT_ID,
  });
  const secrets = new SecretRegistry();
  secrets.add(loaded.secrets);
  const board = new ConfigStatusBoard("bot.config.yaml", loaded);
  const server = startPlaygroundServer({
    services,
    config_status: board,
    redact: (text) => secrets.redactText(text),
    port: 0,
    ...(options.status ? { status: options.status } : {}),
    ...(options.page_dir ? { page_dir: options.page_dir } : {}),
  });
  const headers = { "x-playground-token": server.token };
  return {
    llm,
    store,
    services,
    board,
    server,
    async line(body) {
      const response = await fetch(`${server.origin}/api/line`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({
          place: 0,
          user_id: "u1",
          user_name: "Ann",
          ...body,
        }),
      });
      return await readEvents(response);
    },
    get(path) {
      return fetch(`${server.origin}${path}`, { headers });
    },
    async [Symbol.asyncDispose]() {
      await server.close();
      await services.runner.shutdown(1000);
      await store.close();
      await llm.close();
    },
  };
}
