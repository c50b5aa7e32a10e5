/**
 * The benchmark suite: starts the rigs, runs every scenario, and gathers
 * the figures `bench/last-run.json` holds. Three bot processes are used: one
 * for latency (overhead at three history sizes, then time to first and
 * final text) with a store pre-filled with about half a million messages, a
 * fresh one for throughput, so the memory reading reflects that run alone,
 * and a small one that sits idle with one channel bound (`rss_mb_idle`) and
 * then holds one long conversation under a small budget (`prefix_reuse`).
 *
 * @module
 */

import { benchChannels, startRig } from "./bench_rig.ts";
import { measureChunkers } from "./chunker_bench.ts";
import { measureFirstText } from "./first_text_bench.ts";
import { idleRun } from "./idle_run.ts";
import { profiled } from "./inspector_profile.ts";
import { heapUsedMb } from "./bot_process.ts";
import { cpuProfFlags, printCpuProf } from "./cpu_prof_run.ts";
import { machineInfo } from "./machine.ts";
import { measureOverhead } from "./overhead_bench.ts";
import { stageMeansMs } from "./stage_times.ts";
import type { BenchResults, LatencySummary } from "./results.ts";
import { percentile } from "./stats.ts";
import type { SuiteSize } from "./suite_sizes.ts";
import { measureThroughput } from "./throughput_bench.ts";
import { TurnTracker } from "./turn_tracker.ts";

/** How to run the suite. */
export interface SuiteOptions {
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Take CPU profiles of the bot and print its hot spots (slows the bot down). */
  profile?: boolean;
  /**
   * Also run the overhead, first-text and throughput scenarios with the bot
   * on PostgreSQL (`--store postgres`), reported in `details.postgres`
   * beside the SQLite figures.
   */
  postgres?: boolean;
}

/** Which store a run's bot uses. */
type StoreKind = "sqlite" | "postgres";

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function summary(samples: readonly number[]): LatencySummary {
  return {
    samples: samples.length,
    p50_ms: percentile(samples, 50),
    p90_ms: percentile(samples, 90),
    p99_ms: percentile(samples, 99),
    max_ms: Math.max(...samples),
  };
}

/** Overhead at three history sizes, then time to first text, in one bot process. */
async function latencyRun(
  size: SuiteSize,
  options: SuiteOptions,
  store: StoreKind = "sqlite",
) {
  const log = (line: string) =>
    (options.log ?? (() => {}))(
      store === "sqlite" ? line : `[${store}] ${line}`,
    );
  const o = size.overhead;
  const f = size.first_text;
  const groups = {
    main: benchChannels(1, o.main.channels),
    small: benchChannels(2, o.small.channels),
    large: benchChannels(3, o.large.channels),
    first: benchChannels(4, f.channels),
    instant: benchChannels(5, f.channels),
  };
  const channels = [
    ...groups.main.map((id) => ({ id, history: o.main.history })),
    ...groups.small.map((id) => ({ id, history: o.small.history })),
    ...groups.large.map((id) => ({ id, history: o.large.history })),
    ...[...groups.first, ...groups.instant].map((id) => ({
      id,
      history: f.history,
    })),
  ];
  const stored = channels.reduce((sum, c) => sum + c.history, 0);
  log(`latency: storing ${stored} messages, starting the bot…`);
  const rig = await startRig({
    channels,
    store,
    ...(options.profile ? { inspect: true } : {}),
  });
  try {
    log(`latency: history written in ${rig.fill_seconds.toFixed(1)} s`);
    const tracker = new TurnTracker(rig);
    log("latency: overhead (MESSAGE_CREATE → LLM request)…");
    const metricsBefore = await rig.bot.metrics();
    const overhead = await profiled(
      rig,
      options,
      "the overhead run",
      () =>
        measureOverhead(rig, tracker, [
          { name: "main", channels: groups.main, samples: o.main.samples },
          { name: "small", channels: groups.small, samples: o.small.samples },
          { name: "large", channels: groups.large, samples: o.large.samples },
        ], {
          warmup_turns: o.warmup_turns,
          pace_ms: o.pace_ms,
          gap_ms: o.gap_ms,
          timeout_ms: size.timeout_ms,
          first_turn: 1,
        }),
    );
    const stages = stageMeansMs(metricsBefore, await rig.bot.metrics());
    log("latency: first text (first token → first POST)…");
    const firstText = await measureFirstText(rig, tracker, {
      channels: groups.first,
      samples: f.samples,
      warmup_turns: f.warmup_turns,
      pace_ms: f.pace_ms,
      gap_ms: f.gap_ms,
      timeout_ms: size.timeout_ms,
      first_turn: overhead.next_turn,
    });
    log("latency: first text with the first token in the response headers…");
    const instant = await measureFirstText(rig, tracker, {
      channels: groups.instant,
      samples: f.instant_samples,
      warmup_turns: 0,
      pace_ms: f.pace_ms,
      gap_ms: f.gap_ms,
      timeout_ms: size.timeout_ms,
      first_turn: firstText.next_turn,
      first_token_after_ms: 0,
    });
    tracker.cancelAll();
    return {
      final: firstText.final_samples,
      main: overhead.samples.main ?? [],
      small: overhead.samples.small ?? [],
      large: overhead.samples.large ?? [],
      first: firstText.samples,
      instant: instant.samples,
      stages,
      window_messages: mean(overhead.window_messages.main ?? []),
      rss_mb: await rig.bot.rssMb(),
      fill_seconds: rig.fill_seconds,
    };
  } finally {
    await rig.close();
  }
}

