/**
 * The chunking stage: cuts the streamed text into Discord-sized messages as
 * it grows and hands them to the reply target. Earlier chunks are final;
 * the last one may still grow. The final state is shown exactly once, with
 * `done: true`. With `reasoning: spoiler`, every chunk that carries part of
 * the spoiler closes and reopens it, so no reasoning shows unhidden.
 *
 * @module
 */

import {
  balanceSpoilers,
  SPOILER_RESERVE,
} from "../../chunker/spoiler_balance.ts";
import { StreamChunker } from "../../chunker/stream_chunker.ts";
import type { Stage } from "../compose.ts";
import type { TurnContext } from "../turn_context.ts";

/** Creates the chunking stage; `limit` is the platform's message length (Discord: 2000). */
export function chunkingStage(limit = 2000): Stage<TurnContext> {
  return {
    name: "chunking",
    async run(ctx, next) {
      if (ctx.output !== null) {
        const spoiler = ctx.persona?.reasoning === "spoiler";
        const chunker = new StreamChunker(
          spoiler ? limit - SPOILER_RESERVE : limit,
        );
        const view = (chunks: readonly string[]) =>
          spoiler ? balanceSpoilers(chunks) : chunks;
        for await (const delta of ctx.output) {
          chunker.push(delta);
          await ctx.reply.show(view(chunker.chunks), false);
        }
        const chunks = view(chunker.finish());
        if (chunks.length > 0) await ctx.reply.show(chunks, true);
      }
      await next();
    },
  };
}
