/**
 * A benchmark rig: the fake Discord (Discord's rate limits raised so they
 * never bind), the fake OpenAI-compatible server, an SQLite file pre-filled
 * with history (copied into PostgreSQL for `store: "postgres"`), and the real bot as a subprocess — plus taps that timestamp,
 * with `performance.now()` in this process, the three moments the
 * benchmarks measure between: a MESSAGE_CREATE leaving the fake gateway,
 * a chat request reaching the fake LLM, and a REST request from the bot
 * reaching the fake Discord.
 *
 * @module
 */

import { FakeDiscord } from "../tests/fakes/fake_discord/fake_discord.ts";
import type { RestRecord } from "../tests/fakes/fake_discord/types.ts";
import { startFakeLlmServer } from "../tests/fakes/fake_llm_server.ts";
import type {
  FakeLlmServer,
  ScriptedReply,
} from "../tests/fakes/fake_llm_server.ts";
import { benchConfig } from "./bench_config.ts";
import { type BotProcess, startBotProcess } from "./bot_process.ts";
import { fillHistory } from "./history_fill.ts";
import { copyToPostgres } from "./postgres_copy.ts";

/** The guild every benchmark channel is in. */
export const BENCH_GUILD = "500000000000000000";
/** The user who writes every benchmark message. */
export const BENCH_USER = "600000000000000001";

/** `count` channel ids, distinct per `prefix` (a digit 1–9). */
export function benchChannels(prefix: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `5${prefix}${String(i).padStart(16, "0")}`,
  );
}

/** What to start. */
export interface RigOptions {
  /** Channels to bind, each with this many stored messages of history. */
  channels: readonly { id: string; history: number }[];
  log_level?: string;
  inspect?: boolean;
  max_concurrency?: number;
  /** The budget every channel uses (default: 8192 tokens, 1024 reserved). */
  budget?: { context_tokens: number; reserve_tokens: number };
  /** Extra environment variables for the bot process. */
  env?: Record<string, string>;
  /** Extra `deno run` flags for the bot process. */
  deno_args?: readonly string[];
  /** Where the bot stores its data (default SQLite; see `postgres_copy.ts`). */
  store?: "sqlite" | "postgres";
}

/** A chat request as it reached the fake LLM. */
export interface LlmArrival {
  /** `performance.now()` when the fake server handed the request to us. */
  at: number;
  /** The last user message of the request (the new one). */
  last_user: string;
  body: Record<string, unknown>;
}

/** A message send or edit from the bot, as it reached the fake Discord. */
export interface BotWrite {
  at: number;
  kind: "send" | "edit";
  channel_id: string;
  content: string;
  /** For a send that replies to a message: that message's id. */
  reply_to: string | null;
}

