/**
 * One turn's reply in a Discord channel. The first text is posted as soon
 * as it exists (replying to the trigger message), then edited as the answer
 * grows; when the chunker starts a new chunk, the old message is finished
 * and a new one follows. Every send and edit waits for the channel's
 * throttle, intermediate states are coalesced (only the latest is sent),
 * and the final state is always delivered exactly. A 429 pauses the
 * channel; a missing permission or a vanished channel ends delivery with an
 * error instead of retrying forever.
 *
 * @module
 */

import type { PostedPart, ReplyTarget } from "../pipeline/reply_target.ts";
import { DiscordRequestError } from "./discord_port.ts";
import { neutraliseMassMentions } from "./mass_mentions.ts";
import type { ReplyButton } from "./discord_port.ts";
import type { DiscordReplyOptions } from "./discord_reply_options.ts";
import { attemptDelivery } from "./delivery_attempts.ts";
import { TypingIndicator } from "./typing_indicator.ts";

export type { DiscordReplyOptions } from "./discord_reply_options.ts";

interface Posted {
  id: string;
  content: string;
  /** The buttons it shows, as a key ("" for none; null when unknown). */
  buttons: string | null;
  /** An earlier answer's message (a rerun) this one has not written over yet. */
  reused: boolean;
}

const buttonsKey = (buttons: readonly ReplyButton[]) =>
  buttons.map((b) => b.custom_id).join(" ");

type Operation = { kind: "edit" | "send" | "delete"; index: number };

/** A reply in Discord; see the module doc. */
export class DiscordReply implements ReplyTarget {
  readonly #options: DiscordReplyOptions;
  readonly #posted: Posted[] = [];
  #desired: readonly string[] = [];
  #done = false;
  #draining: Promise<void> | null = null;
  #failure: unknown = null;
  #ping: boolean;
  #lastStreamingOp = -Infinity;
  #firstPostTimer: unknown = undefined;
  /** Ends the pause between two streaming edits early. */
  #wake: (() => void) | null = null;
  readonly #watchers: ((posted: readonly PostedPart[]) => void)[] = [];
  /** Turns taken through Discord are recovered by Discord's start-up. */
  readonly transport = "discord";
  readonly #typing: TypingIndicator;

  constructor(options: DiscordReplyOptions) {
    this.#options = options;
    this.#typing = new TypingIndicator(options);
    this.#ping = options.ping_replied_user;
    for (const { id, content } of options.reuse ?? []) {
      this.#posted.push({ id, content, buttons: null, reused: true });
    }
  }

  speakAs(speaker: Parameters<NonNullable<ReplyTarget["speakAs"]>>[0]): void {
    this.#options.speakAs?.(speaker);
  }

  /** The reply's messages as last posted or edited, in order. */
  get posted(): readonly { id: string; content: string }[] {
    return this.#posted.map(({ id, content }) => ({ id, content }));
  }

  get posted_ids(): readonly string[] {
    return this.#posted.map((p) => p.id);
  }

  watchDelivery(listener: (posted: readonly PostedPart[]) => void): void {
    this.#watchers.push(listener);
  }

