/**
 * The playground's reply target: each time the chunker shows the reply, the
 * messages that changed are sent to the page as events, with the HTML
 * Discord's client would show. One chunk is one Discord message.
 *
 * @module
 */

import type { ReplyTarget } from "../pipeline/reply_target.ts";
import { renderDiscordMarkdown } from "./discord_markdown.ts";

/** The transport name playground turns are stored under. */
export const PLAYGROUND_TRANSPORT = "playground";

/** Sends one event to the page (see `sse.ts`). */
export type SendEvent = (event: string, data: unknown) => void;

/** One Discord message of a reply, as the page gets it. */
export interface ShownMessage {
  index: number;
  id: string;
  text: string;
  html: string;
  chars: number;
}

/** Streams one turn's reply to the page. */
export class PlaygroundReply implements ReplyTarget {
  readonly posted_ids: string[] = [];
  /** Stored turns are marked as the playground's: Discord's start-up recovery never touches them. */
  readonly transport = PLAYGROUND_TRANSPORT;
  readonly #send: SendEvent;
  readonly #shown: string[] = [];
  #typing = false;

  constructor(send: SendEvent) {
    this.#send = send;
  }

  startTyping(): void {
    if (this.#typing) return;
    this.#typing = true;
    this.#send("typing", { typing: true });
  }

  stopTyping(): void {
    if (!this.#typing) return;
    this.#typing = false;
    this.#send("typing", { typing: false });
  }

  show(chunks: readonly string[], done: boolean): Promise<void> {
    const changed: ShownMessage[] = [];
    chunks.forEach((whole, index) => {
      // While streaming, the last word waits until it is complete: a secret
      // the model is spelling out is redacted only once it is all there.
      const text = !done && index === chunks.length - 1
        ? whole.replace(/\S+$/, "")
        : whole;
      if (this.posted_ids[index] === undefined) {
        this.posted_ids.push(`playground-${crypto.randomUUID()}`);
      }
      if ((this.#shown[index] === text || text === "") && !done) return;
      this.#shown[index] = text;
      changed.push({
        index,
        id: this.posted_ids[index] ?? "",
        text,
        html: renderDiscordMarkdown(text),
        chars: text.length,
      });
    });
    if (changed.length > 0 || done) {
      this.#send("chunks", { messages: changed, count: chunks.length, done });
    }
    return Promise.resolve();
  }

  notice(text: string): Promise<void> {
    this.#send("notice", { text, html: renderDiscordMarkdown(text) });
    return Promise.resolve();
  }
}
