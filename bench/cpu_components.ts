/**
 * A V8 CPU profile (`deno run --cpu-prof`, or the inspector's) summarised
 * by component of the bot: each sample is charged to the innermost frame
 * of its stack that belongs to the project (`src/…`) or to an npm package,
 * so time spent inside Deno's own `fetch`, streams or `node:sqlite` counts
 * for the code that called it. Samples with no such frame are Deno's
 * runtime on its own (promise continuations of fetch bodies, timers…),
 * garbage collection, or V8's `(program)`.
 *
 * Run on a saved profile: `deno run --allow-read bench/cpu_components.ts FILE`.
 *
 * @module
 */

import type { CpuProfile } from "./inspector.ts";

/** One component's share of the profile. */
export interface ComponentShare {
  component: string;
  /** Sampled CPU time, ms. */
  ms: number;
  /** Share of the busy time (idle left out), percent. */
  percent: number;
}

type Node = CpuProfile["nodes"][number];

/** Components by path prefix (the project's) or npm package, first match wins. */
const COMPONENTS: readonly [RegExp, string][] = [
  [/npm:@discordeno\/rest|\/@discordeno\/rest\//, "Discord REST (Discordeno)"],
  [/npm:@discordeno|\/@discordeno\//, "Discord gateway (Discordeno)"],
  [/npm:@logtape|\/@logtape\/|src\/log\//, "logging"],
  [
    /npm:prom-client|\/prom-client\/|npm:@opentelemetry|\/@opentelemetry\/|src\/observability\//,
    "metrics and traces",
  ],
  [/src\/store\//, "store (SQLite)"],
  [/src\/llm\//, "LLM client"],
  [/src\/chunker\//, "chunker"],
  [/src\/memory\//, "pipeline: memory"],
  [/src\/pipeline\/stages\/context/, "pipeline: context"],
  [/src\/pipeline\/stages\/generation/, "pipeline: generation"],
  [/src\/pipeline\/stages\/chunking/, "pipeline: chunking"],
  [/src\/pipeline\//, "pipeline: runner and other stages"],
  [/src\/discord\//, "Discord adapter (src/discord)"],
  [/src\/app\//, "app (src/app)"],
  [/npm:zod|\/zod\/|npm:yaml|\/yaml\/|src\/config\//, "config"],
  [/src\//, "other project code"],
  [/npm:|registry\.npmjs\.org/, "other npm packages"],
];

/** The component of a frame's URL, or null for Deno's and V8's own code. */
export function componentOf(url: string): string | null {
  if (url === "" || url.startsWith("ext:") || url.startsWith("node:")) {
    return null;
  }
  for (const [pattern, name] of COMPONENTS) {
    if (pattern.test(url)) return name;
  }
  return null;
}

/** The name for samples whose whole stack is Deno's or V8's own. */
function runtimeName(leaf: Node): string {
  const name = leaf.callFrame.functionName;
  if (name === "(garbage collector)") return "garbage collector";
  if (name === "(program)") return "V8 (program)";
  if (name === "(idle)") return "(idle)";
  const url = leaf.callFrame.url;
  if (url.includes("fetch") || url.includes("streams")) {
    return "Deno fetch/streams, no caller on the stack";
  }
  if (url.includes("http") || url.startsWith("ext:deno_net")) {
    return "Deno HTTP/net, no caller on the stack";
  }
  return "Deno runtime, other";
}

/**
 * Busy time by component, largest first; `fromUs`/`toUs` (profile clock)
 * keep only the samples inside that span.
 */
export function cpuComponents(
  profile: CpuProfile,
  span: { fromUs?: number; toUs?: number } = {},
): ComponentShare[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const memo = new Map<number, string>();
  const classify = (leafId: number): string => {
    const known = memo.get(leafId);
    if (known !== undefined) return known;
    let id: number | undefined = leafId;
    let found: string | null = null;
    while (id !== undefined && found === null) {
      const node = byId.get(id);
      if (node === undefined) break;
      found = componentOf(node.callFrame.url);
      id = parent.get(id);
    }
    const leaf = byId.get(leafId);
    const name = found ?? (leaf === undefined ? "?" : runtimeName(leaf));
    memo.set(leafId, name);
    return name;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const totals = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    const us = deltas[i + 1] ?? 0;
    if (span.fromUs !== undefined && t < span.fromUs) continue;
    if (span.toUs !== undefined && t > span.toUs) continue;
    const name = classify(samples[i] ?? -1);
    totals.set(name, (totals.get(name) ?? 0) + us);
  }
  totals.delete("(idle)");
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([component, us]) => ({
      component,
      ms: us / 1000,
      percent: busy === 0 ? 0 : (100 * us) / busy,
    }));
}

if (import.meta.main) {
  const file = Deno.args[0];
  if (file === undefined) {
    console.error(
      "Usage: deno run --allow-read bench/cpu_components.ts FILE [LAST_SECONDS]",
    );
    Deno.exit(2);
  }
  const profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
  const last = Number(Deno.args[1] ?? NaN);
  const span = Number.isFinite(last)
    ? { fromUs: profile.endTime - last * 1e6 }
    : {};
  for (const share of cpuComponents(profile, span)) {
    console.log(
      `${share.percent.toFixed(1).padStart(5)}%  ${
        share.ms.toFixed(0).padStart(6)
      } ms  ${share.component}`,
    );
  }
}
