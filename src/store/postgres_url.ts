/**
 * How a PostgreSQL URL is shown in messages and logs. Kept apart from the
 * driver so that parsing `DATABASE_URL` does not load it: a bot on SQLite
 * never imports `postgres`.
 *
 * @module
 */

/**
 * The server, role and database of a `postgres://` URL, without the password
 * or query: `postgres://bot@db.internal:5432/bot`. Safe to log.
 */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username === "" ? "" : `${parsed.username}@`;
    const port = parsed.port === "" ? "" : `:${parsed.port}`;
    return `${parsed.protocol}//${user}${parsed.hostname}${port}${parsed.pathname}`;
  } catch {
    return "the PostgreSQL server in DATABASE_URL";
  }
}
