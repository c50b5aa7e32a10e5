/**
 * The SQLite side of message images (migration 0006): references to the
 * images a user message carried — name, URL, size, in order — never their
 * bytes. The store prepares the statements once and calls these inside its
 * own error handling.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { type SqliteConnection, transaction } from "./sqlite_connection.ts";
import type { StoredImage } from "./store.ts";

/** The image statements, by name. */
export const IMAGE_SQL = {
  /** Nothing is written for a message that is not (or no longer) stored. */
  insertImage: `INSERT OR REPLACE INTO message_images
    (message_id, position, name, url, size)
    SELECT :message_id, :position, :name, :url, :size
    WHERE EXISTS (SELECT 1 FROM messages WHERE id = :message_id)`,
  imagesOf: `SELECT message_id, position, name, url, size FROM message_images
    WHERE message_id IN (SELECT value FROM json_each(:ids))
    ORDER BY message_id, position`,
} as const;

/** The prepared image statements. */
export type ImageStatements = Record<keyof typeof IMAGE_SQL, StatementSync>;

/** Prepares {@link IMAGE_SQL} on `db`. */
export function prepareImageStatements(db: DatabaseSync): ImageStatements {
  return {
    insertImage: db.prepare(IMAGE_SQL.insertImage),
    imagesOf: db.prepare(IMAGE_SQL.imagesOf),
  };
}

/** Stores the images of a message, in order, in one transaction. */
export function addImages(
  connection: SqliteConnection,
  statements: ImageStatements,
  message_id: number,
  images: readonly StoredImage[],
): void {
  if (images.length === 0) return;
  transaction(connection, () => {
    images.forEach((image, position) =>
      statements.insertImage.run({
        message_id,
        position,
        name: image.name,
        url: image.url,
        size: Math.max(0, Math.round(image.size)),
      })
    );
  });
}

/** Groups image rows by message id, in order. */
export function imagesByMessage(
  rows: readonly Record<string, unknown>[],
): Map<number, StoredImage[]> {
  const images = new Map<number, StoredImage[]>();
  for (const row of rows) {
    const id = Number(row.message_id);
    const list = images.get(id) ?? [];
    list.push({
      name: String(row.name),
      url: String(row.url),
      size: Number(row.size),
    });
    images.set(id, list);
  }
  return images;
}
