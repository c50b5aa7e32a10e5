/** Small builders shared by pipeline tests. */
import type { IncomingMessage } from "../../src/pipeline/incoming_message.ts";
import type { ReplyTarget } from "../../src/pipeline/reply_target.ts";
import { BOT_ID, CHANNEL, GUILD } from "./test_config.ts";

let sequence = 0;

/** A message mentioning the bot in the shared test channel; override anything. */
export function message(
  overrides: Partial<IncomingMessage> & { text?: string } = {},
): IncomingMessage {
  sequence += 1;
  const { text, ...rest } = overrides;
  return {
    id: `5000000000000${String(sequence).padStart(5, "0")}`,
    channel_id: CHANNEL,
    parent_channel_id: "",
    guild_id: GUILD,
    guild_name: "Test Server",
    channel_name: "general",
    author: {
      id: "400000000000000001",
      display_name: "Alice",
      is_bot: false,
      is_webhook: false,
      role_ids: [],
    },
    content: `<@${BOT_ID}> ${text ?? "hello"}`,
    mentions_bot: true,
    reply_to: null,
    created_at: 0,
    ...rest,
  };
}

/** A reply target that records everything it is asked to show. */
export class RecordingReply implements ReplyTarget {
  readonly posted_ids: string[] = [];
  readonly shows: { chunks: string[]; done: boolean }[] = [];
  readonly notices: string[] = [];
  typing = 0;
  typingNow = false;

  startTyping(): void {
    this.typing += 1;
    this.typingNow = true;
  }

  stopTyping(): void {
    this.typingNow = false;
  }

  show(chunks: readonly string[], done: boolean): Promise<void> {
    if (this.posted_ids.length === 0) {
      this.posted_ids.push(
        `6000000000000${String(++sequence).padStart(5, "0")}`,
      );
    }
    this.shows.push({ chunks: [...chunks], done });
    return Promise.resolve();
  }

  notice(text: string): Promise<void> {
    this.notices.push(text);
    return Promise.resolve();
  }

  /** The final text shown, chunks joined. */
  get finalText(): string {
    const last = this.shows.findLast((s) => s.done);
    return last ? last.chunks.join("") : "";
  }
}
