/**
 * A real Runner and pipeline over `store` and a scripted LLM, with a clock
 * that ticks once per read and a character-estimate token counter: the
 * setup runner tests share.
 */
import { estimateTokens } from "../../src/llm/token_estimate.ts";
import type { TokenCounter } from "../../src/llm/token_counter.ts";
import { log } from "../../src/log/logging.ts";
import { buildPipeline } from "../../src/pipeline/pipeline.ts";
import { Runner } from "../../src/pipeline/runner.ts";
import type { Store } from "../../src/store/store.ts";
import type { ScriptedLlm } from "./scripted_llm.ts";
import { BOT_ID, testConfig } from "./test_config.ts";

/** Counts tokens by the character estimate, for tests. */
export const estimateCounter: TokenCounter = {
  count: estimateTokens,
  countMessages: () => 0,
  countExact: (text) => Promise.resolve(estimateTokens(text)),
  ratio: 1,
};

/** A runner over `store` and `llm`; see the module doc. */
export function runnerFor(
  store: Store,
  llm: ScriptedLlm,
  max_waiting?: number,
  config = testConfig(),
  max_pending?: number,
): Runner {
  let clock = 1_000_000;
  const now = () => clock++;
  const pipeline = buildPipeline({
    store,
    llm,
    counterFor: () => estimateCounter,
    now,
    logger: log("test"),
  });
  return new Runner({
    store,
    pipeline,
    config: () => config,
    bot_user_id: () => BOT_ID,
    now,
    logger: log("test"),
    ...(max_waiting === undefined ? {} : { max_waiting }),
    ...(max_pending === undefined ? {} : { max_pending }),
  });
}
