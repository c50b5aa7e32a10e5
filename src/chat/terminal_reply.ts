/**
 * The terminal's reply target: prints the reply as it streams. The terminal
 * takes replies of any length, so the chunker gives it one growing chunk
 * and only the new part is printed each time.
 *
 * @module
 */

import type { ReplyTarget } from "../pipeline/reply_target.ts";

/** Prints one turn's reply to a writer. */
export class TerminalReply implements ReplyTarget {
  readonly posted_ids: string[] = [];
  readonly #write: (text: string) => void;
  readonly #prefix: string;
  #printed = "";
  #started = false;

  /** `prefix` goes before the reply (e.g. "Helper: " on a terminal, "" when piped). */
  constructor(write: (text: string) => void, prefix: string) {
    this.#write = write;
    this.#prefix = prefix;
  }

  startTyping(): void {}

  stopTyping(): void {}

  show(chunks: readonly string[], done: boolean): Promise<void> {
    const text = chunks.join("\n");
    if (!this.#started) {
      this.#started = true;
      this.#write(this.#prefix);
      this.posted_ids.push(`terminal-${crypto.randomUUID()}`);
    }
    if (text.startsWith(this.#printed)) {
      this.#write(text.slice(this.#printed.length));
    } else {
      this.#write(`\n${text}`); // the chunker revised earlier text: print it whole again
    }
    this.#printed = text;
    if (done) this.#write("\n");
    return Promise.resolve();
  }

  notice(text: string): Promise<void> {
    if (this.#started && !this.#printed.endsWith("\n")) this.#write("\n");
    this.#write(`${text}\n`);
    return Promise.resolve();
  }
}
