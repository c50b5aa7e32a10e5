/**
 * Turns the attachments and image embeds of a gateway message (or of an
 * interaction's resolved data) into the transport-neutral `Attachment`.
 * An image embed (a picture link Discord previewed) counts only through
 * Discord's own proxy URL: the link the user typed is never fetched.
 * Entries without a URL are skipped.
 *
 * @module
 */

import type { Attachment } from "../attachments/attachment.ts";
import { list, record, snowflake, text } from "./gateway_values.ts";

/** The attachment fields the bot reads (declared in desiredProperties). */
export interface GatewayAttachment {
  id?: bigint;
  filename?: string;
  contentType?: string;
  size?: number;
  url?: string;
  proxyUrl?: string;
}

/** The embed fields the bot reads. */
export interface GatewayEmbed {
  type?: string;
  image?: { proxyUrl?: string };
  thumbnail?: { proxyUrl?: string };
}

/** One gateway attachment, or null when it has no URL. */
export function toAttachment(raw: unknown): Attachment | null {
  const item = record(raw) as GatewayAttachment | undefined;
  const url = text(item?.url);
  if (item === undefined || url === "") return null;
  return {
    id: snowflake(item.id) ?? "",
    name: text(item.filename) || "file",
    url,
    content_type: text(item.contentType),
    size: typeof item.size === "number" && Number.isFinite(item.size)
      ? Math.max(0, item.size)
      : 0,
  };
}

/** The attachments of a message, then its image embeds, in order. */
export function messageAttachments(
  attachments: unknown,
  embeds: unknown,
): Attachment[] {
  const files = list(attachments).map(toAttachment).filter((a) => a !== null);
  const pictures = list(embeds).flatMap((raw): Attachment[] => {
    const embed = record(raw) as GatewayEmbed | undefined;
    if (embed?.type !== "image") return [];
    const url = text(record(embed.image)?.proxyUrl) ||
      text(record(embed.thumbnail)?.proxyUrl);
    if (url === "") return [];
    let name = "image";
    try {
      name = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "") ||
        "image";
    } catch { /* keep "image" */ }
    // Declared as an image so that only its bytes decide what it is.
    return [{ id: "", name, url, content_type: "image/*", size: 0 }];
  });
  return [...files, ...pictures];
}
