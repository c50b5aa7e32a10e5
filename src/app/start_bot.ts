/**
 * Start-up and shutdown of the bot process: logging, config, store, LLM
 * probe, health listener, hot reload, Discord, then waiting for SIGINT or
 * SIGTERM. Every start-up failure ends as a clear message and a non-zero
 * exit code, never a stack trace. Shutdown stops new turns, lets running
 * replies finish until a deadline (then marks them interrupted), closes the
 * gateway and the database, and exits 0.
 *
 * @module
 */

import { ConfigError } from "../config/config_error.ts";
import { commandsNeedRefresh } from "../config/config_changes.ts";
import type { Config } from "../config/config_types.ts";
import { parseDuration } from "../config/duration.ts";
import { loadConfig } from "../config/load_config.ts";
import { summarizeConfig } from "../config/summarize_config.ts";
import { botIdFromToken } from "../discord/bot_token.ts";
import { DiscordRuntime } from "../discord/discord_runtime.ts";
import { probeEndpoints } from "../llm/probe.ts";
import {
  log,
  loggingOptionsFromEnv,
  secrets,
  setupLogging,
  stopLogging,
} from "../log/logging.ts";
import type { Logger } from "../log/logging.ts";
import { createBotMetrics } from "../observability/bot_metrics.ts";
import {
  healthSettingsFromEnv,
  startHealthServer,
} from "../observability/health_server.ts";
import { startRetentionScheduler } from "../retention/retention_scheduler.ts";
import { openStore } from "../store/open_store.ts";
import type { Store } from "../store/store.ts";
import { createBotServices } from "./bot_services.ts";
import { watchConfig } from "./config_watcher.ts";

/** Looks up an environment variable. */
export type Env = (name: string) => string | undefined;

/** How long running replies may take to finish at shutdown before they are interrupted (`BOT_SHUTDOWN_GRACE`). */
export const SHUTDOWN_GRACE_MS = 6_000;

/** Exit code for a config that cannot be used (EX_CONFIG): supervisors should not retry it. */
export const EXIT_CONFIG = 78;

/**
 * Loads the config or explains why it cannot: a missing token gets one line
 * naming the variable to set; any other problem gets the full report.
 * Returns null after printing.
 */