/** Many conversations at once against an instant LLM, in a fresh bot process. */
async function throughputRun(
  size: SuiteSize,
  options: SuiteOptions,
  store: StoreKind = "sqlite",
) {
  const log = (line: string) =>
    (options.log ?? (() => {}))(
      store === "sqlite" ? line : `[${store}] ${line}`,
    );
  const t = size.throughput;
  const channels = benchChannels(6, t.channels);
  log(`throughput: ${t.channels} conversations, starting the bot…`);
  // With --profile, V8's own sampler (cpu_prof_run.ts), written at exit.
  const prof = options.profile ? await cpuProfFlags() : null;
  const rig = await startRig({
    channels: channels.map((id) => ({ id, history: t.history })),
    // Discord's own limits (45 requests/s per bot) would cap this near 20 turns/s.
    env: { DISCORD_PACING: "off" },
    store,
    ...(prof ? { deno_args: prof.args } : {}),
  });
  let stopped = false;
  try {
    const tracker = new TurnTracker(rig);
    log(
      `throughput: ${t.warmup_ms / 1000} s warm-up, ${
        t.window_ms / 1000
      } s counted…`,
    );
    const result = await measureThroughput(rig, tracker, {
      channels,
      warmup_ms: t.warmup_ms,
      window_ms: t.window_ms,
      timeout_ms: size.timeout_ms,
      first_turn: 1,
    });
    const heap_mb = heapUsedMb(await rig.bot.metrics());
    if (prof !== null) {
      const started = performance.now();
      stopped = true;
      await rig.close("SIGTERM");
      await printCpuProf(prof.dir, {
        window_ms: t.window_ms,
        after_ms: performance.now() - started,
      }, log);
    }
    return { ...result, heap_mb };
  } finally {
    // 200 turns are still running; a graceful stop would take longer than the run.
    if (!stopped) await rig.close("SIGKILL");
  }
}

/** The scenarios `--only` can pick, for a quick look at one process's figures. */
export type ScenarioName = "latency" | "throughput" | "idle";

/**
 * Runs one scenario at `size` (`deno task bench --only=NAME`) and returns its
 * headline figures; nothing is written.
 */
export async function runScenario(
  name: ScenarioName,
  size: SuiteSize,
  options: SuiteOptions = {},
): Promise<Record<string, number>> {
  if (name === "throughput") {
    const t = await throughputRun(size, options);
    return {
      turns_per_second: t.turns_per_second,
      cpu_ms_per_turn: t.cpu_ms_per_turn,
      rss_mb: t.rss_mb,
      heap_mb: t.heap_mb,
      discord_writes_per_second: t.writes_per_second,
    };
  }
  if (name === "idle") {
    const i = await idleRun(size, options);
    return { rss_mb_idle: i.rss_mb_idle, prefix_reuse: i.prefix_reuse };
  }
  const l = await latencyRun(size, options);
  const main = summary(l.main);
  return {
    overhead_p50_ms: main.p50_ms,
    overhead_p99_ms: main.p99_ms,
    history_scaling_ratio: summary(l.large).p50_ms / summary(l.small).p50_ms,
    first_text_extra_ms: summary(l.first).p50_ms,
    final_text_extra_ms: summary(l.final).p50_ms,
  };
}

