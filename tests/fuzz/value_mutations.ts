/**
 * Mutations of plain objects for the payload fuzz tests: a random key
 * anywhere in the tree is deleted or its value replaced by one of another
 * type (bigint ↔ string ↔ number, null, booleans, lists, mappings, huge
 * strings), as a gateway event that lost a field or changed a type would.
 *
 * @module
 */

import { chance, hostileString, int, pick } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";

type Tree = Record<string, unknown> | unknown[];

/** A value of a random type, biased towards what breaks id handling. */
export function randomValue(random: Random, depth = 0): unknown {
  switch (int(random, 0, 13)) {
    case 0:
      return null;
    case 1:
      return chance(random, 0.5);
    case 2:
      return pick(random, [0, -1, 1.5, 2 ** 53 + 2, 1e21, -0]);
    case 3:
      return BigInt(int(random, 0, 2 ** 30)) * 10n ** 9n;
    case 4:
      return pick(random, [-1n, 0n, 2n ** 64n]);
    case 5:
      return String(int(random, 1, 2 ** 30)) + "123456789";
    case 6:
      return "";
    case 7:
      return hostileString(random, int(random, 1, 40));
    case 8:
      return "x".repeat(100_000);
    case 9:
      return depth > 2 ? [] : Array.from(
        { length: int(random, 0, 3) },
        () => randomValue(random, depth + 1),
      );
    case 10:
      return depth > 2 ? {} : { id: randomValue(random, depth + 1) };
    case 11:
      return {};
    case 12:
      return "<@900000000000000001> @everyone";
    default:
      return undefined;
  }
}

/** Every path to a value in `root` (objects and arrays, not into strings). */
function paths(
  root: unknown,
  prefix: (string | number)[] = [],
): (string | number)[][] {
  if (typeof root !== "object" || root === null) return [];
  const out: (string | number)[][] = [];
  for (const [key, value] of Object.entries(root)) {
    const path = [...prefix, Array.isArray(root) ? Number(key) : key];
    out.push(path, ...paths(value, path));
  }
  return out;
}

/** Applies one mutation in place: delete a key, or give it another value. */
export function mutateTree(random: Random, root: Tree): void {
  const all = paths(root);
  if (all.length === 0) return;
  const path = pick(random, all);
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown>)[segment];
  }
  const key = path[path.length - 1] as string | number;
  const holder = parent as Record<string | number, unknown>;
  if (chance(random, 0.35) && !Array.isArray(parent)) {
    delete holder[key];
  } else {
    holder[key] = randomValue(random);
  }
}

/** A deep copy of plain data, bigints kept. */
export function copyTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyTree) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, copyTree(v)]),
    ) as T;
  }
  return value;
}
