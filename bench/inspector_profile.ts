/**
 * `deno task bench --profile` for the latency run: a CPU profile of the bot
 * taken through its inspector around one scenario, summarised by
 * component, file and function (the inspector's own protocol events show
 * up as `op_inspector_*` and `inspector_network_bridge`: profiling
 * overhead, not the bot's).
 *
 * @module
 */

import type { BenchRig } from "./bench_rig.ts";
import { cpuComponents } from "./cpu_components.ts";
import { hotFiles, hotSpots, InspectorSession } from "./inspector.ts";

/** Runs `body` with a CPU profile of the rig's bot when asked, printing the hot spots. */
export async function profiled<T>(
  rig: BenchRig,
  options: { profile?: boolean; log?: (line: string) => void },
  what: string,
  body: () => Promise<T>,
): Promise<T> {
  const url = rig.bot.inspectorUrl();
  if (!options.profile || url === null) return await body();
  const session = await InspectorSession.connect(url);
  try {
    await session.startProfile(250);
    const result = await body();
    const profile = await session.stopProfile();
    const file = await Deno.makeTempFile({
      prefix: `bot-${what.replaceAll(" ", "-")}-`,
      suffix: ".cpuprofile",
    });
    await Deno.writeTextFile(file, JSON.stringify(profile));
    const log = options.log ?? (() => {});
    // Shares of the time the bot was busy (idle left out); the inspector's own
    // events (op_inspector_*, inspector_network_bridge) are profiling overhead.
    const total = hotFiles(profile, Infinity)
      .filter((s) => s.where !== "(idle)")
      .reduce((sum, s) => sum + s.self_ms, 0);
    const print = (spots: ReturnType<typeof hotSpots>) => {
      for (const spot of spots.filter((s) => s.where !== "(idle)")) {
        const share = total === 0 ? 0 : (100 * spot.self_ms) / total;
        log(`  ${share.toFixed(1).padStart(5)}%  ${spot.where}`);
      }
    };
    log(
      `\nCPU profile of the bot during ${what}, share of busy time (${file}):`,
    );
    log("  by component (time inside Deno's own code counts for its caller):");
    for (const share of cpuComponents(profile)) {
      log(`  ${share.percent.toFixed(1).padStart(5)}%  ${share.component}`);
    }
    log("  by file:");
    print(hotFiles(profile, 13));
    log("  by function:");
    print(hotSpots(profile, 21));
    return result;
  } finally {
    await session.close();
  }
}
