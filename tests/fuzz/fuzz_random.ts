/**
 * The fuzz tests' shared randomness: a seeded PRNG (mulberry32), pickers,
 * hostile strings, and `fuzzCases`, which runs a bounded number of cases,
 * each from its own seed, and names that seed when a case fails so it can
 * be replayed alone with `FUZZ_SEED=<seed> FUZZ_ONLY=1`. `FUZZ_ITERATIONS=N`
 * runs more (or fewer) cases; `FUZZ_SURVEY=1` runs them all and lists every
 * kind of failure with one seed each instead of stopping at the first.
 *
 * @module
 */

/** A source of floats in [0, 1). */
export type Random = () => number;

/** mulberry32: a small, fast, seeded PRNG. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One item of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error("Cannot pick from an empty list");
  return items[Math.floor(random() * items.length)] as T;
}

/** True with probability `p`. */
export function chance(random: Random, p: number): boolean {
  return random() < p;
}

/** Characters that break naive text handling. */
export const HOSTILE_CHARS: readonly string[] = [
  "\u200b", // zero-width space
  "\u200d", // zero-width joiner
  "\u2060", // word joiner
  "\ufeff", // byte order mark
  "\u202e", // right-to-left override
  "\u2067", // right-to-left isolate
  "\u0301", // combining acute accent
  "\u0336", // combining long stroke
  "\ud83d", // lone high surrogate
  "\ude00", // lone low surrogate
  "😀",
  "👨‍👩‍👧‍👦",
  "🇫🇷",
  "ش",
  "ß",
  "\t",
  "\r",
  "\n",
  "\r\n",
  "\0",
  "\u0085", // next line
  "\u2028", // line separator
  "\u2029", // paragraph separator
  " ",
  "é",
  "Ω",
  "\\",
  '"',
  "'",
  "`",
  "#",
  ":",
  "-",
  "{",
  "}",
  "[",
  "]",
  "&",
  "*",
  "!",
  "|",
  ">",
  "%",
  "@",
  "$",
  "<",
];

/** A string of `length` code points mixing ASCII and hostile characters. */
export function hostileString(random: Random, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out += chance(random, 0.5)
      ? String.fromCharCode(int(random, 0x20, 0x7e))
      : pick(random, HOSTILE_CHARS);
  }
  return out;
}

/** Random bytes. */
export function randomBytes(random: Random, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = int(random, 0, 255);
  return bytes;
}

/** Cuts `text` into pieces at random places (empty pieces included). */
export function randomPieces(random: Random, text: string): string[] {
  const pieces: string[] = [];
  let at = 0;
  while (at < text.length) {
    const size = chance(random, 0.1) ? 0 : int(random, 1, 12);
    pieces.push(text.slice(at, at + size));
    at += size;
  }
  return pieces;
}

/** What `fuzzCases` is told. */
export interface FuzzRun {
  /** The base seed; each case gets `seed + index`. `FUZZ_SEED` overrides it. */
  seed: number;
  /** How many cases. `FUZZ_ITERATIONS` overrides it. */
  iterations: number;
}

/** The first line of a failure with long numbers and quoted data blurred, to group alike failures. */
function failureClass(detail: string): string {
  return (detail.split("\n")[0] ?? "").replace(/ for [{"].*$/, "")
    .replace(/[0-9]{4,}/g, "N").slice(0, 160);
}

/**
 * Runs `iterations` cases of `check`, case `i` with a PRNG seeded
 * `seed + i`. A failure is rethrown naming the case's seed so it can be
 * replayed alone with `FUZZ_SEED=<case seed> FUZZ_ONLY=1`. With
 * `FUZZ_SURVEY=1` every case runs and the failures are grouped and printed
 * (one seed each) before the test fails: handy to see every bug at once.
 */
export async function fuzzCases(
  run: FuzzRun,
  check: (random: Random, index: number, seed: number) => void | Promise<void>,
): Promise<void> {
  const env = (name: string) => Deno.env.get(name);
  const seed = env("FUZZ_SEED") === undefined
    ? run.seed
    : Number(env("FUZZ_SEED"));
  const iterations = env("FUZZ_ONLY") === "1"
    ? 1
    : Number(env("FUZZ_ITERATIONS") ?? run.iterations);
  const survey = env("FUZZ_SURVEY") === "1";
  const classes = new Map<string, { count: number; seed: number }>();
  for (let index = 0; index < iterations; index++) {
    const caseSeed = seed + index;
    try {
      await check(mulberry32(caseSeed), index, caseSeed);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (survey) {
        const key = failureClass(detail);
        const known = classes.get(key);
        if (known === undefined) classes.set(key, { count: 1, seed: caseSeed });
        else known.count++;
        continue;
      }
      throw new Error(
        `fuzz case ${index} failed (seed ${caseSeed}; replay with FUZZ_SEED=${caseSeed} FUZZ_ONLY=1): ${detail}`,
        { cause: error },
      );
    }
  }
  if (classes.size > 0) {
    const lines = [...classes].map(([key, { count, seed }]) =>
      `${count}× (e.g. FUZZ_SEED=${seed}) ${key}`
    );
    throw new Error(`fuzz failures by kind:\n${lines.join("\n")}`);
  }
}
