/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds; snowflakes count from it. */
export const DISCORD_EPOCH_MS = 1420070400000n;

/**
 * Generates Discord-style snowflakes as decimal strings: the timestamp from `now()` in the top
 * bits, an increment below, and strictly increasing even when the clock stands still.
 */
export class SnowflakeGenerator {
  #last = 0n;
  readonly #now: () => number;

  /** Creates a generator reading time from `now` (milliseconds since the Unix epoch). */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** The next snowflake, larger than every one generated before. */
  next(): string {
    const fromClock = (BigInt(Math.floor(this.#now())) - DISCORD_EPOCH_MS) <<
      22n;
    this.#last = fromClock > this.#last ? fromClock : this.#last + 1n;
    return this.#last.toString();
  }
}

/** The creation time (ms since the Unix epoch) encoded in a snowflake string. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH_MS);
}

/**
 * A token shaped like a real bot token: the base64 of the bot id (unpadded, as Discord does),
 * then two more dot-separated parts. Discordeno decodes the bot id from the first part.
 */
export function fakeBotToken(botId: string): string {
  const head = btoa(botId).replace(/=+$/, "");
  const tail = crypto.randomUUID().replaceAll("-", "");
  return `${head}.FAKE00.${tail}`;
}
