/**
 * Runs the real bot the way a user does — `build/bot/main.js`, the bundle of
 * `src/main.ts` the `start` task builds and runs, as a subprocess — against the fake Discord and the fake
 * OpenAI-compatible server on loopback, with its own config and database
 * in a temporary folder.
 */
import { builtBotMain } from "../../src/cli/build.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import type {
  FakeLlmServer,
  FakeLlmServerOptions,
} from "../fakes/fake_llm_server.ts";
import type { FakeDiscord } from "../fakes/fake_discord/fake_discord.ts";
import type { FakeDiscordOptions } from "../fakes/fake_discord/options.ts";
import {
  ADMIN_ROLE,
  ALICE,
  CHANNEL,
  GUILD,
  OTHER_CHANNEL,
  startFake,
  THREAD,
} from "../fakes/fake_discord/test_support.ts";

export { ADMIN_ROLE, ALICE, CHANNEL, GUILD, OTHER_CHANNEL, THREAD };

/** The role Discord manages for the bot (present when the harness is given a `fake.botId`). */
export const BOT_ROLE = "400000000000000099";

/** Extra bound channels ("c0" … "c49") for concurrency and load tests. */
export const MANY_CHANNELS = Array.from(
  { length: 50 },
  (_, i) => `2100000000000000${String(i).padStart(2, "0")}`,
);

/** Additions inside the harness config's own sections (YAML fragments). */
export interface HarnessConfigParts {
  /** Lines added under `discord:` (indented by two spaces). */
  discord?: string;
  /** Fields added to the helper persona's flow mapping, e.g. `, vision: true`. */
  helper?: string;
  /** Fields added to the pirate persona's flow mapping, e.g. `, avatar_url: …`. */
  pirate?: string;
  /** Lines added to the first binding (indented by four spaces). */
  binding?: string;
  /** The first binding's trigger (default `[mention, reply]`). */
  trigger?: string;
  /** The local endpoint's `retries` (default 0). */
  retries?: number;
}

/** The config the bot runs with; `extra` is appended (YAML). */
export function harnessConfig(
  llm_url: string,
  extra = "",
  parts: HarnessConfigParts = {},
): string {
  return `version: 1
discord:
  token: \${DISCORD_TOKEN}
  commands: global
${parts.discord ?? ""}
endpoints:
  local: { base_url: "${llm_url}", retries: ${
    parts.retries ?? 0
  }, max_concurrency: 32, timeout: { first_token: 5s, idle: 5s, total: 30s } }
personas:
  helper: { display_name: Helper, endpoint: local, model: test-model, system_prompt: "You are Helper."${
    parts.helper ?? ""
  } }
  pirate: { display_name: Pirate, endpoint: local, model: test-model, system_prompt: "You are a pirate."${
    parts.pirate ?? ""
  } }
rate_limits:
  default: { per_user: 1000/minute, per_channel: 1000/minute }
bindings:
  - channels: ["${CHANNEL}", ${MANY_CHANNELS.map((c) => `"${c}"`).join(", ")}]
    persona: helper
    personas: [helper, pirate]
    trigger: ${parts.trigger ?? "[mention, reply]"}
${parts.binding ?? ""}
access:
  admin_roles: ["${ADMIN_ROLE}"]
${extra}`;
}

/** A running bot with its fakes. */
export interface BotHarness extends AsyncDisposable {
  discord: FakeDiscord;
  llm: FakeLlmServer;
  dir: string;
  /** Everything the bot wrote, both streams. */
  output(): string;
  /** Starts (or restarts) the bot process and waits until its commands are registered. */
  start(): Promise<void>;
  /** Sends SIGTERM and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  /** The bot process id, or null when it is not running. */
  pid(): number | null;
  /** Waits for the bot to exit by itself (at most `timeout_ms`) and returns its exit code. */
  exited(timeout_ms: number): Promise<number>;
  /** The system and user/assistant messages of the n-th chat request the LLM got. */
  llmMessages(index: number): { role: string; content: string }[];
}

