/**
 * The real bot as a subprocess (`build/bot/main.js`, the bundle the `start`
 * task runs; `src/main.ts` when profiled), the way `tests/e2e/bot_harness.ts` runs it, with what benchmarks
 * need on top: the child's pid for `/proc` readings (resident memory, CPU
 * time), its Prometheus metrics (per-stage times), output kept to the last
 * 64 kB, a chosen log level, and optionally the V8 inspector for CPU
 * profiles.
 *
 * @module
 */

import { builtBotMain } from "../src/cli/build.ts";
import { readProcFile } from "./proc_files.ts";

const SOURCE_MAIN = new URL("../src/main.ts", import.meta.url).pathname;

const KEEP_OUTPUT = 64 * 1024;

/** How to start the bot. */
export interface BotProcessOptions {
  /** The folder holding the config and database (also the working directory). */
  dir: string;
  config_file: string;
  database_file: string;
  discord: { token: string; restBaseUrl: string; gatewayUrl: string };
  /** `LOG_LEVEL` (default `info`, what users run with). */
  log_level?: string;
  /** Start with `--inspect=127.0.0.1:0` so a CPU profile can be taken. */
  inspect?: boolean;
  /** Extra environment variables (experiments such as `MALLOC_ARENA_MAX`). */
  env?: Record<string, string>;
  /** Extra `deno run` flags (diagnostics such as `--preload=FILE`). */
  deno_args?: readonly string[];
}

/** A running bot process. */
export interface BotProcess extends AsyncDisposable {
  readonly pid: number;
  /** The last 64 kB the bot wrote, both streams. */
  output(): string;
  /** The inspector's WebSocket URL (with `inspect: true`), once printed. */
  inspectorUrl(): string | null;
  /** The bot's `/metrics` page (Prometheus text). */
  metrics(): Promise<string>;
  /** Resident memory in MB (`VmRSS` of `/proc/<pid>/status`). */
  rssMb(): Promise<number>;
  /** User + system CPU time used so far, in ms (`/proc/<pid>/stat`). */
  cpuMs(): Promise<number>;
  /** Sends `signal` (default SIGTERM) and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/**
 * The runtime flags (`--v8-flags=…`) of `deno task start` in deno.json, so
 * the measured bot runs as a user's does.
 */
async function startTaskFlags(): Promise<string[]> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ) as { tasks?: { start?: { command?: string } } };
  const command = config.tasks?.start?.command ?? "";
  return command.split(/\s+/).filter((word) => word.startsWith("--v8-flags="));
}

/** Resident set size of a process in MB, from `/proc/<pid>/status`. */
export async function readRssMb(pid: number): Promise<number> {
  const status = await readProcFile(`${pid}/status`);
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) {
    throw new Error(`Cannot read the memory of process ${pid}: no VmRSS line`);
  }
  return Number(match[1]) / 1024;
}

/**
 * The JS heap in use, MB, from the bot's `/metrics` page
 * (`nodejs_heap_size_used_bytes`: live objects and garbage not yet collected).
 */
export function heapUsedMb(metrics: string): number {
  const match = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(metrics);
  if (match === null) {
    throw new Error("The bot's /metrics has no nodejs_heap_size_used_bytes");
  }
  return Number(match[1]) / 2 ** 20;
}

/** CPU time (user + system) of a process in ms, from `/proc/<pid>/stat` (100 ticks/s). */
export async function readCpuMs(pid: number): Promise<number> {
  const stat = await readProcFile(`${pid}/stat`);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`Cannot read the CPU time of process ${pid}`);
  }
  return (utime + stime) * 10;
}

/** A loopback port that was free a moment ago (for the bot's health listener). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts the bot and waits until it has registered its slash commands. */
export async function startBotProcess(
  options: BotProcessOptions,
  registered: () => Promise<void>,
): Promise<BotProcess> {
  const args = ["run", "--allow-env", "--allow-net", "--allow-read"];
  args.push("--allow-write");
  if (options.inspect) args.push("--inspect=127.0.0.1:0");
  args.push(...await startTaskFlags());
  args.push(
    ...Deno.env.get("BENCH_DENO_ARGS")?.split(" ").filter(Boolean) ?? [],
  );
  args.push(...options.deno_args ?? []);
  // Profiles are read by source file (bench/cpu_components.ts), which the
  // minified bundle does not have: a profiled bot runs from the sources.
  const profiled = options.inspect === true ||
    (options.deno_args ?? []).some((arg) => arg.startsWith("--cpu-prof"));
  args.push(profiled ? SOURCE_MAIN : await builtBotMain());
  const healthPort = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.dir,
    env: {
      DISCORD_TOKEN: options.discord.token,
      DISCORD_API_BASE_URL: options.discord.restBaseUrl,
      DISCORD_GATEWAY_URL: options.discord.gatewayUrl,
      BOT_CONFIG: options.config_file,
      DATABASE_URL: `sqlite:${options.database_file}`,
      HEALTH_PORT: String(healthPort),
      HEALTH_HOST: "127.0.0.1",
      LOG_FORMAT: "json",
      LOG_LEVEL: options.log_level ?? "info",
      NO_COLOR: "1",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  let inspector: string | null = null;
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output = (output + text).slice(-KEEP_OUTPUT);
      if (inspector === null && options.inspect) {
        inspector = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ??
          null;
      }
    }
  };
  const pumps = [pump(child.stdout), pump(child.stderr)];
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  const bot: BotProcess = {
    pid: child.pid,
    output: () => output,
    inspectorUrl: () => inspector,
    async metrics() {
      const response = await fetch(`http://127.0.0.1:${healthPort}/metrics`);
      const text = await response.text();
      if (!response.ok) {
        throw new Error(
          `The bot's /metrics answered ${response.status}: ${
            text.slice(0, 200)
          }`,
        );
      }
      return text;
    },
    rssMb: () => readRssMb(child.pid),
    cpuMs: () => readCpuMs(child.pid),
    async stop(signal: Deno.Signal = "SIGTERM") {
      if (!exited) {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
      const { code } = await status;
      await Promise.all(pumps);
      return code;
    },
    async [Symbol.asyncDispose]() {
      await bot.stop();
    },
  };
  const early = status.then((s) => {
    throw new Error(
      `The bot exited with code ${s.code} before it was ready; it wrote:\n${output}`,
    );
  });
  early.catch(() => {}); // observed by the race below; later exits are expected
  try {
    await Promise.race([registered(), early]);
  } catch (error) {
    await bot.stop();
    throw error;
  }
  return bot;
}
