/**
 * The port through which a turn shows its reply. Each transport implements
 * it: Discord posts and edits messages within its rate limits, the terminal
 * prints. Stages never talk to a platform directly; they call this.
 *
 * @module
 */

/** Where one turn's reply goes. */
export interface ReplyTarget {
  /**
   * Signals that an answer is being prepared (Discord: the typing
   * indicator, repeated until text arrives or `stopTyping` is called).
   */
  startTyping(): void;
  /** Ends the typing signal. Safe to call when not typing. */
  stopTyping(): void;
  /**
   * Shows the reply so far as message-sized chunks: all but the last are
   * final, the last may still grow. Called often while streaming, with
   * `done: true` exactly once at the end; the transport may skip
   * intermediate states but must deliver the final one exactly.
   */
  show(chunks: readonly string[], done: boolean): Promise<void>;
  /** Sends a short notice (rate limited, queue full, an error) in reply to the message. */
  notice(text: string): Promise<void>;
  /**
   * Whether the reply pings the person it answers (their `/settings ping`),
   * overriding the transport's default; transports that cannot ping omit it.
   */
  setPing?(ping: boolean): void;
  /**
   * Tells the transport which persona speaks (Discord: a webhook posts under
   * its name and avatar). Called once per turn, before any text is shown.
   */
  speakAs?(
    speaker: { display_name: string; avatar_url?: string | undefined },
  ): void;
  /** Platform ids of the messages posted for this reply so far, in order. */
  readonly posted_ids: readonly string[];
  /**
   * The transport's name ("discord"): turns taken through it are stored for
   * start-up recovery under this name. Absent: "terminal".
   */
  readonly transport?: string;
  /**
   * Calls `listener` after every send or edit the platform accepted, with
   * the reply's messages as they now stand, so the turn can store what the
   * user sees. Transports that cannot lose a reply (the terminal) omit it.
   */
  watchDelivery?(listener: (posted: readonly PostedPart[]) => void): void;
}

/** One posted message of a reply, as the platform accepted it. */
export interface PostedPart {
  id: string;
  content: string;
}
