/**
 * `deno task bench`: runs the benchmark suite (`bench/`) against the real
 * bot process, a fake Discord and a fake LLM server over loopback, prints
 * the table and writes `bench/last-run.json`.
 *
 * Flags: `--quick` (smaller, under a minute; writes nothing unless `--out`
 * is given), `--profile` (CPU profiles of the bot with its hot spots; the
 * inspector slows the bot, so nothing is written), `--out=FILE`.
 *
 * @module
 */

import { formatTable, rounded } from "../../bench/results.ts";
import { runSuite } from "../../bench/suite.ts";
import { FULL, QUICK } from "../../bench/suite_sizes.ts";

const DEFAULT_OUT = new URL("../../bench/last-run.json", import.meta.url);

/** Runs the suite as the command line asks; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const known = /^--(quick|profile|out=.+)$/;
  const unknown = args.filter((a) => !known.test(a));
  if (unknown.length > 0) {
    console.error(
      `Unknown argument ${
        unknown.map((a) => `"${a}"`).join(", ")
      }: use --quick, --profile or --out=FILE`,
    );
    return 2;
  }
  const quick = args.includes("--quick");
  const profile = args.includes("--profile");
  const out = args.find((a) => a.startsWith("--out="))?.slice(6);
  const size = quick ? QUICK : FULL;
  const results = await runSuite(size, {
    profile,
    log: (line) => console.log(line),
  });
  console.log("");
  for (const line of formatTable(results)) console.log(line);
  const target = out ?? (quick || profile ? null : DEFAULT_OUT);
  if (target !== null) {
    await Deno.writeTextFile(
      target,
      `${JSON.stringify(rounded(results), null, 2)}\n`,
    );
    console.log(`\nWrote ${target instanceof URL ? target.pathname : target}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
