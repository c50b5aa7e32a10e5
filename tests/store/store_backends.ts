/**
 * The two store backends the contract suite runs against: SQLite on
 * `:memory:`, and PostgreSQL in a fresh schema of `TEST_DATABASE_URL` per
 * store (dropped when the store closes). A backend registers the suite's
 * tests under its name; the PostgreSQL one marks them ignored when no server
 * answers (after one line `skipped: PostgreSQL (…)`).
 *
 * @module
 */

import type { Store } from "../../src/store/store.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { PostgresStore } from "../../src/store/postgres_store.ts";
import { createTestSchema, testPostgresUrl } from "../support/test_postgres.ts";

/** What a contract test may ask of the store it opens. */
export interface BackendOptions {
  /** Messages deleted per statement by `pruneMessages`. */
  pruneBatchSize?: number;
}

/** A store under test that the test closes with `await using` or `close()`. */
export type TestStore = Store & AsyncDisposable;

/** One backend of the contract suite. */
export interface StoreBackend {
  /** "sqlite" or "postgres": prefixes every test name. */
  readonly name: string;
  /** A new, empty store with the repository's migrations applied. */
  open(options?: BackendOptions): Promise<TestStore>;
  /** Registers one contract test under the backend's name. */
  test(name: string, fn: (t: Deno.TestContext) => Promise<void> | void): void;
}

/** SQLite on `:memory:`: always available. */
export const sqliteBackend: StoreBackend = {
  name: "sqlite",
  open: (options = {}) => SqliteStore.open(":memory:", options),
  test: (name, fn) => Deno.test(`[sqlite] ${name}`, fn),
};

/**
 * PostgreSQL at `TEST_DATABASE_URL`, a fresh schema per store. Every test
 * is ignored when the server does not answer.
 */
export async function postgresBackend(): Promise<StoreBackend> {
  const url = await testPostgresUrl();
  return {
    name: "postgres",
    async open(options = {}) {
      if (url === null) throw new Error("PostgreSQL is not available");
      const schema = await createTestSchema(url);
      let store: PostgresStore;
      try {
        store = await PostgresStore.open(url, {
          ...options,
          schema: schema.schema,
          maxConnections: 4,
        });
      } catch (error) {
        await schema.drop();
        throw error;
      }
      return dropOnClose(store, schema.drop);
    },
    test: (name, fn) =>
      Deno.test({ name: `[postgres] ${name}`, ignore: url === null, fn }),
  };
}

/** The store, with `close()` (and disposal) also dropping its schema. */
function dropOnClose(
  store: PostgresStore,
  drop: () => Promise<void>,
): TestStore {
  let dropped: Promise<void> | undefined;
  const close = () => {
    dropped ??= store.close().then(drop);
    return dropped;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === "close" || property === Symbol.asyncDispose) {
        return close;
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
