/**
 * The one place where the stage order is written:
 * auth → attachments → context → generation → chunking. (Access and rate limits are
 * decided before a turn queues: see `admission.ts`.)
 *
 * @module
 */

import { createAttachmentFetcher } from "../attachments/attachment_fetch.ts";
import type { AttachmentFetcher } from "../attachments/attachment_fetch.ts";
import type { ChatResult } from "../llm/chat_types.ts";
import type { LlmClient } from "../llm/llm_client.ts";
import type { TokenCounter } from "../llm/token_counter.ts";
import type { Logger } from "../log/logging.ts";
import type { Store } from "../store/store.ts";
import type { Memory } from "../memory/memory.ts";
import { compose } from "./compose.ts";
import type { StageObserver } from "./compose.ts";
import { attachmentsStage } from "./stages/attachments_stage.ts";
import { authStage } from "./stages/auth_stage.ts";
import { chunkingStage } from "./stages/chunking_stage.ts";
import { contextStage } from "./stages/context_stage.ts";
import { generationStage } from "./stages/generation_stage.ts";
import type { TurnContext } from "./turn_context.ts";

/** Everything the stages depend on. */
export interface PipelineDeps {
  store: Store;
  llm: Pick<LlmClient, "streamChat">;
  counterFor(endpoint: string, model: string): TokenCounter;
  now(): number;
  logger: Logger;
  /** Summaries, notes and preferences; absent: requests carry none. */
  memory?: Memory;
  /** Longest message the transport accepts (Discord: 2000). */
  message_limit?: number;
  /** Reads attachment bytes (default: Discord's CDN only). */
  attachments?: AttachmentFetcher;
  observeStage?: StageObserver;
  /** Told about every finished LLM reply (metrics). */
  onLlmResult?: (result: ChatResult) => void;
  /** Told about every failed LLM request (metrics). */
  onLlmError?: (endpoint: string, kind: string) => void;
}

/** Builds the pipeline that runs one turn. */
export function buildPipeline(
  deps: PipelineDeps,
): (ctx: TurnContext) => Promise<void> {
  const fetcher = deps.attachments ?? createAttachmentFetcher();
  return compose<TurnContext>([
    authStage(),
    attachmentsStage({ store: deps.store, fetcher }),
    contextStage({ ...deps, attachments: fetcher }),
    generationStage(deps),
    chunkingStage(deps.message_limit ?? 2000),
  ], (stage, ms, ctx) => {
    deps.observeStage?.(stage, ms, ctx);
    ctx.inspection?.stages.unshift({
      name: stage,
      ms: Math.round(ms * 10) / 10,
    });
  });
}
