/**
 * Process-wide listeners the bot installs while it runs: safety nets that
 * log what would otherwise kill the process, and the stop signals
 * (SIGINT, SIGTERM). Each returns a way to remove what it installed.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";

/** Logs what would otherwise kill the process: one bad event must never stop the bot. Returns the remover. */
export function installSafetyNets(logger: Logger): () => void {
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
export function stopSignal(): { promise: Promise<string>; dispose(): void } {
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

/**
 * SIGHUP reloads the config, as operators expect (without a listener the
 * process would exit with 129). Installed at start-up; until `onReload` is
 * set a SIGHUP is only logged. On systems without SIGHUP it does nothing.
 */
export function reloadSignal(logger: Logger): {
  onReload(reload: () => Promise<unknown>): void;
  dispose(): void;
} {
  let reload: (() => Promise<unknown>) | null = null;
  const handler = () => {
    if (reload === null) {
      logger.info("SIGHUP received before the config watcher started");
      return;
    }
    logger.info("SIGHUP received: reloading the config");
    reload().catch((error) =>
      logger.error("Config reload failed: {error}", { error })
    );
  };
  let installed = false;
  try {
    Deno.addSignalListener("SIGHUP", handler);
    installed = true;
  } catch {
    // No SIGHUP here (Windows).
  }
  return {
    onReload: (fn) => reload = fn,
    dispose: () => {
      if (installed) Deno.removeSignalListener("SIGHUP", handler);
    },
  };
}
