/**
 * The shape of `bench/last-run.json`, the targets (issues 7 and 16), and
 * the table `deno task bench` prints.
 *
 * @module
 */

import type { MachineInfo } from "./machine.ts";
import { round } from "./stats.ts";

/** Percentiles of one set of latency samples. */
export interface LatencySummary {
  samples: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Everything a run measured; the top-level numbers are the headline figures. */
export interface BenchResults {
  overhead_p50_ms: number;
  overhead_p99_ms: number;
  history_scaling_ratio: number;
  first_text_extra_ms: number;
  first_text_extra_p99_ms: number;
  /** Last token leaving the LLM → the complete text in Discord, p50. */
  final_text_extra_ms: number;
  /** Share of each request's messages equal to a prefix of the previous request's (long conversation, small budget). */
  prefix_reuse: number;
  turns_per_second: number;
  /** Bot CPU time (user + system) over the throughput run ÷ turns. */
  cpu_ms_per_turn: number;
  rss_mb: number;
  /** Bot resident memory started, connected, one channel bound, idle 10 s. */
  rss_mb_idle: number;
  /** Bot JS heap in use after the throughput run (not collected first). */
  heap_mb: number;
  chunker_mb_per_s: number;
  stream_chunker_mb_per_s: number;
  details: Record<string, unknown>;
  machine: MachineInfo;
}

/** A headline figure and its target. */
interface Row {
  key: keyof BenchResults;
  what: string;
  unit: string;
  /** "max": the value must be at most `target`; "min": at least. */
  goal?: "max" | "min";
  target?: number;
}

/** The headline figures in report order, with issue 7's targets. */
export const ROWS: readonly Row[] = [
  {
    key: "overhead_p50_ms",
    what: "MESSAGE_CREATE → LLM request, p50 (10k history)",
    unit: "ms",
  },
  {
    key: "overhead_p99_ms",
    what: "MESSAGE_CREATE → LLM request, p99 (10k history)",
    unit: "ms",
    goal: "max",
    target: 5,
  },
  {
    key: "history_scaling_ratio",
    what: "p50 at 100k stored ÷ p50 at 100 stored",
    unit: "×",
    goal: "max",
    target: 1.5,
  },
  {
    key: "first_text_extra_ms",
    what: "first token → first text in Discord, p50",
    unit: "ms",
    goal: "max",
    target: 25,
  },
  {
    key: "first_text_extra_p99_ms",
    what: "first token → first text in Discord, p99",
    unit: "ms",
  },
  {
    key: "final_text_extra_ms",
    what: "last token → complete text in Discord, p50",
    unit: "ms",
    goal: "max",
    target: 50,
  },
  {
    key: "prefix_reuse",
    what: "request messages equal to the previous request's prefix",
    unit: "",
    goal: "min",
    target: 0.8,
  },
  {
    key: "turns_per_second",
    what: "turns/s, 200 conversations, instant LLM",
    unit: "/s",
    goal: "min",
    target: 500,
  },
  {
    key: "cpu_ms_per_turn",
    what: "bot CPU (user + system) per turn, throughput run",
    unit: "ms",
    goal: "max",
    target: 1,
  },
  {
    key: "rss_mb",
    what: "bot resident memory after the throughput run",
    unit: "MB",
    goal: "max",
    target: 150,
  },
  {
    key: "rss_mb_idle",
    what: "bot resident memory, connected, one binding, idle 10 s",
    unit: "MB",
    goal: "max",
    target: 80,
  },
  {
    key: "heap_mb",
    what: "bot JS heap in use after the throughput run",
    unit: "MB",
  },
  {
    key: "chunker_mb_per_s",
    what: "splitMessage, markdown + code",
    unit: "MB/s",
  },
  {
    key: "stream_chunker_mb_per_s",
    what: "StreamChunker as the chunking stage uses it",
    unit: "MB/s",
  },
];

/** Whether a figure meets its target: true, false, or null without a target. */
export function meets(row: Row, value: number): boolean | null {
  if (row.target === undefined || row.goal === undefined) return null;
  return row.goal === "max" ? value <= row.target : value >= row.target;
}

/** The results with every number rounded for the JSON file. */
export function rounded(results: BenchResults): BenchResults {
  const walk = (value: unknown): unknown => {
    if (typeof value === "number") {
      return Number.isFinite(value) ? round(value, 3) : null;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v)]),
      );
    }
    return value;
  };
  return walk(results) as BenchResults;
}

function cell(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The report table as text lines (a Markdown table, readable in a terminal too). */
export function formatTable(results: BenchResults): string[] {
  const rows = ROWS.map((row) => {
    const value = results[row.key] as number;
    const ok = meets(row, value);
    return [
      row.key,
      `${cell(value)} ${row.unit}`,
      row.target === undefined
        ? "—"
        : `${row.goal === "max" ? "≤" : "≥"} ${row.target} ${row.unit}`,
      ok === null ? "—" : ok ? "yes" : "NO",
      row.what,
    ];
  });
  const header = ["metric", "value", "target", "met", "what"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0))
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const m = results.machine;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Deno ${m.deno} (V8 ${m.v8}), ${m.os}, ${m.date}`,
  ];
}
