/**
 * Wires the transport-independent parts of the bot together: store, LLM
 * client, token counters, pipeline, runner and the command handlers. The
 * Discord process and the terminal chat both build their bot from this, so
 * they behave the same.
 *
 * @module
 */

import { createAttachmentFetcher } from "../attachments/attachment_fetch.ts";
import type { Config } from "../config/config_types.ts";
import type { ChatResult } from "../llm/chat_types.ts";
import { createLlmClient } from "../llm/llm_client.ts";
import type { LlmClient } from "../llm/llm_client.ts";
import { createTokenCounters } from "../llm/token_counter.ts";
import { traceLlm } from "../llm/traced_llm.ts";
import type { TokenCounters } from "../llm/token_counter.ts";
import { log } from "../log/logging.ts";
import { traceCalls } from "../observability/tracing.ts";
import { AccessGate } from "./access/access_gate.ts";
import type { CommandDeps } from "./commands/conversation_commands.ts";
import type { StageObserver } from "./compose.ts";
import { buildPipeline } from "./pipeline.ts";
import { Runner } from "./runner.ts";
import { TurnControls } from "./controls/turn_controls.ts";
import type { DispatchOutcome } from "./runner.ts";
import type { TurnContext } from "./turn_context.ts";
import type { Store } from "../store/store.ts";
import { Memory } from "../memory/memory.ts";

/** The edges a bot is built from. */
export interface BotServicesOptions {
  config: Config;
  store: Store;
  /** The bot's own user id (known after the gateway's READY for Discord). */
  bot_user_id: () => string;
  now?: () => number;
  fetch?: typeof fetch;
  /** Longest message the transport accepts (Discord: 2000). */
  message_limit?: number;
  /**
   * Origins attachments may be fetched from besides Discord's CDN (the
   * origin of `DISCORD_API_BASE_URL` for a test server or emulator).
   */
  attachment_origins?: readonly string[];
  observeStage?: StageObserver;
  onTurnEnd?: (outcome: DispatchOutcome, ctx: TurnContext | null) => void;
  onLlmResult?: (result: ChatResult) => void;
  onLlmError?: (endpoint: string, kind: string) => void;
  /** Told how long each LLM request waited for a slot of `endpoint`, in ms. */
  onLlmQueueWait?: (endpoint: string, ms: number) => void;
}

/** The running bot's parts. */
export interface BotServices {
  /** The current config (replaced by `applyConfig` on reload). */
  config(): Config;
  /** Switches to a new config for new turns; running turns keep theirs. */
  applyConfig(config: Config): void;
  store: Store;
  llm: LlmClient;
  counters: TokenCounters;
  /** Resolves once the calibrations saved in the store are back in `counters`. */
  calibrationsLoaded: Promise<void>;
  runner: Runner;
  /** Running turns, for the Stop button. */
  controls: TurnControls;
  commands: CommandDeps;
  /** The one access decision, shared by messages and commands. */
  access: AccessGate;
  /** Summaries, notes and preferences; `close()` it after the runner at shutdown. */
  memory: Memory;
}

/** How far (relative) a token calibration moves before it is saved again. */
export const CALIBRATION_SAVE_STEP = 0.005;

/** Builds the bot's transport-independent parts. */
export function createBotServices(options: BotServicesOptions): BotServices {
  let config = options.config;
  const now = options.now ?? Date.now;
  const fetchEdge = options.fetch ? { fetch: options.fetch } : {};
  const calibrationLog = log("tokens");
  // The ratio each endpoint and model was last saved with.
  const savedRatios = new Map<string, number>();
  const counters = createTokenCounters(config.endpoints, {
    ...fetchEdge,
    // Keep what calibration learned, so a restart does not start from scratch;
    // a settled ratio moves a little with every reply, and is not written
    // again until it has moved by half a percent.
    onCalibrated: (calibration) => {
      const key = `${calibration.endpoint}\u0000${calibration.model}`;
      const saved = savedRatios.get(key);
      if (
        saved !== undefined &&
        Math.abs(calibration.ratio - saved) < saved * CALIBRATION_SAVE_STEP
      ) return;
      savedRatios.set(key, calibration.ratio);
      void options.store.setTokenCalibration({
        ...calibration,
        updated_at: now(),
      }).catch((error) =>
        calibrationLog.warn("Could not save a token calibration: {error}", {
          error,
        })
      );
    },
  });
  const calibrationsLoaded = options.store.getTokenCalibrations().then(
    (saved) => counters.restore(saved),
    (error) =>
      calibrationLog.warn(
        "Could not read the saved token calibrations: {error}",
        { error },
      ),
  );
  const llm = traceLlm(
    createLlmClient(config.endpoints, {
      ...fetchEdge,
      counters,
      ...(options.onLlmQueueWait
        ? { onQueueWait: options.onLlmQueueWait }
        : {}),
    }),
  );
  const store = traceCalls(options.store, "store");
  const memory = new Memory({
    store,
    llm,
    counterFor: (endpoint, model) => counters.counterFor(endpoint, model),
    now,
    logger: log("memory"),
  });
  const pipeline = buildPipeline({
    store,
    llm,
    counterFor: (endpoint, model) => counters.counterFor(endpoint, model),
    now,
    logger: log("pipeline"),
    memory,
    ...(options.message_limit ? { message_limit: options.message_limit } : {}),
    attachments: createAttachmentFetcher({
      extra_origins: options.attachment_origins ?? [],
      ...fetchEdge,
    }),
    ...(options.observeStage ? { observeStage: options.observeStage } : {}),
    ...(options.onLlmResult ? { onLlmResult: options.onLlmResult } : {}),
    ...(options.onLlmError ? { onLlmError: options.onLlmError } : {}),
  });
  const access = new AccessGate({ config: () => config, now });
  const controls = new TurnControls();
  const runner = new Runner({
    pipeline,
    store,
    access,
    controls,
    config: () => config,
    bot_user_id: options.bot_user_id,
    now,
    logger: log("runner"),
    // `/settings history off`: channel messages of that user are not kept either.
    keepsHistory: async (user_id) =>
      (await memory.preferences(user_id)).history,
    ...(options.onTurnEnd ? { onTurnEnd: options.onTurnEnd } : {}),
  });
  return {
    controls,
    config: () => config,
    applyConfig(next) {
      config = next;
      llm.reconfigure(next.endpoints);
      counters.reconfigure(next.endpoints);
    },
    store,
    llm,
    counters,
    calibrationsLoaded,
    runner,
    access,
    memory,
    commands: { store, config: () => config, now, access },
  };
}
