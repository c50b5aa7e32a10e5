/**
 * A bot split over processes, as README "Scaling out" runs it: one REST
 * proxy (`src/cli/rest.ts`) in front of the fake Discord, and gateway
 * processes (`src/main.ts`) that each own a shard range, share one
 * PostgreSQL database and send every REST call through the proxy (they get
 * no `DISCORD_API_BASE_URL`, so a call of their own would go nowhere).
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

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