/** A running rig; see the module doc. */
export interface BenchRig extends AsyncDisposable {
  readonly discord: FakeDiscord;
  readonly llm: FakeLlmServer;
  readonly bot: BotProcess;
  /** Seconds spent writing the stored history. */
  readonly fill_seconds: number;
  /** Chooses the fake LLM's reply to each chat request, at its arrival. */
  onLlmRequest(choose: (arrival: LlmArrival) => ScriptedReply): void;
  /** Told about every message send or edit of the bot, at its arrival. */
  onBotWrite(listener: ((write: BotWrite) => void) | null): void;
  /**
   * A user message mentioning the bot, dispatched as MESSAGE_CREATE; `at`
   * is taken right after the frame was handed to the gateway's socket.
   */
  send(channel_id: string, text: string): { id: string; at: number };
  /**
   * Stops the bot (SIGTERM, or SIGKILL to abandon running turns), then the
   * fakes, and removes the temporary folder. Throws when a SIGTERM'd bot
   * exits with an error.
   */
  close(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

const WRITE_ROUTES: Record<string, "send" | "edit"> = {
  "POST /channels/{channel}/messages": "send",
  "PATCH /channels/{channel}/messages/{message}": "edit",
};

/** Starts the fakes, pre-fills the store, and starts the bot. */
export async function startRig(options: RigOptions): Promise<BenchRig> {
  const discord = FakeDiscord.start({
    users: [{ id: BENCH_USER, username: "alice" }],
    guilds: [{
      id: BENCH_GUILD,
      name: "Bench guild",
      channels: options.channels.map((c, i) => ({ id: c.id, name: `b${i}` })),
    }],
    messageRateLimit: { limit: 1_000_000, windowMs: 1000 },
    globalRateLimit: { limit: 1_000_000, windowMs: 1000 },
  });
  let choose: (arrival: LlmArrival) => ScriptedReply = () => ({
    chunks: ["ok"],
  });
  let writeListener: ((write: BotWrite) => void) | null = null;
  const llm = await startFakeLlmServer({
    record_requests: false,
    default_reply: (body) => {
      const at = performance.now();
      return choose({ at, last_user: lastUserContent(body), body });
    },
  });
  tapRestRecords(discord, (record, at) => {
    const kind = record.route === null ? undefined : WRITE_ROUTES[record.route];
    if (kind === undefined || writeListener === null) return;
    if (record.status >= 300 || record.channelId === null) return;
    const body = record.body as {
      content?: unknown;
      message_reference?: { message_id?: unknown };
    } | null;
    const reply = body?.message_reference?.message_id;
    writeListener({
      at,
      kind,
      channel_id: record.channelId,
      content: typeof body?.content === "string" ? body.content : "",
      reply_to: typeof reply === "string" ? reply : null,
    });
  });

  const dir = await Deno.makeTempDir({ prefix: "bot-bench-" });
  let postgres: Awaited<ReturnType<typeof copyToPostgres>> | undefined;
  const cleanup = async () => {
    await llm.close();
    await discord.close();
    await Deno.remove(dir, { recursive: true });
    await postgres?.drop();
  };
  try {
    // data/bot.db beside the config, as the default DATABASE_URL has it: the
    // config watcher watches the config's folder, and a database in that same
    // folder would wake it on every write.
    await Deno.mkdir(`${dir}/data`);
    const database_file = `${dir}/data/bot.db`;
    const fillStart = performance.now();
    await fillHistory(
      database_file,
      options.channels.map((c) => ({
        channel_id: c.id,
        guild_id: BENCH_GUILD,
        messages: c.history,
      })),
      {
        user_id: BENCH_USER,
        user_name: "alice",
        bot_id: discord.botId,
        bot_name: "Helper",
        persona: "helper",
      },
    );
    if (options.store === "postgres") {
      postgres = await copyToPostgres(database_file);
    }
    const fill_seconds = (performance.now() - fillStart) / 1000;
    const config_file = `${dir}/bot.config.yaml`;
    await Deno.writeTextFile(
      config_file,
      benchConfig({
        llm_url: llm.url,
        channels: options.channels.map((c) => c.id),
        ...(options.max_concurrency === undefined
          ? {}
          : { max_concurrency: options.max_concurrency }),
        ...options.budget,
      }),
    );
    const registered = () =>
      discord.waitFor(
        () =>
          discord.requestsTo("PUT /applications/{application}/commands")
            .length > 0,
        30_000,
        "the bot to register its commands",
      ).then(() => {});
    const bot = await startBotProcess({
      dir,
      config_file,
      database_file,
      discord,
      ...(options.log_level ? { log_level: options.log_level } : {}),
      ...(options.inspect ? { inspect: true } : {}),
      env: {
        ...options.env,
        ...(postgres ? { DATABASE_URL: postgres.url } : {}),
      },
      ...(options.deno_args ? { deno_args: options.deno_args } : {}),
    }, registered);
    // The bot registers commands after READY; give GUILD_CREATE's channels a moment to settle.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rig: BenchRig = {
      discord,
      llm,
      bot,
      fill_seconds,
      onLlmRequest: (next) => void (choose = next),
      onBotWrite: (listener) => void (writeListener = listener),
      send(channel_id, text) {
        const message = discord.sendUserMessage({
          channelId: channel_id,
          authorId: BENCH_USER,
          content: `<@${discord.botId}> ${text}`,
        });
        return { id: message.id, at: performance.now() };
      },
      async close(signal: "SIGTERM" | "SIGKILL" = "SIGTERM") {
        const code = await bot.stop(signal);
        await cleanup();
        if (code !== 0 && signal === "SIGTERM") {
          throw new Error(
            `The bot exited with code ${code}; it wrote:\n${bot.output()}`,
          );
        }
      },
      [Symbol.asyncDispose]: () => rig.close(),
    };
    return rig;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The last user message of a chat request body ("" when there is none). */
function lastUserContent(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m.role === "user") return String(m.content ?? "");
  }
  return "";
}

/**
 * Calls `listener` with each REST record the moment the fake Discord
 * records it (right after answering the request), timestamped here.
 */
function tapRestRecords(
  discord: FakeDiscord,
  listener: (record: RestRecord, at: number) => void,
): void {
  const requests = discord.requests;
  const push = requests.push.bind(requests);
  requests.push = (...records: RestRecord[]) => {
    const at = performance.now();
    for (const record of records) listener(record, at);
    return push(...records);
  };
}
