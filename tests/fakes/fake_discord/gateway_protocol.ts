import type { FakeClock } from "./clock.ts";
import type {
  DispatchFrame,
  GatewayConnection,
  GatewaySession,
} from "./gateway_session.ts";
import {
  ALL_KNOWN_INTENTS,
  type GatewayRecord,
  PRIVILEGED_INTENTS,
} from "./types.ts";

/** What the gateway needs from the rest of the fake. */
export interface GatewayOptions {
  hostname: string;
  token: string;
  clock: FakeClock;
  heartbeatIntervalMs: number;
  /** Privileged intents switched on "in the Developer Portal"; others close with 4014. */
  enabledPrivilegedIntents: number;
  /** The READY `d` for a new session. */
  readyData(session: GatewaySession): unknown;
  /** Called right after READY is sent (the fake sends GUILD_CREATEs from here). */
  afterReady(session: GatewaySession): void;
  record(record: GatewayRecord): void;
}

/** The gateway state and actions the protocol handlers use (implemented by `FakeGateway`). */
export interface ProtocolHost {
  readonly options: GatewayOptions;
  readonly sessionsById: Map<string, GatewaySession>;
  readonly identifies: Record<string, unknown>[];
  readonly resumes: string[];
  readonly ackHeartbeats: boolean;
  sessionStartRemaining: number;
  send(connection: GatewayConnection, frame: unknown): void;
  closeConnection(
    connection: GatewayConnection,
    code: number,
    reason?: string,
  ): void;
  endSession(session: GatewaySession): void;
  dispatchTo(session: GatewaySession, t: string, d: unknown): DispatchFrame;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tokenMatches(host: ProtocolHost, token: unknown): boolean {
  return typeof token === "string" &&
    token.replace(/^Bot /, "") === host.options.token;
}

/**
 * Why an IDENTIFY `d` is refused, as the close code Discord would use (4001 malformed, 4004
 * token, 4013 invalid intents, 4014 privileged intents not enabled, 4010 shard), or null.
 */
export function identifyCloseCode(
  d: Record<string, unknown>,
  token: string,
  enabledPrivilegedIntents: number,
): number | null {
  if (!isRecord(d.properties)) return 4001;
  if (typeof d.token !== "string" || d.token.replace(/^Bot /, "") !== token) {
    return 4004;
  }
  const intents = d.intents;
  if (
    typeof intents !== "number" || !Number.isInteger(intents) || intents < 0
  ) return 4013;
  if ((intents & ~ALL_KNOWN_INTENTS) !== 0) return 4013;
  if ((intents & PRIVILEGED_INTENTS & ~enabledPrivilegedIntents) !== 0) {
    return 4014;
  }
  const shard = d.shard ?? [0, 1];
  if (
    !Array.isArray(shard) || shard.length !== 2 ||
    !shard.every(Number.isInteger) ||
    shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1]
  ) return 4010;
  return null;
}

function identify(
  host: ProtocolHost,
  connection: GatewayConnection,
  d: unknown,
): void {
  if (isRecord(d)) host.identifies.push(d);
  if (connection.session) return host.closeConnection(connection, 4005);
  if (!isRecord(d)) return host.closeConnection(connection, 4001);
  const refusal = identifyCloseCode(
    d,
    host.options.token,
    host.options.enabledPrivilegedIntents,
  );
  if (refusal !== null) return host.closeConnection(connection, refusal);
  const shard = (d.shard ?? [0, 1]) as [number, number];
  host.sessionStartRemaining = Math.max(0, host.sessionStartRemaining - 1);
  const session: GatewaySession = {
    id: crypto.randomUUID().replaceAll("-", ""),
    intents: d.intents as number,
    shard: [shard[0], shard[1]],
    seq: 0,
    log: [],
    connection,
    alive: true,
    identify: d,
  };
  host.sessionsById.set(session.id, session);
  connection.session = session;
  host.dispatchTo(session, "READY", host.options.readyData(session));
  host.options.afterReady(session);
}

function resume(
  host: ProtocolHost,
  connection: GatewayConnection,
  d: unknown,
): void {
  if (connection.session) return host.closeConnection(connection, 4005);
  if (
    !isRecord(d) || typeof d.session_id !== "string" ||
    typeof d.seq !== "number"
  ) {
    return host.closeConnection(connection, 4001);
  }
  if (!tokenMatches(host, d.token)) {
    return host.closeConnection(connection, 4004);
  }
  const session = host.sessionsById.get(d.session_id);
  if (!session?.alive) {
    host.send(connection, { op: 9, d: false, s: null, t: null });
    return;
  }
  if (d.seq > session.seq) {
    host.endSession(session);
    return host.closeConnection(connection, 4007);
  }
  if (session.connection) {
    host.closeConnection(session.connection, 4000, "Resumed elsewhere.");
  }
  session.connection = connection;
  connection.session = session;
  host.resumes.push(session.id);
  const seq = d.seq;
  for (const frame of session.log) {
    if (frame.s > seq) host.send(connection, frame);
  }
  host.dispatchTo(session, "RESUMED", { _trace: ['["fake-gateway"]'] });
}

/**
 * Handles one frame from a client: records it, then answers by opcode — heartbeat → ACK,
 * IDENTIFY → READY (+ GUILD_CREATEs), RESUME → replay + RESUMED or op 9, presence/voice/
 * member requests accepted once identified, anything else closed with Discord's code.
 */
export function handleFrame(
  host: ProtocolHost,
  connection: GatewayConnection,
  data: unknown,
) {
  const raw = typeof data === "string" ? data : "";
  let payload: GatewayRecord["payload"] = null;
  try {
    const parsed: unknown = typeof data === "string" ? JSON.parse(data) : null;
    if (isRecord(parsed)) payload = parsed;
  } catch { /* recorded as null, answered with 4002 below */ }
  host.options.record({
    time: host.options.clock.now(),
    connectionId: connection.id,
    sessionId: connection.session?.id ?? null,
    payload,
    raw,
  });
  if (!payload) return host.closeConnection(connection, 4002);
  switch (payload.op) {
    case 1:
      if (host.ackHeartbeats) {
        host.send(connection, { op: 11, d: null, s: null, t: null });
      }
      return;
    case 2:
      return identify(host, connection, payload.d);
    case 6:
      return resume(host, connection, payload.d);
    case 3:
    case 4:
    case 8:
    case 31:
      if (!connection.session) host.closeConnection(connection, 4003);
      return;
    default:
      return host.closeConnection(connection, 4001);
  }
}
