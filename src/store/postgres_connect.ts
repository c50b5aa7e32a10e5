/**
 * Connecting to PostgreSQL with postgres.js (`npm:postgres`): a pool of
 * connections with prepared statements, `bigint` parsed into numbers, and
 * the errors of the first connection turned into one line that says what is
 * wrong — wrong password, unknown role, unreachable server, missing
 * database — and names the server without its password.
 *
 * @module
 */

import postgres from "postgres";
import { StoreError } from "./store_error.ts";
import { messageOf } from "./store_checks.ts";
import { describePostgresUrl } from "./postgres_url.ts";

export { describePostgresUrl };

/** A postgres.js connection pool. */
export type Sql = postgres.Sql<Record<string, never>>;

/** How to connect; every field has a default. */
export interface PostgresConnectOptions {
  /** Most connections in the pool (default 10; `DATABASE_POOL_SIZE` for the bot). */
  maxConnections?: number;
  /** Seconds to wait for a connection before giving up (default 10). */
  connectTimeoutSeconds?: number;
  /** The schema to use (`search_path`); the role's default when absent. */
  schema?: string;
  /**
   * Wait for the server's WAL flush at every commit (default false:
   * `synchronous_commit = off`). Off matches the SQLite store's
   * `synchronous=NORMAL`: a crash of the bot loses nothing committed, a
   * crash of the database server may lose the last fraction of a second of
   * commits but never leaves them half-applied; each turn's writes then cost
   * a round trip instead of a disk flush. `DATABASE_SYNCHRONOUS_COMMIT=on`
   * turns it on for the bot.
   */
  synchronousCommit?: boolean;
}

/** Creates the pool; nothing connects until the first query. */
export function createPool(
  url: string,
  options: PostgresConnectOptions = {},
): Sql {
  const connection: Record<string, string> = {
    application_name: "discord-llm-bot",
  };
  if (options.schema !== undefined) connection["search_path"] = options.schema;
  if (options.synchronousCommit !== true) {
    connection["synchronous_commit"] = "off";
  }
  return postgres(url, {
    max: Math.max(1, Math.trunc(options.maxConnections ?? 10)),
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    idle_timeout: 60,
    prepare: true,
    onnotice: () => {},
    connection,
    types: {
      // Ids and epoch milliseconds are bigint columns; they stay below 2^53.
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number | bigint) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  }) as unknown as Sql;
}

/** SQLSTATE codes and socket errors, and what they mean to an operator. */
const REASONS: Record<string, string> = {
  "28P01": "the password was refused (check the password in DATABASE_URL)",
  "28000":
    "the server refused the role (check the user name in DATABASE_URL and pg_hba.conf)",
  "3D000":
    "the database does not exist (create it with createdb, or fix its name in DATABASE_URL)",
  "3F000": "the schema does not exist",
  "42501": "the role lacks a privilege it needs",
  "57P03": "the server is starting up or shutting down; try again shortly",
  "53300":
    "the server has no free connection slots (lower DATABASE_POOL_SIZE or raise max_connections)",
  ECONNREFUSED:
    "the server is unreachable: nothing accepts connections there (is PostgreSQL running?)",
  ENOTFOUND: "the server is unreachable: its host name does not resolve",
  EAI_AGAIN: "the server is unreachable: its host name does not resolve",
  EHOSTUNREACH: "the server is unreachable: no route to its host",
  ECONNRESET: "the server closed the connection",
  CONNECT_TIMEOUT:
    "the server is unreachable: no answer before the connection timeout",
};

/**
 * Turns an error of connecting into a one-line {@link StoreError}:
 * `Cannot connect to PostgreSQL at postgres://bot@db:5432/bot: the password
 * was refused (…)`. The URL's password never appears.
 */
export function connectError(error: unknown, url: string): StoreError {
  const code = errorCode(error);
  const reason = (code === undefined ? undefined : REASONS[code]) ??
    oneLine(messageOf(error));
  return new StoreError(
    `Cannot connect to PostgreSQL at ${describePostgresUrl(url)}: ${reason}`,
    { cause: error },
  );
}

/** The SQLSTATE or socket error code of an error, if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