export async function loadConfigOrExplain(
  file: string,
  env: Env,
): Promise<Config | null> {
  try {
    return await loadConfig(file, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const missing = error.problems.filter((p) => p.env_variable !== undefined);
    const onlyToken = missing.length === error.problems.length &&
      missing.every((p) => p.path.join(".") === "discord.token");
    if (onlyToken) {
      const name = missing[0]?.env_variable ?? "DISCORD_TOKEN";
      console.error(
        `${name} is not set: put ${name}=<your bot token> in .env or the environment (README: "Register the bot").`,
      );
    } else {
      console.error(error.format());
    }
    return null;
  }
}

/** Opens the store from `DATABASE_URL`, or prints why it cannot and returns null. */
export async function openStoreOrExplain(
  database_url: string | undefined,
): Promise<Store | null> {
  try {
    return await openStore(database_url);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return null;
  }
}

/** Logs what would otherwise kill the process: one bad event must never stop the bot. */
function installSafetyNets(logger: Logger): () => void {
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    logger.error("Unhandled rejection (the bot keeps running): {error}", {
      error: event.reason,
    });
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    logger.error("Uncaught error (the bot keeps running): {error}", {
      error: event.error,
    });
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  return () => {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  };
}

/** Resolves with the name of the first of SIGINT, SIGTERM to arrive. */
function stopSignal(): { promise: Promise<string>; dispose(): void } {
  let resolve: (name: string) => void = () => {};
  const promise = new Promise<string>((r) => resolve = r);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((name) => {
    const handler = () => resolve(name);
    Deno.addSignalListener(name, handler);
    return [name, handler] as const;
  });
  return {
    promise,
    dispose: () =>
      handlers.forEach(([name, h]) => Deno.removeSignalListener(name, h)),
  };
}

/** Runs the bot until it is told to stop; returns the process exit code. */
export async function startBot(env: Env): Promise<number> {
  const { options, warning } = loggingOptionsFromEnv(env, Deno.stdout);
  await setupLogging(options);
  const logger = log("start");
  if (warning) logger.warn(warning);
  const file = env("BOT_CONFIG") ?? "bot.config.yaml";
  const config = await loadConfigOrExplain(file, env);
  if (config === null) return EXIT_CONFIG;
  secrets.add(config.secrets);
  const grace = parseDuration(env("BOT_SHUTDOWN_GRACE") ?? "") ??
    SHUTDOWN_GRACE_MS;
  const botId = botIdFromToken(config.discord.token);
  if (botId === null) {
    console.error(
      "DISCORD_TOKEN does not look like a bot token (three parts separated by dots): copy it again from the Developer Portal's Bot tab.",
    );
    return EXIT_CONFIG;
  }
  let health;
  try {
    health = healthSettingsFromEnv(env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const store = await openStoreOrExplain(env("DATABASE_URL"));
  if (store === null) return 1;
  const removeSafetyNets = installSafetyNets(log("process"));
  const signal = stopSignal();
  logger.info("Loaded {file}: {summary}", {
    file,
    summary: summarizeConfig(config),
  });

  const metrics = createBotMetrics();
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => botId,
    observeStage: (stage, ms) => metrics.stageObserved(stage, ms / 1000),
    onTurnEnd: (outcome, ctx) => {
      metrics.turnEnded(outcome);
      if (outcome === "queue_full") {
        metrics.waitListRefused("conversation_queue");
      }
      if (outcome === "rate_limited") {
        metrics.rateLimited(
          ctx?.detail.startsWith("user") ? "user" : "channel",
        );
      }
    },
    onLlmResult: (result) =>
      metrics.llmReply(
        result.endpoint,
        result.timing.first_token_ms === null
          ? null
          : result.timing.first_token_ms / 1000,
        result.timing.total_ms / 1000,
        result.usage?.prompt_tokens ?? null,
        result.usage?.completion_tokens ?? null,
      ),
    onLlmError: (endpoint, kind) => metrics.llmFailed(endpoint, kind),
  });
  metrics.setQueueStatus(() => services.llm.status());

  void probeEndpoints(config.endpoints, {
    models: modelsByEndpoint(config),
  }).then((results) => {
    for (const result of results) {
      for (const text of result.warnings) {
        logger.warn("{warning}", { endpoint: result.endpoint, warning: text });
      }
      if (result.ok) {
        logger.info("Endpoint {endpoint} answers at {url}", {
          endpoint: result.endpoint,
          url: result.url,
        });
      }
    }
  });

  const discord = new DiscordRuntime({
    services,
    token: config.discord.token,
    api_base_url: env("DISCORD_API_BASE_URL"),
    gateway_url: env("DISCORD_GATEWAY_URL"),
    pacing: env("DISCORD_PACING") !== "off",
    logger: log("discord"),
    observer: {
      rateLimited: () => metrics.discord429("rest"),
      reconnecting: () => metrics.gatewayReconnect(),
      throttleRefused: () => metrics.waitListRefused("channel_throttle"),
    },
  });
  metrics.setWaitLists(() => ({
    conversation_queue: services.runner.queued,
    channel_throttle: discord.throttleWaiting,
  }));

  let server;
  try {
    server = startHealthServer({
      ...health,
      checks: {
        gateway: () => discord.connected || "not connected (waiting for READY)",
        database: async () => await store.isWritable() || "not writable",
        config: () => true,
      },
      metrics,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await store.close();
    return 1;
  }
  if (server) logger.info("Health and metrics on {url}", { url: server.url });

  const retention = startRetentionScheduler({
    store,
    retention: () => services.config().retention,
  });
  const watcher = watchConfig({
    file,
    env,
    current: services.config,
    logger: log("config"),
    apply: async (next, previous) => {
      secrets.add(next.secrets);
      services.applyConfig(next);
      metrics.configReload("applied");
      if (commandsNeedRefresh(previous, next)) await discord.refreshCommands();
      if (next.retention !== previous.retention) void retention.pruneNow();
    },
    onRejected: () => metrics.configReload("rejected"),
  });

  const reason = await new Promise<{ signal: string } | { fatal: string }>(
    (resolve) => {
      signal.promise.then((name) => resolve({ signal: name }));
      discord.fatal.then((message) => resolve({ fatal: message }));
      discord.start().catch((error) =>
        resolve({
          fatal: `Could not connect to Discord: ${describeStartError(error)}`,
        })
      );
    },
  );
  let code = 0;
  if ("signal" in reason) {
    logger.info("{signal} received: finishing running replies, then stopping", {
      signal: reason.signal,
    });
  } else {
    logger.error("{message}", { message: reason.fatal });
    code = 1;
  }

  const deadline = setTimeout(() => {
    logger.error("Shutdown took too long; exiting");
    Deno.exit(code || 1);
  }, grace + 4_000);
  try {
    watcher.close();
    await retention.stop();
    await services.runner.shutdown(grace);
    await discord.shutdown();
    await server?.close();
    await store.close();
    logger.info("Stopped");
  } finally {
    clearTimeout(deadline);
    signal.dispose();
    removeSafetyNets();
    await stopLogging();
  }
  return code;
}

function modelsByEndpoint(config: Config): Record<string, string[]> {
  const models: Record<string, string[]> = {};
  for (const persona of Object.values(config.personas)) {
    (models[persona.endpoint] ??= []).push(persona.model);
  }
  return models;
}

/** Why connecting failed, in words: Discordeno's REST errors carry the HTTP status in `cause`. */
function describeStartError(error: unknown): string {
  const cause =
    (error as { cause?: { status?: number; body?: string; error?: string } })
      ?.cause;
  if (cause?.status === 401) {
    return "Discord rejected the token (401): check DISCORD_TOKEN.";
  }
  if (cause?.status === 999) {
    return "Discord could not be reached (network error). Check the connection or DISCORD_API_BASE_URL.";
  }
  if (cause?.status) {
    return `Discord answered HTTP ${cause.status}${
      cause.body ? `: ${cause.body.slice(0, 200)}` : ""
    }`;
  }
  return error instanceof Error ? error.message : String(error);
}
