/**
 * `deno task bench`: runs the benchmark suite (`bench/`) against the real
 * bot process, a fake Discord and a fake LLM server over loopback, prints
 * the table and writes `bench/last-run.json`.
 *
 * Flags: `--quick` (smaller, under a minute; writes nothing unless `--out`
 * is given), `--profile` (CPU profiles of the bot by component: the
 * overhead run through the inspector, the throughput window with V8's own
 * sampler, `--cpu-prof`; profiling slows the bot, so nothing is written;
 * see `bench/README.md`), `--out=FILE`, and
 * `--only=latency|throughput|idle` (one scenario's headline figures, nothing
 * written), `--store postgres` (the latency and throughput runs again with the bot on
 * PostgreSQL, in `details.postgres` beside the SQLite figures; the server
 * is `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`, else the local one).
 *
 * @module
 */

import { formatTable, rounded } from "../../bench/results.ts";
import { runScenario, runSuite, type ScenarioName } from "../../bench/suite.ts";
import { FULL, QUICK } from "../../bench/suite_sizes.ts";

const DEFAULT_OUT = new URL("../../bench/last-run.json", import.meta.url);

/** Runs the suite as the command line asks; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args = [...argv];
  const known =
    /^--(quick|profile|out=.+|store=(sqlite|postgres)|only=(latency|throughput|idle))$/;
  args = args.map((a, i) =>
    a === "--store" ? `--store=${args[i + 1] ?? ""}` : a
  ).filter((_, i) => args[i - 1] !== "--store");
  const unknown = args.filter((a) => !known.test(a));
  if (unknown.length > 0) {
    console.error(
      `Unknown argument ${
        unknown.map((a) => `"${a}"`).join(", ")
      }: use --quick, --profile, --out=FILE, --store postgres or --only=latency|throughput|idle`,
    );
    return 2;
  }
  const postgres = args.includes("--store=postgres");
  const quick = args.includes("--quick");
  const profile = args.includes("--profile");
  const out = args.find((a) => a.startsWith("--out="))?.slice(6);
  const size = quick ? QUICK : FULL;
  const only = args.find((a) => a.startsWith("--only="))?.slice(7);
  if (only !== undefined) {
    const figures = await runScenario(only as ScenarioName, size, {
      profile,
      log: (line) => console.log(line),
    });
    for (const [key, value] of Object.entries(figures)) {
      console.log(`${key.padEnd(26)} ${value.toFixed(2)}`);
    }
    return 0;
  }
  const results = await runSuite(size, {
    profile,
    postgres,
    log: (line) => console.log(line),
  });
  console.log("");
  for (const line of formatTable(results)) console.log(line);
  const pg = results.details["postgres"] as
    | Record<string, number>
    | undefined;
  if (pg !== undefined) {
    console.log("\nOn PostgreSQL (same scenarios):");
    for (
      const key of [
        "overhead_p50_ms",
        "overhead_p99_ms",
        "first_text_extra_ms",
        "turns_per_second",
        "cpu_ms_per_turn",
      ]
    ) {
      console.log(
        `  ${key.padEnd(22)} ${pg[key]?.toFixed(2)} (SQLite ${
          (key === "cpu_ms_per_turn"
            ? (results.details["throughput"] as Record<string, number>)[key]
            : results[key as "overhead_p50_ms"])?.toFixed(2)
        })`,
      );
    }
  }
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
