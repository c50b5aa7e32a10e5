/**
 * Start-up and shutdown of the bot process: logging, config, store, LLM
 * probe, health listener, hot reload (file changes and SIGHUP), Discord,
 * then waiting for SIGINT or SIGTERM. Every start-up failure ends as a clear message and a non-zero
 * exit code, never a stack trace. Shutdown stops new turns, lets running
 * replies finish until a deadline (then marks them interrupted), closes the
 * gateway and the database, and exits 0.
 *
 * @module
 */

import { commandsNeedRefresh } from "../config/config_changes.ts";
import { summarizeConfig } from "../config/summarize_config.ts";
import { botIdFromToken, tokenProblem } from "../discord/bot_token.ts";
import { DiscordRuntime } from "../discord/discord_runtime.ts";
import {
  log,
  loggingOptionsFromEnv,
  secrets,
  setupLogging,
  stopLogging,
} from "../log/logging.ts";
import { createBotMetrics } from "../observability/bot_metrics.ts";
import { startIdleCollector } from "./idle_collector.ts";
import { EventLoopLagMonitor } from "../observability/event_loop_lag.ts";
import { currentTraceIds, tracingEnabled } from "../observability/tracing.ts";
import {
  healthSettingsFromEnv,
  startHealthServer,
} from "../observability/health_server.ts";
import { originOf } from "../attachments/url_policy.ts";
import { createBotServices } from "../pipeline/bot_services.ts";
import { startRetentionScheduler } from "../retention/retention_scheduler.ts";
import { watchConfig } from "./config_watcher.ts";
import { scaleOutFromEnv } from "./scale_out.ts";
import { startPlaygroundAtStart } from "./playground_at_start.ts";
import { discordMetricObserver, serviceMetricHooks } from "./metric_hooks.ts";
import { probeAndLog } from "./probe_at_start.ts";
import {
  installSafetyNets,
  reloadSignal,
  stopSignal,
} from "./process_guards.ts";
import {
  describeStartError,
  EXIT_CONFIG,
  loadConfigOrExplain,
  openStoreOrExplain,
  shutdownGraceFromEnv,
} from "./start_checks.ts";
import type { Env } from "./start_checks.ts";

/** How long running replies may take to finish at shutdown before they are interrupted (`BOT_SHUTDOWN_GRACE`). */
export const SHUTDOWN_GRACE_MS = 6_000;

