/**
 * Reads a message's attachments for the model. Text files (judged by
 * declared type, name and then content) are read up to `max_text_bytes` and
 * given in a fence under their name, with a marker when cut; images go to a
 * vision persona as data URLs (Discord's URLs expire), at most `max_images`
 * of at most `max_image_bytes` each, and are described as `[image: name]`
 * in the text either way; every other file, and every file that could not
 * be read, gets a one-line note such as `[attached: name.zip, 2.1 MB, not
 * readable]`. Files are read concurrently; their order is kept.
 *
 * @module
 */

import type {
  Attachment,
  ImageData,
  ImageRef,
  ReadAttachments,
} from "./attachment.ts";
import type { AttachmentFetcher } from "./attachment_fetch.ts";
import { declaredKind, decodeText } from "./file_kind.ts";
import { imageDataUrl } from "./image_data.ts";
import {
  attachedNote,
  fenceFor,
  formatByteSize,
  safeFileName,
} from "./file_label.ts";

/** Files looked at per message at most (Discord allows 10). */
export const MAX_FILES = 10;

/** The limits that apply to one message. */
export interface ReadOptions {
  max_text_bytes: number;
  max_images: number;
  max_image_bytes: number;
  /** The persona reads images. */
  vision: boolean;
}

interface Piece {
  text: string;
  image?: ImageData;
  ref?: ImageRef;
  is_image: boolean;
}

/** Reads the attachments; see the module doc. */
export async function readAttachments(
  attachments: readonly Attachment[],
  options: ReadOptions,
  fetcher: AttachmentFetcher,
): Promise<ReadAttachments> {
  let imagesLeft = options.vision ? options.max_images : 0;
  const jobs = attachments.slice(0, MAX_FILES).map((attachment) => {
    const name = safeFileName(attachment.name);
    const kind = declaredKind(attachment.name, attachment.content_type);
    if (kind === "image") {
      const send = imagesLeft > 0;
      if (send) imagesLeft -= 1;
      return readImage(attachment, name, options, fetcher, send);
    }
    if (kind === "binary") {
      return Promise.resolve<Piece>({
        text: attachedNote(name, attachment.size, "not readable"),
        is_image: false,
      });
    }
    return readText(attachment, name, options, fetcher);
  });
  const pieces = await Promise.all(jobs);
  const skipped = attachments.length - MAX_FILES;
  const texts = pieces.map((p) => p.text);
  if (skipped > 0) texts.push(`[${skipped} more files not read]`);
  return {
    text: texts.join("\n\n"),
    images: pieces.flatMap((p) => p.image ? [p.image] : []),
    image_refs: pieces.flatMap((p) => p.ref ? [p.ref] : []),
    had_images: pieces.some((p) => p.is_image),
  };
}

async function readText(
  attachment: Attachment,
  name: string,
  options: ReadOptions,
  fetcher: AttachmentFetcher,
): Promise<Piece> {
  const result = await fetcher.read(attachment.url, options.max_text_bytes);
  if (!result.ok) {
    return {
      text: attachedNote(
        name,
        attachment.size,
        `could not be read (${result.reason})`,
      ),
      is_image: false,
    };
  }
  // The server's type counts too: a "notes.txt" served as a zip stays unread.
  const served = declaredKind(attachment.name, result.content_type);
  const text = served === "binary" || served === "image"
    ? null
    : decodeText(result.bytes, result.truncated);
  if (text === null) {
    return {
      text: attachedNote(name, attachment.size, "not readable"),
      is_image: false,
    };
  }
  const fence = fenceFor(text);
  let block = `[file: ${name}]\n${fence}\n${text}${
    text.endsWith("\n") ? "" : "\n"
  }${fence}`;
  if (result.truncated) {
    const size = attachment.size > 0
      ? `${name} is ${formatByteSize(attachment.size)}`
      : `${name} is longer`;
    block += `\n[… cut: ${size}; only the first ${
      formatByteSize(options.max_text_bytes)
    } are shown]`;
  }
  return { text: block, is_image: false };
}

async function readImage(
  attachment: Attachment,
  name: string,
  options: ReadOptions,
  fetcher: AttachmentFetcher,
  send: boolean,
): Promise<Piece> {
  const label = `[image: ${name}]`;
  const ref: ImageRef = { name, url: attachment.url, size: attachment.size };
  if (!options.vision) return { text: label, ref, is_image: true };
  if (!send) {
    return {
      text:
        `[image: ${name}, not shown: at most ${options.max_images} images per message]`,
      ref,
      is_image: true,
    };
  }
  if (attachment.size > options.max_image_bytes) {
    return {
      text: attachedNote(name, attachment.size, "image too large to show"),
      is_image: true,
    };
  }
  const result = await fetcher.read(attachment.url, options.max_image_bytes);
  const data_url = result.ok && !result.truncated
    ? imageDataUrl(result.bytes)
    : null;
  if (!result.ok || result.truncated || data_url === null) {
    const why = !result.ok
      ? `could not be read (${result.reason})`
      : result.truncated
      ? "image too large to show"
      : "not a PNG, JPEG, GIF or WebP image";
    return { text: attachedNote(name, attachment.size, why), is_image: true };
  }
  return {
    text: label,
    image: { name, data_url },
    ref,
    is_image: true,
  };
}
