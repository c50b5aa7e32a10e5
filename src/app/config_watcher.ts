/**
 * Hot reload: watches the config file and applies a valid change to new
 * turns without a restart, logging a short summary of what changed. An
 * invalid change is rejected with the same report `validate` prints, and the
 * running config stays. Turns already running keep the config they started
 * with (the runner hands each turn a snapshot).
 *
 * @module
 */

import { ConfigError } from "../config/config_error.ts";
import { describeConfigChanges } from "../config/config_changes.ts";
import type { Config } from "../config/config_types.ts";
import { loadConfig } from "../config/load_config.ts";
import type { EnvLookup } from "../config/load_config.ts";
import type { Logger } from "../log/logging.ts";

/** What the watcher needs. */
export interface ConfigWatcherOptions {
  file: string;
  env: EnvLookup;
  current: () => Config;
  /** Applies a new, valid config. */
  apply: (next: Config, previous: Config) => void | Promise<void>;
  logger: Logger;
  /** Told when a change was rejected, with the problems (metrics, the playground). */
  onRejected?: (error: ConfigError) => void;
  /** Waits this long after the last file event before reloading (editors write in bursts). */
  debounce_ms?: number;
}

/** A running watcher. */
export interface ConfigWatcher {
  /** Reloads now (also used by SIGHUP); resolves to true when a new config was applied. */
  reload(): Promise<boolean>;
  close(): void;
}

/** Re-reads the config file and applies it when valid; see the module doc. */
export async function reloadConfig(
  options: ConfigWatcherOptions,
): Promise<boolean> {
  const previous = options.current();
  let next: Config;
  try {
    next = await loadConfig(options.file, options.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    options.logger.error(
      "Config change rejected; the running config stays.\n{report}",
      {
        report: error.format(),
      },
    );
    options.onRejected?.(error);
    return false;
  }
  const changes = describeConfigChanges(previous, next);
  if (changes === "no changes") return false;
  await options.apply(next, previous);
  options.logger.info("Config reloaded: {changes}", { changes });
  return true;
}

/** Starts watching `options.file`. */
export function watchConfig(options: ConfigWatcherOptions): ConfigWatcher {
  // Watch the folder, not the file: editors often save by writing a new file and renaming it.
  const absolute = options.file.startsWith("/")
    ? options.file
    : `${Deno.cwd()}/${options.file}`;
  const folder = absolute.slice(0, absolute.lastIndexOf("/")) || "/";
  const name = absolute.slice(absolute.lastIndexOf("/") + 1);
  const watcher = Deno.watchFs(folder, { recursive: false });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const reload = () => {
    const result = running.then(() => reloadConfig(options));
    running = result.catch((error) =>
      options.logger.error("Config reload failed: {error}", { error })
    );
    return result;
  };
  (async () => {
    try {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        if (!event.paths.some((path) => path.endsWith(`/${name}`))) continue;
        clearTimeout(timer);
        timer = setTimeout(
          () => void reload().catch(() => {}),
          options.debounce_ms ?? 300,
        );
      }
    } catch (error) {
      options.logger.warn("Stopped watching {file}: {error}", {
        file: options.file,
        error,
      });
    }
  })();
  return {
    reload,
    close() {
      clearTimeout(timer);
      try {
        watcher.close();
      } catch {
        // already closed
      }
    },
  };
}