  #delivered(): void {
    const posted = this.#posted.map((p) => ({ id: p.id, content: p.content }));
    for (const watcher of this.#watchers) {
      try {
        watcher(posted);
      } catch (error) {
        this.#options.logger.warn("A delivery watcher failed: {error}", {
          error,
        });
      }
    }
  }

  startTyping(): void {
    this.#typing.start();
  }

  stopTyping(): void {
    this.#typing.stop();
  }

  show(chunks: readonly string[], done: boolean): Promise<void> {
    if (this.#failure !== null) {
      return done ? Promise.reject(this.#failure) : Promise.resolve();
    }
    // Model text never pings, even where allowed_mentions is ignored.
    this.#desired = chunks.map((chunk) => neutraliseMassMentions(chunk));
    if (chunks.length > 0) this.stopTyping();
    if (done) {
      this.#done = true;
      this.#wake?.();
    }
    if (!done && this.#posted.length === 0 && this.#draining === null) {
      // Wait a moment before the first post: a fast model's whole answer then
      // goes out in one message instead of a message and an edit.
      this.#firstPostTimer ??= this.#options.timers.setTimeout(() => {
        this.#firstPostTimer = undefined;
        if (this.#draining === null) this.#startDrain();
      }, this.#options.first_post_delay_ms ?? 20);
      return Promise.resolve();
    }
    this.#options.timers.clearTimeout(this.#firstPostTimer);
    this.#firstPostTimer = undefined;
    const drain = this.#draining ?? this.#startDrain();
    return done ? drain.then(() => this.#finished()) : Promise.resolve();
  }

  /** Whether the reply pings the person it answers (their preference). */
  setPing(ping: boolean): void {
    this.#ping = ping;
  }

  async notice(text: string): Promise<void> {
    const { port, throttle, channel_id } = this.#options;
    this.stopTyping();
    await this.#attempt(async () => {
      const done = await throttle.acquire(channel_id);
      try {
        await port.send(channel_id, {
          content: text,
          reply_to: this.#options.trigger_message_id,
          ping_replied_user: this.#ping,
        });
      } finally {
        done();
      }
    });
  }

  #finished(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#nextOperation() !== null) {
      return this.#startDrain().then(() => this.#finished());
    }
    return Promise.resolve();
  }

  #startDrain(): Promise<void> {
    this.#draining = this.#drain().catch((error) => {
      this.#failure = error;
      this.#options.logger.warn(
        "Could not deliver a reply in channel {channel}: {error}",
        {
          channel: this.#options.channel_id,
          error,
        },
      );
    }).finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  async #drain(): Promise<void> {
    const { throttle, channel_id, timers } = this.#options;
    for (;;) {
      if (this.#nextOperation() === null) return;
      if (!this.#done && this.#posted.length > 0) {
        const wait = this.#lastStreamingOp +
          (this.#options.edit_interval_ms ?? 1_000) - timers.now();
        if (wait > 0) {
          // The pause between streaming edits ends early when the answer is done:
          // the final state goes out as soon as the channel's limit allows.
          await new Promise<void>((resolve) => {
            const timer = timers.setTimeout(() => resolve(), wait);
            this.#wake = () => {
              timers.clearTimeout(timer);
              resolve();
            };
          });
          this.#wake = null;
        }
      }
      await this.#attempt(async () => {
        const done = await throttle.acquire(channel_id);
        try {
          // The answer may have grown while we waited: act on the latest state.
          const operation = this.#nextOperation();
          if (operation !== null) await this.#perform(operation);
        } finally {
          done();
        }
      });
      if (!this.#done) this.#lastStreamingOp = timers.now();
    }
  }

  /** The buttons message `index` should show. */
  #buttonsFor(index: number): readonly ReplyButton[] {
    const last = index === this.#desired.length - 1;
    return last && this.#options.buttons
      ? this.#options.buttons(this.#done)
      : [];
  }

  #nextOperation(): Operation | null {
    const desired = this.#desired;
    const buttons = this.#options.buttons !== undefined;
    for (let index = 0; index < this.#posted.length; index++) {
      const wanted = desired[index];
      const posted = this.#posted[index];
      if (
        wanted !== undefined && posted !== undefined &&
        (posted.reused || posted.content !== wanted ||
          (buttons &&
            posted.buttons !== buttonsKey(this.#buttonsFor(index))))
      ) {
        return { kind: "edit", index };
      }
    }
    // A rerun's answer came out shorter: its old messages beyond it go (once it is done).
    if (
      this.#done && desired.length > 0 &&
      this.#posted.length > desired.length && this.#options.port.delete
    ) return { kind: "delete", index: this.#posted.length - 1 };
    if (desired.length > this.#posted.length) {
      return { kind: "send", index: this.#posted.length };
    }
    return null;
  }

  async #perform(operation: Operation): Promise<void> {
    const { port, channel_id } = this.#options;
    const content = this.#desired[operation.index] ?? "";
    const buttons = this.#options.buttons
      ? this.#buttonsFor(operation.index)
      : undefined;
    if (operation.kind === "send") {
      const first = operation.index === 0;
      const sent = await port.send(channel_id, {
        content,
        reply_to: first ? this.#options.trigger_message_id : undefined,
        ping_replied_user: first && this.#ping,
        ...(buttons?.length ? { buttons } : {}),
        // The same turn's n-th message: repeating the send (after a lost
        // answer, or a restart) returns the message instead of a second one.
        nonce: `${this.#options.trigger_message_id}.${operation.index}`
          .slice(-25),
      });
      // For a repeated nonce Discord answers with the first message as it stands:
      // a differing content is edited to the latest state next.
      this.#posted.push({
        id: sent.id,
        content: sent.content,
        buttons: buttonsKey(buttons ?? []),
        reused: false,
      });
      this.#delivered();
      return;
    }
    const posted = this.#posted[operation.index];
    if (posted === undefined) return;
    if (operation.kind === "delete") {
      await port.delete?.(channel_id, posted.id).catch((error) => {
        if (
          !(error instanceof DiscordRequestError) ||
          error.kind !== "unknown_message"
        ) throw error;
      });
      this.#posted.pop();
      return;
    }
    try {
      await port.edit(channel_id, posted.id, content, buttons);
    } catch (error) {
      if (
        !(error instanceof DiscordRequestError) ||
        error.kind !== "unknown_message"
      ) throw error;
      this.#options.logger.info(
        "A reply message was deleted while streaming; leaving it out",
      );
    }
    posted.content = content;
    posted.buttons = buttonsKey(buttons ?? []);
    posted.reused = false;
    this.#delivered();
  }

  #attempt(action: () => Promise<void>): Promise<void> {
    return attemptDelivery(action, this.#options);
  }
}
