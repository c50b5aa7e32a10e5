/**
 * {@link TableAccess} over an SQLite file (see `table_access.ts`): flags are
 * written as 0 and 1, read back as booleans.
 *
 * @module
 */

import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { TableAccess, TableRow } from "./table_access.ts";
import { COPIED_TABLES } from "./table_access.ts";

const FLAGS = new Set(COPIED_TABLES.flatMap((table) => table.flags));

/** Opens the (already migrated) SQLite database at `path` for copying. */
export function sqliteTables(path: string): TableAccess {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000");
  const access: TableAccess = {
    name: path,
    tables() {
      const rows = db.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
      ).all();
      return Promise.resolve(rows.map((row) => String(row["name"])));
    },
    columns(table) {
      const rows = db.prepare(`PRAGMA table_info(${quote(table)})`).all();
      return Promise.resolve(rows.map((row) => String(row["name"])));
    },
    count(table) {
      const row = db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get();
      return Promise.resolve(Number(row?.["n"] ?? 0));
    },
    readBatch(table, columns, key, after, limit) {
      const where = after === null
        ? ""
        : `WHERE (${key.map(quote).join(", ")}) > (${
          key.map(() => "?").join(", ")
        })`;
      const rows = db.prepare(
        `SELECT ${columns.map(quote).join(", ")} FROM ${quote(table)} ${where}
        ORDER BY ${key.map(quote).join(", ")} LIMIT ?`,
      ).all(...(after ?? []) as SQLInputValue[], limit);
      return Promise.resolve(rows.map((row) => {
        const out: TableRow = {};
        for (const column of columns) {
          const value = row[column];
          out[column] = FLAGS.has(column) && value !== null
            ? value === 1
            : value;
        }
        return out;
      }));
    },
    upsert(table, columns, key, rows) {
      const update = columns.filter((column) => !key.includes(column));
      const statement = db.prepare(
        `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")})
        VALUES (${columns.map(() => "?").join(", ")})
        ON CONFLICT (${key.map(quote).join(", ")}) DO ${
          update.length === 0
            ? "NOTHING"
            : `UPDATE SET ${
              update.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(", ")
            }`
        }`,
      );
      db.exec("BEGIN IMMEDIATE");
      try {
        for (const row of rows) {
          statement.run(
            ...columns.map((column) => toSqlite(row[column])),
          );
        }
        db.exec("COMMIT");
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
      return Promise.resolve();
    },
    afterCopy: () => Promise.resolve(),
    close() {
      if (db.isOpen) db.close();
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => access.close(),
  };
  return access;
}

function toSqlite(value: unknown): SQLInputValue {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as SQLInputValue;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
