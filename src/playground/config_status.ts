/**
 * The config's validation state as the playground shows it: the file, when
 * it was last checked, and either a summary of the running config or the
 * `FILE:LINE:COL` report of a rejected edit (the last good config keeps
 * running). The hot-reload watcher feeds it; the page is told of changes.
 *
 * @module
 */

import type { ConfigError } from "../config/config_error.ts";
import type { Config } from "../config/config_types.ts";
import { summarizeConfig } from "../config/summarize_config.ts";

/** What the page shows about the config. */
export interface ConfigState {
  file: string;
  /** False while the file on disk has problems (the last good config runs). */
  ok: boolean;
  /** Summary of the running config. */
  summary: string;
  /** The full report of the rejected edit, "" when ok. */
  report: string;
  /** Epoch ms of the last check. */
  checked_at: number;
  /** Counts reloads, so the page knows to refresh its pickers. */
  version: number;
}

// Lines of a report's snippets whose key names a secret: their value is masked.
const SECRET_LINE =
  /^(\s*\d+ \|\s*(?:-\s+)?["']?[\w-]*(?:token|key|authorization|secret|password)[\w-]*["']?\s*:\s*)(?!\$\{)(\S.*)$/gim;

/** Keeps the current state and tells listeners when it changes. */
export class ConfigStatusBoard {
  #state: ConfigState;
  readonly #listeners = new Set<(state: ConfigState) => void>();
  readonly #now: () => number;

  constructor(file: string, config: Config, now: () => number = Date.now) {
    this.#now = now;
    this.#state = {
      file,
      ok: true,
      summary: summarizeConfig(config),
      report: "",
      checked_at: now(),
      version: 0,
    };
  }

  /** The state now. */
  current(): ConfigState {
    return this.#state;
  }

  /** A new config was applied. */
  accepted(config: Config): void {
    this.#set({
      ok: true,
      summary: summarizeConfig(config),
      report: "",
      version: this.#state.version + 1,
    });
  }

  /** An edit was rejected: the report is shown, with values of secret keys masked. */
  rejected(error: ConfigError): void {
    this.#set({
      ok: false,
      report: error.format().replace(SECRET_LINE, "$1•••"),
    });
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (state: ConfigState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(change: Partial<ConfigState>): void {
    this.#state = { ...this.#state, ...change, checked_at: this.#now() };
    for (const listener of this.#listeners) listener(this.#state);
  }
}
