/**
 * The "typing…" indicator of one reply: shown only when the model takes
 * longer than a moment, re-sent while it lasts, and stopped as soon as text
 * arrives. A failed indicator is only logged.
 *
 * @module
 */

import type { DiscordReplyOptions } from "./discord_reply_options.ts";

/** What the indicator needs: the reply's port, channel, clock and timings. */
export type TypingIndicatorOptions = Pick<
  DiscordReplyOptions,
  | "port"
  | "channel_id"
  | "logger"
  | "timers"
  | "typing_interval_ms"
  | "typing_delay_ms"
>;

/** Shows "typing…" in a channel while a reply is awaited. */
export class TypingIndicator {
  readonly #options: TypingIndicatorOptions;
  #typing = false;
  #timer: unknown = undefined;

  constructor(options: TypingIndicatorOptions) {
    this.#options = options;
  }

  /** Starts typing (after `typing_delay_ms`), repeated every `typing_interval_ms`. */
  start(): void {
    if (this.#typing) return;
    this.#typing = true;
    const tick = () => {
      if (!this.#typing) return;
      this.#options.port.typing(this.#options.channel_id).catch((error) =>
        this.#options.logger.debug("Typing indicator failed: {error}", {
          error,
        })
      );
      this.#timer = this.#options.timers.setTimeout(
        tick,
        this.#options.typing_interval_ms ?? 8_000,
      );
    };
    // A fast model's first words come before typing would even show: only type when it takes longer.
    this.#timer = this.#options.timers.setTimeout(
      tick,
      this.#options.typing_delay_ms ?? 250,
    );
  }

  /** Stops typing; a pending indicator is not sent. */
  stop(): void {
    this.#typing = false;
    this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
