/**
 * The shards one gateway process owns, written `FIRST-LAST/TOTAL` (in
 * `DISCORD_SHARDS` or `discord.shards`): `0-1/4` is shards 0 and 1 of 4.
 * Discord routes a guild's events to shard `(guild_id >> 22) % TOTAL` and
 * DMs to shard 0, so every process of one bot must use the same TOTAL and
 * together cover 0 to TOTAL-1.
 *
 * @module
 */

/** A parsed shard range. */
export interface ShardRange {
  first: number;
  last: number;
  total: number;
}

const PATTERN = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*\/\s*(\d{1,5})\s*$/;

/**
 * Parses `FIRST-LAST/TOTAL`, or returns why it is not one (`FIRST` must not
 * be above `LAST`, `LAST` must be below `TOTAL`).
 */
export function parseShardRange(text: string): ShardRange | string {
  const match = PATTERN.exec(text);
  if (match === null) {
    return `expected FIRST-LAST/TOTAL, e.g. 0-1/4 (shards 0 and 1 of 4), got ${
      JSON.stringify(text)
    }`;
  }
  const [first, last, total] = [match[1], match[2], match[3]].map(Number) as [
    number,
    number,
    number,
  ];
  if (total < 1) return "TOTAL must be at least 1";
  if (first > last) return `FIRST (${first}) is above LAST (${last})`;
  if (last >= total) {
    return `LAST (${last}) must be below TOTAL (${total}): shards are numbered from 0`;
  }
  return { first, last, total };
}

/** `FIRST-LAST/TOTAL`, the label metrics and logs use. */
export function formatShardRange(range: ShardRange): string {
  return `${range.first}-${range.last}/${range.total}`;
}

/** The shard a guild's events arrive on: `(guild_id >> 22) % total`; DMs (no guild) on 0. */
export function shardOfGuild(guild_id: string, total: number): number {
  if (guild_id === "") return 0;
  return Number((BigInt(guild_id) >> 22n) % BigInt(total));
}