/** Starts the fakes and the bot. */
export async function startHarness(
  options: {
    fake?: FakeDiscordOptions;
    configExtra?: string;
    configParts?: HarnessConfigParts;
    /** How the fake LLM server behaves (style, rules of real servers). */
    llm?: FakeLlmServerOptions;
    env?: Record<string, string>;
  } = {},
): Promise<BotHarness> {
  const botId = options.fake?.botId;
  const discord = startFake({
    ...options.fake,
    guilds: [{
      id: GUILD,
      name: "Test guild",
      channels: [
        { id: CHANNEL, name: "general" },
        { id: OTHER_CHANNEL, name: "random" },
        ...MANY_CHANNELS.map((id, i) => ({ id, name: `c${i}` })),
      ],
      threads: [{ id: THREAD, parentId: CHANNEL, name: "a thread" }],
      roles: [
        { id: ADMIN_ROLE, name: "admins", permissions: "8" },
        // With a fixed bot id, the bot gets its managed role, as Discord gives it.
        ...(botId ? [{ id: BOT_ROLE, name: "FakeBot", botId }] : []),
      ],
      memberRoles: {
        [ALICE]: [ADMIN_ROLE],
        ...(botId ? { [botId]: [BOT_ROLE] } : {}),
      },
    }],
  });
  const llm = await startFakeLlmServer(options.llm);
  const dir = await Deno.makeTempDir({ prefix: "bot-e2e-" });
  await Deno.writeTextFile(
    `${dir}/bot.config.yaml`,
    harnessConfig(llm.url, options.configExtra, options.configParts),
  );
  let child: Deno.ChildProcess | null = null;
  let output = "";
  let pumps: Promise<void>[] = [];

  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output += text;
    }
  };

  const harness: BotHarness = {
    discord,
    llm,
    dir,
    output: () => output,
    async start() {
      const registered =
        discord.requestsTo("PUT /applications/{application}/commands").length;
      child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-env",
          "--allow-net",
          "--allow-read",
          "--allow-write",
          await builtBotMain(),
        ],
        cwd: dir,
        env: {
          DISCORD_TOKEN: discord.token,
          DISCORD_API_BASE_URL: discord.restBaseUrl,
          DISCORD_GATEWAY_URL: discord.gatewayUrl,
          BOT_CONFIG: `${dir}/bot.config.yaml`,
          DATABASE_URL: `sqlite:${dir}/data/bot.db`,
          HEALTH_PORT: "0",
          LOG_FORMAT: "json",
          LOG_LEVEL: "debug",
          NO_COLOR: "1",
          ...options.env,
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      pumps = [pump(child.stdout), pump(child.stderr)];
      await discord.waitFor(
        () =>
          discord.requestsTo("PUT /applications/{application}/commands")
            .length > registered,
        15_000,
        "the bot to register its commands",
      ).catch((error) => {
        throw new Error(`${error.message}; the bot wrote:\n${output}`);
      });
    },
    async stop(signal: Deno.Signal = "SIGTERM") {
      if (child === null) return 0;
      const running = child;
      child = null;
      try {
        running.kill(signal);
      } catch {
        // already gone
      }
      const status = await running.status;
      await Promise.all(pumps);
      return status.code;
    },
    pid: () => child?.pid ?? null,
    async exited(timeout_ms) {
      const running = child;
      if (running === null) throw new Error("The bot is not running");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`The bot did not exit within ${timeout_ms} ms`)),
          timeout_ms,
        );
      });
      try {
        const status = await Promise.race([running.status, timeout]);
        child = null;
        await Promise.all(pumps);
        return status.code;
      } finally {
        clearTimeout(timer);
      }
    },
    llmMessages(index) {
      const body = llm.chatRequests()[index]?.body as {
        messages?: { role: string; content: string }[];
      } | undefined;
      return body?.messages ?? [];
    },
    async [Symbol.asyncDispose]() {
      await harness.stop();
      await llm.close();
      await discord.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
  await harness.start();
  return harness;
}

/** The bot's messages in a channel (not the users'). */
export function botMessages(h: BotHarness, channel: string) {
  return h.discord.messagesIn(channel).filter((m) =>
    m.authorId === h.discord.botId
  );
}

/** Polls an async probe every 20 ms until it returns a value, or rejects after `timeout_ms`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeout_ms: number,
  what: string,
): Promise<T> {
  const deadline = performance.now() + timeout_ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > deadline) {
      throw new Error(`Timed out after ${timeout_ms} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
