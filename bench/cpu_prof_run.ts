/**
 * The throughput run's CPU profile for `deno task bench --profile`, taken
 * with V8's own sampler (`deno run --cpu-prof`) rather than the inspector,
 * whose protocol traffic would show up in the profile itself. The bot
 * writes the profile when it exits, so the run ends with a graceful stop;
 * only the samples of the counted window are summarised, by component.
 *
 * @module
 */

import { cpuComponents } from "./cpu_components.ts";
import type { CpuProfile } from "./inspector.ts";

/** A folder for the profile and the `deno run` flags that write it there. */
export async function cpuProfFlags(): Promise<{ dir: string; args: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "bot-cpu-prof-" });
  return { dir, args: ["--cpu-prof", `--cpu-prof-dir=${dir}`] };
}

/**
 * Prints the components of the profile in `dir` over the counted window:
 * the `window_ms` that ended `after_ms` before the profile did (the
 * shutdown). Returns the profile's path.
 */
export async function printCpuProf(
  dir: string,
  span: { window_ms: number; after_ms: number },
  log: (line: string) => void,
): Promise<string | null> {
  let file: string | null = null;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".cpuprofile")) file = `${dir}/${entry.name}`;
  }
  if (file === null) {
    log("\nThe bot wrote no CPU profile (it did not exit normally).");
    return null;
  }
  const profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
  const toUs = profile.endTime - span.after_ms * 1000;
  const shares = cpuComponents(profile, {
    fromUs: toUs - span.window_ms * 1000,
    toUs,
  });
  log(
    `\nCPU profile of the bot during the throughput window, share of busy time by component (${file}):`,
  );
  for (const share of shares) {
    log(
      `  ${share.percent.toFixed(1).padStart(5)}%  ${
        share.ms.toFixed(0).padStart(6)
      } ms  ${share.component}`,
    );
  }
  return file;
}
