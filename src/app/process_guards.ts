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
