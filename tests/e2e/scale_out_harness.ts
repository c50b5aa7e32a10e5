/**
 * A bot split over processes, as README "Scaling out" runs it: one REST
 * proxy (`src/cli/rest.ts`) in front of the fake Discord, and gateway
 * processes (`build/bot/main.js`, the bundle `start` runs) that each own a
 * shard range, share one PostgreSQL database and send every REST call through the proxy (they get
 * no `DISCORD_API_BASE_URL`, so a call of their own would go nowhere).
 *
 * @module
 */

import postgres from "postgres";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Guilds of the load, 10 per shard. */
export const GUILDS = 40;
/** Messages per guild. */
export const PER_GUILD = 5;
/** The user of the load. */
export const ALICE = "300000000000000001";
/** The user whose rate limit is counted across processes. */
export const BOB = "300000000000000002";
/** `DISCORD_REST_SECRET` of the test. */
export const SECRET = "rest-secret-for-the-test";

/** Guild i lands on shard i % 4: its id's top bits are 200_000_000_000 + i. */
export function guildId(i: number): string {
  return String((200_000_000_000n + BigInt(i)) << 22n);
}
/** The one channel of guild i. */
export function channelId(i: number): string {
  return String(((200_000_000_000n + BigInt(i)) << 22n) + 1n);
}
/** Two more guilds, on shards 0 and 2, bound with a strict per-user limit. */
export const STRICT = [GUILDS, GUILDS + 2] as const;

/** The one YAML every gateway process reads; the system prompt names the process. */
export function scaleOutConfig(llmUrl: string): string {
  const channels = Array.from(
    { length: GUILDS },
    (_, i) => `"${channelId(i)}"`,
  );
  return `version: 1
discord:
  token: \${DISCORD_TOKEN}
  commands: global
endpoints:
  local: { base_url: "${llmUrl}", retries: 0, max_concurrency: 64, max_queue: 256, timeout: { first_token: 90s, idle: 30s, total: 120s } }
personas:
  helper: { display_name: Helper, endpoint: local, model: test-model, system_prompt: "You are Helper on \${GATEWAY_NAME}." }
rate_limits:
  default: { per_user: 10000/minute, per_channel: 10000/minute }
  strict: { per_user: 3/hour, per_channel: 10000/minute }
bindings:
  - channels: [${channels.join(", ")}]
    persona: helper
    trigger: [mention]
  - channels: [${STRICT.map((i) => `"${channelId(i)}"`).join(", ")}]
    persona: helper
    trigger: [mention]
    rate_limit: strict
`;
}

/** A child process with its output collected. */
export interface Child {
  readonly name: string;
  output(): string;
  /** Sends the signal and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/** Spawns `deno run` on a file of the repository with `env`. */
export function spawnDeno(
  name: string,
  file: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Child {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      `${ROOT}${file}`,
      ...args,
    ],
    cwd,
    env: { NO_COLOR: "1", LOG_FORMAT: "json", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output += text;
    }
  };
  const pumps = [pump(child.stdout), pump(child.stderr)];
  let stopped: Promise<number> | undefined;
  return {
    name,
    output: () => output,
    stop(signal: Deno.Signal = "SIGTERM") {
      stopped ??= (async () => {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
        const status = await child.status;
        await Promise.all(pumps);
        return status.code;
      })();
      return stopped;
    },
  };
}

/** A free loopback port (bound, read, released). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Polls `probe` every 50 ms until it is truthy, or throws after `timeout_ms`. */
export async function until<T>(
  probe: () =>
    | Promise<T | undefined | null | false>
    | T
    | undefined
    | null
    | false,
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
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** GETs a URL and returns status and body, or null when nothing answers. */
export async function get(
  url: string,
): Promise<{ status: number; body: string } | null> {
  try {
    const response = await fetch(url);
    return { status: response.status, body: await response.text() };
  } catch {
    return null;
  }
}

/**
 * The contents of the user messages whose turns the database at `url` still
 * has `waiting` or `running`: a process killed now would find these open.
 */
export async function openTurns(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ content: string }[]>`SELECT m.content
      FROM turns t JOIN messages m ON m.id = t.message_id
      WHERE t.state IN ('waiting', 'running') ORDER BY t.message_id`;
    return rows.map((row) => row.content);
  } finally {
    await sql.end({ timeout: 1 });
  }
}
