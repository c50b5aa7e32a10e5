/**
 * The attachments stage: reads the files of a message that has any (see
 * `src/attachments/`) with the limits of `attachments` in the config and
 * the answering persona's `vision`, and adds what the model should see to
 * the user's text — so it is stored, counted against the budget and cut to
 * fit like anything else the user wrote. Images for a vision persona wait
 * in `ctx.attachments` for the context stage. A persona without vision
 * says once per conversation that it cannot see images.
 *
 * @module
 */

import type { AttachmentFetcher } from "../../attachments/attachment_fetch.ts";
import { readAttachments } from "../../attachments/read_attachments.ts";
import type { Store } from "../../store/store.ts";
import type { Stage } from "../compose.ts";
import { effectivePersona } from "../persona_choice.ts";
import { applyPingPreference } from "../ping_preference.ts";
import type { TurnContext } from "../turn_context.ts";

/** Conversations remembered as told about images (oldest forgotten first). */
const MAX_TOLD = 10_000;

/** What the stage needs. */
export interface AttachmentsDeps {
  store: Store;
  fetcher: AttachmentFetcher;
}

/** Said (once per conversation) when a persona without vision gets an image. */
export function noVisionNotice(persona: string): string {
  return `🖼️ ${persona} can't see images, so I only know their file names. Describe what's in a picture if it matters.`;
}

/** Creates the attachments stage. */
export function attachmentsStage(deps: AttachmentsDeps): Stage<TurnContext> {
  const told = new Set<string>();
  return {
    name: "attachments",
    async run(ctx, next) {
      const attachments = ctx.message.attachments ?? [];
      if (attachments.length === 0) return await next();
      const { persona: name } = await effectivePersona(
        deps.store,
        ctx.route.binding,
        ctx.message.author.id,
        ctx.message.persona,
      );
      const persona = ctx.config.personas[name];
      const limits = ctx.config.attachments;
      const read = await readAttachments(attachments, {
        max_text_bytes: limits.max_text_bytes,
        max_images: limits.max_images,
        max_image_bytes: limits.max_image_bytes,
        vision: persona?.vision === true,
      }, deps.fetcher);
      ctx.attachments = read;
      ctx.text = [ctx.text, read.text].filter((part) => part !== "").join(
        "\n\n",
      );
      // Stored on arrival with its text only: the files are part of what was said.
      const stored = ctx.user_message;
      if (stored !== null && stored.content !== ctx.text) {
        await deps.store.updateMessage(stored.id, {
          content: ctx.text,
          token_count: null,
          updated_at: ctx.started_at,
        });
        ctx.user_message = { ...stored, content: ctx.text, token_count: null };
      }
      // History keeps references, never bytes (see history_images.ts).
      if (stored !== null && read.image_refs.length > 0) {
        await deps.store.addImages(stored.id, read.image_refs);
      }
      if (read.had_images && persona !== undefined && !persona.vision) {
        // "Once per conversation": a /reset starts a new one.
        const reset = await deps.store.lastReset(ctx.route.conversation);
        const key = `${JSON.stringify(ctx.route.conversation)}:${
          reset ?? 0
        }:${name}`;
        if (!told.has(key)) {
          told.add(key);
          if (told.size > MAX_TOLD) {
            told.delete(told.values().next().value ?? key);
          }
          await applyPingPreference(ctx, deps.store);
          await ctx.reply.notice(noVisionNotice(persona.display_name));
        }
      }
      await next();
    },
  };
}
