/**
 * A `Store` wrapper for the fuzz tests: every call goes to the real store,
 * after its arguments are checked for ids that are not ids. Data stored
 * under `"undefined"` or `"[object Object]"` is data no user can export,
 * forget or reset, so a hostile payload must never get that far. It can
 * also make calls fail, as a full disk or a locked database would.
 *
 * @module
 */

import type { Store } from "../../src/store/store.ts";

const ID_FIELDS = new Set([
  "user_id",
  "channel_id",
  "guild_id",
  "author_id",
  "external_id",
]);
const SNOWFLAKE_OR_EMPTY = /^[0-9]*$/;
const BINDING_KEY = /^(dm|channel:[0-9]+|guild:[0-9]+:[0-9]+)$/;
const RATE_LIMIT_KEY = /^(user|channel):[0-9]+(:[^:]+)*$/;

/** Methods whose first argument is a bare id, and which id it is. */
const SINGLE_ID_ARGUMENT: Record<string, string> = {
  resetChannel: "channel_id",
  messagesOfUser: "user_id",
  forgetUser: "user_id",
  findMessageByExternalId: "external_id",
};

/** Problems found in the arguments of one call. */
function badIds(value: unknown, path: string, out: string[]): void {
  if (typeof value !== "object" || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    const where = `${path}.${key}`;
    if (ID_FIELDS.has(key)) {
      if (
        item !== null &&
        (typeof item !== "string" || !SNOWFLAKE_OR_EMPTY.test(item))
      ) {
        out.push(`${where} = ${JSON.stringify(String(item)).slice(0, 80)}`);
      }
    } else if (key === "binding_key") {
      if (typeof item !== "string" || !BINDING_KEY.test(item)) {
        out.push(`${where} = ${JSON.stringify(String(item)).slice(0, 80)}`);
      }
    } else badIds(item, where, out);
  }
}

/**
 * Wraps `store`; `problems` collects every bad id passed to it. A call
 * rejects with a storage error when `fail()` says so.
 */
export function idCheckingStore(
  store: Store,
  fail: () => boolean = () => false,
): {
  store: Store;
  problems: string[];
} {
  const problems: string[] = [];
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const found: string[] = [];
        args.forEach((arg, i) => badIds({ [`arg${i}`]: arg }, "", found));
        const single = SINGLE_ID_ARGUMENT[String(property)];
        if (single !== undefined) badIds({ [single]: args[0] }, "", found);
        if (
          (property === "getRateLimit" || property === "setRateLimit") &&
          !RATE_LIMIT_KEY.test(String(args[0]))
        ) found.push(`key = ${JSON.stringify(String(args[0])).slice(0, 80)}`);
        if (property === "hitRateLimits" && Array.isArray(args[0])) {
          for (const hit of args[0] as { key?: unknown }[]) {
            if (!RATE_LIMIT_KEY.test(String(hit.key))) {
              found.push(
                `key = ${JSON.stringify(String(hit.key)).slice(0, 80)}`,
              );
            }
          }
        }
        for (const problem of found) {
          problems.push(`${String(property)}(): ${problem}`);
        }
        if (property !== "close" && fail()) {
          return Promise.reject(new Error("database is locked (injected)"));
        }
        return value.apply(target, args);
      };
    },
  });
  return { store: wrapped, problems };
}
