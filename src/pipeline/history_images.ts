/**
 * Images of earlier messages (`attachments.history_images: true`, vision
 * personas only). History keeps references, never bytes; when a request is
 * built, the images of the history messages that made it into the window
 * are fetched again from their attachment URLs, newest first, as many as
 * `max_images` leaves room for beside the current message's. An image that
 * cannot be fetched any more (Discord's URLs expire) or is no longer an
 * image stays what it reads as anyway: `[image: name]` in the text.
 *
 * @module
 */

import type { AttachmentFetcher } from "../attachments/attachment_fetch.ts";
import { imageDataUrl } from "../attachments/image_data.ts";
import type { ChatImage } from "../llm/chat_types.ts";
import type { Store, StoredMessage } from "../store/store.ts";
import type { TurnContext } from "./turn_context.ts";

/** The pictures to send again, by stored message id (empty when off). */
export async function historyImages(
  store: Store,
  fetcher: AttachmentFetcher | undefined,
  ctx: TurnContext,
  history: readonly StoredMessage[],
): Promise<Map<number, ChatImage[]>> {
  const pictures = new Map<number, ChatImage[]>();
  const limits = ctx.config.attachments;
  if (!limits.history_images || ctx.persona?.vision !== true || !fetcher) {
    return pictures;
  }
  let slots = limits.max_images - (ctx.attachments?.images.length ?? 0);
  const users = history.filter((m) => m.role === "user");
  if (slots <= 0 || users.length === 0) return pictures;
  const refs = await store.imagesOf(users.map((m) => m.id));
  for (const message of users) {
    for (const ref of refs.get(message.id) ?? []) {
      if (slots <= 0) return pictures;
      if (ref.size > limits.max_image_bytes) continue;
      const read = await fetcher.read(ref.url, limits.max_image_bytes);
      const url = read.ok && !read.truncated ? imageDataUrl(read.bytes) : null;
      if (url === null) continue;
      slots -= 1;
      const list = pictures.get(message.id) ?? [];
      list.push({ url });
      pictures.set(message.id, list);
    }
  }
  return pictures;
}
