/**
 * An attachment as the transports hand it to the pipeline: what Discord
 * says about a file (name, declared type, size, its own URL), before any
 * byte of it is read. Image embeds come in the same shape. Nothing here is
 * trusted: the name is whatever the uploader chose and the type is a claim;
 * what a file really is gets judged from its bytes when it is read.
 *
 * @module
 */

/** One file attached to a message (or an image embed's picture). */
export interface Attachment {
  /** Discord's attachment id ("" for an embed). */
  id: string;
  /** The file name as uploaded. Untrusted: bound and sanitise before use. */
  name: string;
  /** The attachment's own URL (Discord's CDN); the only URL ever fetched for it. */
  url: string;
  /** The declared media type, "" when Discord did not say. Untrusted. */
  content_type: string;
  /** The declared size in bytes (0 when unknown). */
  size: number;
}

/** How a message's attachments were read for the model. */
export interface ReadAttachments {
  /**
   * Text added to the user's message: readable files in fences with their
   * names, a one-line note for each file that could not be read, and
   * `[image: name]` for each image. "" when there were no attachments.
   */
  text: string;
  /** Images to send as content parts (data URLs), at most `max_images`. */
  images: ImageData[];
  /** The images as references for history (name and URL, no bytes). */
  image_refs: ImageRef[];
  /** True when at least one image was attached (sent or not). */
  had_images: boolean;
}

/** An image read for the model. */
export interface ImageData {
  /** The sanitised file name. */
  name: string;
  /** `data:<type>;base64,…` */
  data_url: string;
}

/** What history keeps of an image: enough to describe it or fetch it again. */
export interface ImageRef {
  name: string;
  url: string;
  size: number;
}
