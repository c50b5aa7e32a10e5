/**
 * {@link TableAccess} over PostgreSQL (see `table_access.ts`): batches are
 * multi-row `INSERT … ON CONFLICT` statements in one transaction, and the
 * identity sequences are moved past the copied ids and the tables analysed
 * at the end.
 *
 * @module
 */

import type { TableAccess, TableRow } from "./table_access.ts";
import { COPIED_TABLES } from "./table_access.ts";
import { createPool, describePostgresUrl } from "./postgres_connect.ts";

/** Connects to the (already migrated) PostgreSQL database at `url` for copying. */
export function postgresTables(url: string): TableAccess {
  const sql = createPool(url, { maxConnections: 2 });
  const access: TableAccess = {
    name: describePostgresUrl(url),
    async tables() {
      const rows = await sql.unsafe(
        `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() ORDER BY table_name`,
      );
      return rows.map((row) => String(row["table_name"]));
    },
    async columns(table) {
      const rows = await sql.unsafe(
        `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1
        ORDER BY ordinal_position`,
        [table],
      );
      return rows.map((row) => String(row["column_name"]));
    },
    async count(table) {
      const [row] = await sql.unsafe(
        `SELECT count(*)::bigint AS n FROM ${quote(table)}`,
      );
      return Number(row?.["n"] ?? 0);
    },
    async readBatch(table, columns, key, after, limit) {
      // Text keys compare byte-wise ("C"), in the WHERE as in the ORDER BY.
      const keyList = key.map(keyExpression).join(", ");
      const where = after === null
        ? ""
        : `WHERE (${keyList}) > (${
          key.map((k, i) => paramExpression(k, i + 2)).join(", ")
        })`;
      const rows = await sql.unsafe(
        `SELECT ${columns.map(quote).join(", ")} FROM ${quote(table)} ${where}
        ORDER BY ${keyList} LIMIT $1`,
        [limit, ...(after ?? [])] as never[],
      );
      return rows.map((row) => ({ ...row }) as TableRow);
    },
    async upsert(table, columns, key, rows) {
      if (rows.length === 0) return;
      const flags = new Set(
        COPIED_TABLES.find((t) => t.name === table)?.flags ?? [],
      );
      const update = columns.filter((column) => !key.includes(column));
      const params: unknown[] = [];
      const values = rows.map((row) =>
        `(${
          columns.map((column) => {
            const value = row[column];
            params.push(
              flags.has(column) && typeof value === "number"
                ? value === 1
                : value,
            );
            return `$${params.length}`;
          }).join(", ")
        })`
      );
      await sql.begin(async (tx) => {
        await tx.unsafe(
          `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")})
          VALUES ${values.join(", ")}
          ON CONFLICT (${key.map(quote).join(", ")}) DO ${
            update.length === 0
              ? "NOTHING"
              : `UPDATE SET ${
                update.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(
                  ", ",
                )
              }`
          }`,
          params as never[],
        );
      });
    },
    async afterCopy(tables) {
      // Fresh statistics, so the planner uses the indexes from the first turn.
      await sql.unsafe("ANALYZE");
      for (const table of tables) {
        await sql.unsafe(
          `SELECT setval(pg_get_serial_sequence($1, 'id'),
            greatest((SELECT max(id) FROM ${quote(table)}), 1))`,
          [table],
        );
      }
    },
    close: () => sql.end({ timeout: 5 }),
    [Symbol.asyncDispose]: () => access.close(),
  };
  return access;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Ids are numbers; every other key column is text, compared byte-wise. */
function keyExpression(column: string): string {
  return isId(column) ? quote(column) : `${quote(column)} COLLATE "C"`;
}

function paramExpression(column: string, index: number): string {
  return isId(column) ? `$${index}::bigint` : `$${index}::text COLLATE "C"`;
}

/**
 * Numeric key columns: `id`, a turn's (or image's) `message_id`, an image's
 * `position`, a summary's `conversation_id`.
 */
function isId(column: string): boolean {
  return column === "id" || column === "message_id" ||
    column === "position" || column === "conversation_id";
}