/** Runs the bot until it is told to stop; returns the process exit code. */
export async function startBot(env: Env): Promise<number> {
  const { options, warning } = loggingOptionsFromEnv(env, Deno.stdout);
  await setupLogging(
    tracingEnabled
      ? { ...options, traceIds: currentTraceIds, write: writeThroughConsole }
      : options,
  );
  const logger = log("start");
  if (warning) logger.warn(warning);
  const file = env("BOT_CONFIG") ?? "bot.config.yaml";
  const config = await loadConfigOrExplain(file, env);
  if (config === null) return EXIT_CONFIG;
  secrets.add(config.secrets);
  const grace = shutdownGraceFromEnv(
    env("BOT_SHUTDOWN_GRACE"),
    SHUTDOWN_GRACE_MS,
  );
  if (typeof grace !== "number") {
    console.error(grace.error);
    return EXIT_CONFIG;
  }
  const problem = tokenProblem(config.discord.token);
  if (problem !== null) {
    console.error(`${problem}.`);
    return EXIT_CONFIG;
  }
  // Discord's tokens carry the bot id; the id Discord reports (GET /users/@me,
  // READY) wins once connected, and is the only one for other token formats.
  const tokenBotId = botIdFromToken(config.discord.token) ?? "";
  const discordRef: { current?: { bot_user_id: string } } = {};
  const botId = () => discordRef.current?.bot_user_id || tokenBotId;
  let health;
  try {
    health = healthSettingsFromEnv(env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const scale = scaleOutFromEnv(env, config);
  if (typeof scale === "string") {
    console.error(scale);
    return EXIT_CONFIG;
  }
  if (scale.rest_proxy) secrets.add([scale.rest_proxy.secret]);
  const store = await openStoreOrExplain(env("DATABASE_URL"));
  if (store === null) return 1;
  const removeSafetyNets = installSafetyNets(log("process"));
  const signal = stopSignal();
  const hangup = reloadSignal(log("config"));
  logger.info("Loaded {file}: {summary}", {
    file,
    summary: summarizeConfig(config),
  });
  if (scale.shards !== undefined || scale.rest_proxy !== undefined) {
    logger.info("Shards {shards}; REST calls {rest}", {
      shards: scale.label,
      rest: scale.rest_proxy ? `through ${scale.rest_proxy.url}` : "direct",
    });
  }

  const lag = new EventLoopLagMonitor();
  lag.start();
  const metrics = createBotMetrics({
    eventLoopLag: () => lag.summary(),
    // Only a process that owns a shard range says which: a single bot's
    // page keeps the names and labels dashboards already query.
    ...(scale.shards !== undefined
      ? { defaultLabels: { shards: scale.label } }
      : {}),
  });
  const apiOrigin = originOf(env("DISCORD_API_BASE_URL"));
  const services = createBotServices({
    config,
    store,
    bot_user_id: botId,
    // A test server or emulator serves its attachments from its own origin.
    attachment_origins: apiOrigin === null ? [] : [apiOrigin],
    ...serviceMetricHooks(metrics),
  });
  metrics.setQueueStatus(() => services.llm.status());

  void probeAndLog(config, logger, services.counters);

  const discord = new DiscordRuntime({
    services,
    token: config.discord.token,
    api_base_url: env("DISCORD_API_BASE_URL"),
    gateway_url: env("DISCORD_GATEWAY_URL"),
    shards: scale.shards,
    rest_proxy: scale.rest_proxy,
    pacing: env("DISCORD_PACING") !== "off",
    logger: log("discord"),
    observer: discordMetricObserver(metrics),
  });
  discordRef.current = discord;
  metrics.setWaitLists(() => ({
    conversation_queue: services.runner.queued,
    channel_throttle: discord.throttleWaiting,
  }));

  let server;
  try {
    server = startHealthServer({
      ...health,
      checks: {
        gateway: () =>
          discord.connected ||
          (discord.shardsDown.length === 0
            ? "not connected (waiting for READY)"
            : `shard(s) ${
              discord.shardsDown.join(", ")
            } of ${scale.label} not connected (waiting for READY)`),
        database: async () => await store.isWritable() || "not writable",
        config: () => true,
      },
      metrics,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    lag.stop();
    await store.close();
    return 1;
  }
  if (server) logger.info("Health and metrics on {url}", { url: server.url });

  let playground;
  try {
    playground = startPlaygroundAtStart({
      env,
      file,
      config,
      services,
      metrics,
      bot_user_id: botId,
      connected: () => discord.connected,
      shards: () => discord.shardStates,
      redact: (text) => secrets.redactText(text),
      logger: log("playground"),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    lag.stop();
    await server?.close();
    await store.close();
    return 1;
  }

  const collector = startIdleCollector({
    busy: () => !discord.connected || services.runner.pending > 0,
    activity: () => services.runner.dispatched,
  });
  const retention = startRetentionScheduler({
    store,
    retention: () => services.config().retention,
    personas: () => Object.keys(services.config().personas),
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
      playground?.board.accepted(next);
      if (commandsNeedRefresh(previous, next)) await discord.refreshCommands();
      if (next.retention !== previous.retention) void retention.pruneNow();
    },
    onRejected: (error) => {
      metrics.configReload("rejected");
      playground?.board.rejected(error);
    },
  });
  hangup.onReload(() => watcher.reload());

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
    collector.stop();
    await retention.stop();
    await services.runner.shutdown(grace);
    await services.memory.close();
    await playground?.server.close();
    await discord.shutdown();
    await server?.close();
    await store.close();
    logger.info("Stopped");
  } finally {
    lag.stop();
    clearTimeout(deadline);
    signal.dispose();
    hangup.dispose();
    removeSafetyNets();
    await stopLogging();
  }
  return code;
}

/**
 * Writes a log line with `console.log`, which Deno both prints and, with
 * tracing on, exports as an OpenTelemetry log record tied to the current
 * span (writes to `Deno.stdout` are not exported).
 */
function writeThroughConsole(line: string): void {
  console.log(line.endsWith("\n") ? line.slice(0, -1) : line);
}
