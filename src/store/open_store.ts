/**
 * Opens the store named by `DATABASE_URL` (see CONFIG.md): `sqlite:PATH`, a
 * bare path, `:memory:` / `sqlite::memory:`, nothing for the default
 * `sqlite:data/bot.db`, or `postgres://…` / `postgresql://…` for PostgreSQL
 * (pool size from `DATABASE_POOL_SIZE`, default 10).
 *
 * @module
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Store } from "./store.ts";
import { StoreError } from "./store_error.ts";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite_store.ts";
import { describePostgresUrl } from "./postgres_url.ts";

/** The database used when `DATABASE_URL` is unset or empty. */
export const DEFAULT_DATABASE_URL = "sqlite:data/bot.db";

/** A parsed `DATABASE_URL`: which driver, and where. */
export type DatabaseLocation = SqliteLocation | PostgresLocation;

/** An SQLite database file, or `:memory:`. */
export interface SqliteLocation {
  driver: "sqlite";
  /** The file path as given (relative to the working directory), or `:memory:`. */
  path: string;
  /** True for `:memory:`: nothing survives the process. */
  memory: boolean;
}

/** A PostgreSQL database. */
export interface PostgresLocation {
  driver: "postgres";
  /** The URL as given, password included: never print it. */
  url: string;
  /** The URL without password or query, safe to print. */
  display: string;
}

/**
 * Raised when `DATABASE_URL` names a database the bot cannot use. The message
 * never repeats a URL that could hold a password: only its scheme.
 */
export class DatabaseUrlError extends Error {
  /** Creates the error; `options.cause` keeps the underlying error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatabaseUrlError";
  }
}

const MEMORY = ":memory:";
/** A URL scheme: two or more characters, so `C:\data\bot.db` stays a path. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * Parses a `DATABASE_URL` without touching the disk. `sqlite:PATH` and
 * `sqlite://PATH` name a path relative to the working directory
 * (`sqlite:///abs/bot.db` an absolute one), `file:///abs/bot.db` a file URL,
 * a value without a scheme is a path, and `postgres://user:password@host:port/db`
 * (or `postgresql://`) a PostgreSQL database. Throws a {@link DatabaseUrlError}
 * for other schemes, query strings on a file, and a PostgreSQL URL that does
 * not parse (without repeating it).
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseLocation {
  const value = url?.trim() || DEFAULT_DATABASE_URL;
  if (value === MEMORY) return memory();
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return file(value);
  const rest = value.slice(scheme.length + 1);
  switch (scheme) {
    case "sqlite": {
      if (rest === MEMORY) return memory();
      const path = rest.startsWith("//") ? rest.slice(2) : rest;
      if (path === "") {
        throw new DatabaseUrlError(
          `Cannot use DATABASE_URL "${value}": it names no file; write sqlite:PATH, e.g. ${DEFAULT_DATABASE_URL}`,
        );
      }
      return path === MEMORY ? memory() : file(path);
    }
    case "file":
      try {
        return file(fileURLToPath(value));
      } catch (error) {
        throw new DatabaseUrlError(
          `Cannot use DATABASE_URL "${value}": it is not a valid local file URL (${
            error instanceof Error ? error.message : String(error)
          }); write sqlite:PATH instead`,
          { cause: error },
        );
      }
    case "postgres":
    case "postgresql":
      return postgresLocation(value, scheme);
    default:
      throw new DatabaseUrlError(
        `Cannot use DATABASE_URL: the scheme "${scheme}:" is not supported; write sqlite:PATH (e.g. ${DEFAULT_DATABASE_URL}), a bare file path, or :memory:`,
      );
  }
}

/**
 * Opens the store `DATABASE_URL` names (see {@link parseDatabaseUrl}), creating
 * the database file's folder if it is missing and applying pending
 * migrations. Rejects with a `DatabaseUrlError`, a `MigrationError` or a
 * `StoreError` that says what is wrong.
 */
export async function openStore(
  databaseUrl: string | undefined,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const location = parseDatabaseUrl(databaseUrl);
  if (location.driver === "postgres") {
    // Loaded only here: a bot on SQLite never carries the driver (about 8 MB).
    const { PostgresStore } = await import("./postgres_store.ts");
    return await PostgresStore.open(location.url, {
      ...postgresOptions(options),
      maxConnections: poolSize(),
      synchronousCommit: Deno.env.get("DATABASE_SYNCHRONOUS_COMMIT") === "on",
    });
  }
  if (!location.memory) {
    const folder = dirname(location.path);
    try {
      await Deno.mkdir(folder, { recursive: true });
    } catch (error) {
      throw new StoreError(
        `Cannot create the folder ${folder} for the database ${location.path}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    }
  }
  return await SqliteStore.open(location.path, options);
}

function memory(): DatabaseLocation {
  return { driver: "sqlite", path: MEMORY, memory: true };
}

function file(path: string): DatabaseLocation {
  if (path.includes("?")) {
    throw new DatabaseUrlError(
      `Cannot use DATABASE_URL: query parameters (the part after "?") are not supported; write sqlite:PATH with the plain file path`,
    );
  }
  return { driver: "sqlite", path, memory: false };
}

function postgresLocation(value: string, scheme: string): PostgresLocation {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch (error) {
    throw new DatabaseUrlError(
      `Cannot use DATABASE_URL: it starts with ${scheme}:// but is not a valid URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters in the password)`,
      { cause: error },
    );
  }
  if (parsed.hostname === "" || parsed.pathname.length <= 1) {
    throw new DatabaseUrlError(
      `Cannot use DATABASE_URL: ${describePostgresUrl(value)} names no ${
        parsed.hostname === "" ? "host" : "database"
      }; write postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
    );
  }
  return {
    driver: "postgres",
    url: value,
    display: describePostgresUrl(value),
  };
}

/** The options of an SQLite store that also mean something to PostgreSQL. */
function postgresOptions(options: SqliteStoreOptions) {
  const { busyTimeoutMs: _unused, ...rest } = options;
  return rest;
}

/** `DATABASE_POOL_SIZE`: connections per process (default 10). */
function poolSize(): number {
  const value = Number(Deno.env.get("DATABASE_POOL_SIZE") ?? "10");
  return Number.isInteger(value) && value > 0 ? value : 10;
}
