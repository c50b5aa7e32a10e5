/** One dispatch frame as sent on the wire. */
export interface DispatchFrame {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

/** An open WebSocket connection to the fake gateway. */
export interface GatewayConnection {
  id: number;
  socket: WebSocket;
  session: GatewaySession | null;
  query: URLSearchParams;
  /** Set when the fake itself closed this connection (its close code is then not the client's). */
  closedByServer: boolean;
}

/**
 * A gateway session: created by IDENTIFY, kept across connections so RESUME can replay the
 * dispatches the client missed. `alive` is false once the session can no longer be resumed.
 */
export interface GatewaySession {
  id: string;
  intents: number;
  /** `[shard_id, num_shards]` from IDENTIFY, `[0, 1]` when absent. */
  shard: [number, number];
  /** The last sequence number used. */
  seq: number;
  log: DispatchFrame[];
  connection: GatewayConnection | null;
  alive: boolean;
  /** The IDENTIFY `d` as received. */
  identify: Record<string, unknown>;
}

/** Close codes after which Discord does not allow a RESUME (docs: "Resume: false"). */
export const NON_RESUMABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  4001,
  4003,
  4004,
  4005,
  4007,
  4009,
  4010,
  4011,
  4012,
  4013,
  4014,
]);

/** Discord's gateway close codes with their descriptions, for close reasons. */
export const CLOSE_REASONS: Readonly<Record<number, string>> = {
  4000: "Unknown error.",
  4001: "Unknown opcode.",
  4002: "Decode error.",
  4003: "Not authenticated.",
  4004: "Authentication failed.",
  4005: "Already authenticated.",
  4007: "Invalid seq.",
  4008: "Rate limited.",
  4009: "Session timed out.",
  4010: "Invalid shard.",
  4011: "Sharding required.",
  4012: "Invalid API version.",
  4013: "Invalid intent(s).",
  4014: "Disallowed intent(s).",
};

/** Whether a guild belongs to a shard: `(guild_id >> 22) % num_shards == shard_id`. */
export function guildOnShard(
  guildId: string,
  shard: [number, number],
): boolean {
  return Number((BigInt(guildId) >> 22n) % BigInt(shard[1])) === shard[0];
}
