/**
 * A minimal Chrome DevTools Protocol client for the bot process started with
 * `--inspect`: CPU profiles (`Profiler.*`) summarised as self time per
 * function, and heap figures (`Runtime.getHeapUsage`, forced GC). Used by
 * `deno task bench --profile` to find the bot's hot spots.
 *
 * @module
 */

/** A V8 CPU profile as the Profiler domain returns it. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: {
      functionName: string;
      url: string;
      lineNumber: number;
      columnNumber: number;
    };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One line of a profile summary. */
export interface HotSpot {
  /** `function (file:line)`, the file relative to the project when inside it. */
  where: string;
  self_ms: number;
  /** Share of the profile's sampled time, in percent. */
  percent: number;
}

/** A connected inspector session. */
export class InspectorSession {
  readonly #socket: WebSocket;
  readonly #pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  #next = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        result?: unknown;
        error?: { message?: string };
      };
      if (message.id === undefined) return;
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) {
        waiter?.reject(
          new Error(`Inspector call failed: ${message.error.message}`),
        );
      } else waiter?.resolve(message.result);
    };
  }

  /** Connects to the inspector WebSocket `url` (as printed by `--inspect`). */
  static connect(url: string): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.onopen = () => resolve(new InspectorSession(socket));
      socket.onerror = () =>
        reject(new Error(`Cannot connect to the bot's inspector at ${url}`));
    });
  }

  /** Calls a protocol method and waits for its result. */
  call<T = unknown>(
    method: string,
    params: Record<string, unknown> = {},
  ): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (v) => resolve(v as T),
        reject,
      });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Starts sampling the CPU every `interval_us` microseconds. */
  async startProfile(interval_us = 250): Promise<void> {
    await this.call("Profiler.enable");
    await this.call("Profiler.setSamplingInterval", { interval: interval_us });
    await this.call("Profiler.start");
  }

  /** Stops sampling and returns the profile. */
  async stopProfile(): Promise<CpuProfile> {
    const { profile } = await this.call<{ profile: CpuProfile }>(
      "Profiler.stop",
    );
    await this.call("Profiler.disable");
    return profile;
  }

  /** Heap in use and reserved, in MB; with `gc`, after a full collection. */
  async heapMb(gc = false): Promise<{ used: number; total: number }> {
    if (gc) await this.call("HeapProfiler.collectGarbage");
    const usage = await this.call<{ usedSize: number; totalSize: number }>(
      "Runtime.getHeapUsage",
    );
    return { used: usage.usedSize / 2 ** 20, total: usage.totalSize / 2 ** 20 };
  }

  /** Closes the connection and waits until it is closed. */
  close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.onclose = () => resolve();
      this.#socket.close();
    });
  }
}

type CallFrame = CpuProfile["nodes"][number]["callFrame"];

/** A call frame's file, shortened to the project's paths or the package name. */
function fileOf(frame: CallFrame): string {
  const root = new URL("../", import.meta.url).href;
  const url = frame.url;
  if (url.startsWith(root)) return url.slice(root.length);
  const npm = /registry\.npmjs\.org\/(.+?)\/dist\/(.+)$/.exec(url);
  return npm ? `npm:${npm[1]}/${npm[2]}` : url;
}

/**
 * `function (file:line)`, or V8's own names such as `(garbage collector)`.
 * TypeScript files get no line: V8 sees the transpiled JavaScript.
 */
function functionOf(frame: CallFrame): string {
  const name = frame.functionName || "(anonymous)";
  const file = fileOf(frame);
  if (file === "") return name;
  return file.endsWith(".ts")
    ? `${name} (${file})`
    : `${name} (${file}:${frame.lineNumber + 1})`;
}

/** The file, or V8's own names for time outside any script. */
function fileKey(frame: CallFrame): string {
  return fileOf(frame) || frame.functionName || "(native)";
}

/** Self time per key (function by default), largest first: the `top` entries. */
export function hotSpots(
  profile: CpuProfile,
  top = 20,
  keyOf: (frame: CallFrame) => string = functionOf,
): HotSpot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] ?? -1);
    // timeDeltas[i] is the time before sample i; the next one is the time spent in it.
    const us = deltas[i + 1] ?? 0;
    if (node === undefined) continue;
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => ({
      where,
      self_ms: us / 1000,
      percent: total === 0 ? 0 : (100 * us) / total,
    }));
}

/** Self time per source file (or npm package file), largest first. */
export function hotFiles(profile: CpuProfile, top = 15): HotSpot[] {
  return hotSpots(profile, top, fileKey);
}
