/**
 * PostgreSQL for tests: the server named by `TEST_DATABASE_URL`, checked
 * once per test file, and a fresh schema or database per test so that
 * parallel runs never collide. When the variable is unset or the server is
 * unreachable, {@link testPostgresUrl} prints one line
 * `skipped: PostgreSQL (…)` (once per run) and returns null, and the caller registers its
 * tests as ignored.
 *
 * @module
 */

import postgres from "postgres";
import { connectError } from "../../src/store/postgres_connect.ts";

let checked: Promise<string | null> | undefined;

/** The test server's URL when it answers, else null (after printing why, once). */
export function testPostgresUrl(): Promise<string | null> {
  checked ??= check();
  return checked;
}

/**
 * Prints the skip line once per `deno test` run: test files run in separate
 * isolates of one process, which share its environment.
 */
function skip(reason: string): null {
  if (Deno.env.get(PRINTED) !== "1") {
    Deno.env.set(PRINTED, "1");
    console.log(`skipped: PostgreSQL (${reason})`);
  }
  return null;
}

const PRINTED = "BOT_TESTS_POSTGRES_SKIP_PRINTED";

async function check(): Promise<string | null> {
  const url = Deno.env.get("TEST_DATABASE_URL")?.trim();
  if (url === undefined || url === "") {
    return skip("TEST_DATABASE_URL is not set; .ci/run sets it");
  }
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return url;
  } catch (error) {
    return skip(connectError(error, url).message);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A unique lower-case name for a schema or database, e.g. `t_3f9a…`. */
export function uniqueName(prefix = "t"): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Runs one admin statement on a short-lived connection. */
export async function adminQuery(url: string, text: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(text);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A fresh schema in the test database; `drop()` removes it with all it holds. */
export async function createTestSchema(
  url: string,
): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = uniqueName("t");
  await adminQuery(url, `CREATE SCHEMA ${schema}`);
  return {
    schema,
    drop: () => adminQuery(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

/**
 * A fresh database on the test server; `url` points at it and `drop()`
 * removes it, ending the connections still open to it.
 */
export async function createTestDatabase(
  url: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = uniqueName("test");
  await adminQuery(url, `CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.href,
    name,
    drop: () => adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
