/**
 * Copies the bot's data from one database to another (`deno task
 * migrate-data`): every table of {@link COPIED_TABLES}, in key order, in
 * batches, each batch an upsert in one transaction — so a copy that stops
 * midway can simply be run again, and running it twice changes nothing. Ids
 * are kept, so reply links and reset markers stay right. At the end the row
 * counts of both sides must match.
 *
 * @module
 */

import {
  COPIED_TABLES,
  SKIPPED_TABLES,
  type TableAccess,
} from "./table_access.ts";

/** Raised when the copy cannot start, fails, or ends with different row counts. */
export class DataCopyError extends Error {
  /** Creates the error; `options.cause` keeps the underlying error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DataCopyError";
  }
}

/** How many rows each table had on both sides at the end. */
export interface CopyReport {
  tables: { name: string; source: number; target: number }[];
}

/** Options of {@link copyData}. */
export interface CopyOptions {
  /** Rows per batch (default 500). */
  batchSize?: number;
  /** Receives one progress line per batch, e.g. `messages: 500/1200 rows`. */
  progress?: (line: string) => void;
}

/**
 * Copies every table from `from` to `to`, both already migrated to the same
 * schema, then compares row counts. Throws a {@link DataCopyError} for a
 * table of the source this version does not know, a column the target
 * lacks, a failing batch (naming the table; the batches before it stay
 * copied), or counts that differ.
 */
export async function copyData(
  from: TableAccess,
  to: TableAccess,
  options: CopyOptions = {},
): Promise<CopyReport> {
  const batch = Math.max(1, Math.trunc(options.batchSize ?? 500));
  const progress = options.progress ?? (() => {});
  await refuseUnknownTables(from);
  for (const table of COPIED_TABLES) {
    const columns = await from.columns(table.name);
    const targetColumns = new Set(await to.columns(table.name));
    const missing = columns.filter((column) => !targetColumns.has(column));
    if (missing.length > 0) {
      throw new DataCopyError(
        `Cannot copy table ${table.name}: ${to.name} has no column ${
          missing.join(", ")
        }; are both databases at the same schema version?`,
      );
    }
    const total = await from.count(table.name);
    let copied = 0;
    let after: unknown[] | null = null;
    for (;;) {
      const rows = await from.readBatch(
        table.name,
        columns,
        table.key,
        after,
        batch,
      );
      if (rows.length === 0) break;
      try {
        await to.upsert(table.name, columns, table.key, rows);
      } catch (error) {
        throw new DataCopyError(
          `Cannot copy table ${table.name} into ${to.name} after ${copied} of ${total} rows: ${
            error instanceof Error ? error.message : String(error)
          }; what was copied stays, and running the command again continues`,
          { cause: error },
        );
      }
      copied += rows.length;
      progress(`${table.name}: ${copied}/${total} rows`);
      const last = rows[rows.length - 1] ?? {};
      after = table.key.map((column) => last[column]);
      if (rows.length < batch) break;
    }
    if (total === 0) progress(`${table.name}: 0/0 rows`);
  }
  await to.afterCopy(
    COPIED_TABLES.filter((table) => table.identity).map((table) => table.name),
  );
  return await verify(from, to);
}

async function refuseUnknownTables(from: TableAccess): Promise<void> {
  const known = new Set([
    ...COPIED_TABLES.map((table) => table.name),
    ...SKIPPED_TABLES,
  ]);
  const unknown = (await from.tables()).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new DataCopyError(
      `Cannot copy ${from.name}: it holds table(s) ${
        unknown.join(", ")
      } that this version of migrate-data does not know; nothing was copied`,
    );
  }
}

async function verify(from: TableAccess, to: TableAccess): Promise<CopyReport> {
  const tables = [];
  for (const table of COPIED_TABLES) {
    tables.push({
      name: table.name,
      source: await from.count(table.name),
      target: await to.count(table.name),
    });
  }
  const differ = tables.filter((t) => t.source !== t.target);
  if (differ.length > 0) {
    throw new DataCopyError(
      `The copy does not match: ${
        differ.map((t) =>
          `${t.name} has ${t.source} rows in ${from.name} but ${t.target} in ${to.name}`
        )
          .join("; ")
      } (was the target not empty, or is a bot writing to either?)`,
    );
  }
  return { tables };
}
