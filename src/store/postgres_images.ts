/**
 * The PostgreSQL side of message images (migration 0006), the counterpart
 * of `sqlite_images.ts`, whose row reader it uses.
 *
 * @module
 */

import type { Sql } from "./postgres_connect.ts";
import { imagesByMessage } from "./sqlite_images.ts";
import type { StoredImage } from "./store.ts";

const INSERT_IMAGE = `INSERT INTO message_images
  (message_id, position, name, url, size)
  SELECT $1, $2, $3, $4, $5
  WHERE EXISTS (SELECT 1 FROM messages WHERE id = $1)
  ON CONFLICT (message_id, position)
  DO UPDATE SET name = EXCLUDED.name, url = EXCLUDED.url, size = EXCLUDED.size`;

const IMAGES_OF = `SELECT message_id, position, name, url, size
  FROM message_images WHERE message_id = ANY($1::bigint[])
  ORDER BY message_id, position`;

/** Stores the images of a message, in order, in one transaction. */
export async function addImages(
  sql: Sql,
  message_id: number,
  images: readonly StoredImage[],
): Promise<void> {
  if (images.length === 0) return;
  await sql.begin(async (tx) => {
    for (const [position, image] of images.entries()) {
      await tx.unsafe(INSERT_IMAGE, [
        message_id,
        position,
        image.name,
        image.url,
        Math.max(0, Math.round(image.size)),
      ], { prepare: true });
    }
  });
}

/** The images of these messages, by message id. */
export async function imagesOf(
  sql: Sql,
  message_ids: readonly number[],
): Promise<Map<number, StoredImage[]>> {
  if (message_ids.length === 0) return new Map();
  const rows = await sql.unsafe(IMAGES_OF, [message_ids.map(String)], {
    prepare: true,
  });
  return imagesByMessage(rows);
}