/** Runs every scenario at `size` and returns the figures. */
export async function runSuite(
  size: SuiteSize,
  options: SuiteOptions = {},
): Promise<BenchResults> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const machine = await machineInfo();
  const latency = await latencyRun(size, options);
  const throughput = await throughputRun(size, options);
  const idle = await idleRun(size, options);
  log(`chunkers: ${size.chunker.bytes / 1e6} MB of markdown and code…`);
  const chunkers = measureChunkers(size.chunker);
  const main = summary(latency.main);
  const small = summary(latency.small);
  const large = summary(latency.large);
  const first = summary(latency.first);
  const final = summary(latency.final);
  const postgres = options.postgres
    ? await postgresRuns(size, options)
    : undefined;
  return {
    overhead_p50_ms: main.p50_ms,
    overhead_p99_ms: main.p99_ms,
    history_scaling_ratio: large.p50_ms / small.p50_ms,
    first_text_extra_ms: first.p50_ms,
    first_text_extra_p99_ms: first.p99_ms,
    final_text_extra_ms: final.p50_ms,
    prefix_reuse: idle.prefix_reuse,
    turns_per_second: throughput.turns_per_second,
    cpu_ms_per_turn: throughput.cpu_ms_per_turn,
    rss_mb: throughput.rss_mb,
    rss_mb_idle: idle.rss_mb_idle,
    heap_mb: throughput.heap_mb,
    chunker_mb_per_s: chunkers.chunker_mb_per_s,
    stream_chunker_mb_per_s: chunkers.stream_chunker_mb_per_s,
    details: {
      size: size.name,
      overhead: {
        [`history_${size.overhead.main.history}`]: main,
        [`history_${size.overhead.small.history}`]: small,
        [`history_${size.overhead.large.history}`]: large,
        stage_mean_ms: latency.stages,
        request_messages_mean: latency.window_messages,
      },
      first_text: first,
      final_text: final,
      prefix: {
        turns: size.idle.prefix_turns,
        context_tokens: 2048,
        reserve_tokens: 512,
        steady_prefix_reuse: idle.steady_prefix_reuse,
        cold_requests: idle.cold_requests,
        max_request_messages: idle.max_request_messages,
      },
      first_text_instant: summary(latency.instant),
      latency_bot_rss_mb: latency.rss_mb,
      throughput: {
        conversations: size.throughput.channels,
        discord_pacing: "off",
        window_s: size.throughput.window_ms / 1000,
        turns: throughput.turns,
        cpu_ms_per_turn: throughput.cpu_ms_per_turn,
        cpu_cores_busy: throughput.cpu_cores_busy,
        discord_writes_per_second: throughput.writes_per_second,
      },
      chunker: {
        megabytes: size.chunker.bytes / 1e6,
        chunks: chunkers.chunks,
      },
      ...(postgres ? { postgres } : {}),
      seconds: (performance.now() - started) / 1000,
    },
    machine,
  };
}

/** The latency and throughput runs again with the bot on PostgreSQL. */
async function postgresRuns(size: SuiteSize, options: SuiteOptions) {
  const latency = await latencyRun(size, options, "postgres");
  const throughput = await throughputRun(size, options, "postgres");
  const main = summary(latency.main);
  const small = summary(latency.small);
  const large = summary(latency.large);
  const first = summary(latency.first);
  return {
    overhead_p50_ms: main.p50_ms,
    overhead_p99_ms: main.p99_ms,
    history_scaling_ratio: large.p50_ms / small.p50_ms,
    first_text_extra_ms: first.p50_ms,
    first_text_extra_p99_ms: first.p99_ms,
    turns_per_second: throughput.turns_per_second,
    cpu_ms_per_turn: throughput.cpu_ms_per_turn,
    rss_mb: throughput.rss_mb,
    stage_mean_ms: latency.stages,
    history_copy_seconds: latency.fill_seconds,
  };
}
