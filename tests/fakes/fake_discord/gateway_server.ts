import {
  CLOSE_REASONS,
  type DispatchFrame,
  type GatewayConnection,
  type GatewaySession,
  NON_RESUMABLE_CLOSE_CODES,
} from "./gateway_session.ts";
import {
  type GatewayOptions,
  handleFrame,
  type ProtocolHost,
} from "./gateway_protocol.ts";

/**
 * A Discord gateway v10 over loopback (JSON encoding, text frames): HELLO, IDENTIFY → READY,
 * heartbeats, RESUME with replay, op 7/9, close codes, and dispatches with sequence numbers.
 * Runs on its own listener so it can vanish and come back while REST stays up.
 */
export class FakeGateway implements ProtocolHost {
  /** What the gateway was created with. */
  readonly options: GatewayOptions;
  /** Sessions by id, including ones that can no longer be resumed until they are dropped. */
  readonly sessionsById = new Map<string, GatewaySession>();
  readonly #connections = new Set<GatewayConnection>();
  #server: Deno.HttpServer<Deno.NetAddr> | null = null;
  #abort: AbortController | null = null;
  #port = 0;
  #nextConnectionId = 0;
  /** Whether heartbeats get an ACK (turn off to make the client see a zombie connection). */
  ackHeartbeats = true;
  /** IDENTIFY payloads accepted or refused, in order. */
  readonly identifies: Record<string, unknown>[] = [];
  /** Session ids of accepted RESUMEs, in order. */
  readonly resumes: string[] = [];
  /** Identifies left in the session-start limit. */
  sessionStartRemaining = 1000;

  /** Creates a gateway; call `listen()` to start it. */
  constructor(options: GatewayOptions) {
    this.options = options;
  }

  /** The WebSocket URL, without query (clients add `?v=10&encoding=json`). */
  get url(): string {
    return `ws://${this.options.hostname}:${this.#port}`;
  }

  /** Live sessions (resumable or connected). */
  get sessions(): GatewaySession[] {
    return [...this.sessionsById.values()].filter((s) => s.alive);
  }

  /** Number of open WebSocket connections. */
  get openConnections(): number {
    return this.#connections.size;
  }

  /** Starts listening (on a free port the first time, on the same port after `vanish()`). */
  listen(): void {
    if (this.#server) return;
    this.#abort = new AbortController();
    this.#server = Deno.serve({
      hostname: this.options.hostname,
      port: this.#port,
      signal: this.#abort.signal,
      onListen: () => {},
      onError: () => new Response("gateway error", { status: 500 }),
    }, (req) => this.#accept(req));
    this.#port = this.#server.addr.port;
  }

  /** Drops every connection without a close frame and stops accepting; sessions stay resumable. */
  async vanish(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    this.#abort?.abort();
    await server.finished;
    for (const connection of this.#connections) this.#detach(connection);
    this.#connections.clear();
  }

  /** Comes back after `vanish()` on the same port (same as `listen()`). */
  restore(): void {
    this.listen();
  }

  /** Stops the gateway for good. */
  async close(): Promise<void> {
    await this.vanish();
  }

  /** Sends a dispatch to every live session that `build` returns data for (undefined skips). */
  dispatch(t: string, build: (session: GatewaySession) => unknown): number {
    let delivered = 0;
    for (const session of this.sessions) {
      const d = build(session);
      if (d === undefined) continue;
      this.dispatchTo(session, t, d);
      delivered += 1;
    }
    return delivered;
  }

  /** Sends one dispatch to one session (logged for RESUME even while disconnected). */
  dispatchTo(session: GatewaySession, t: string, d: unknown): DispatchFrame {
    session.seq += 1;
    const frame: DispatchFrame = { op: 0, t, s: session.seq, d };
    session.log.push(frame);
    if (session.connection) this.send(session.connection, frame);
    return frame;
  }

  /** Sends a raw frame to every open connection: text as is, objects as JSON, bytes as binary. */
  sendRaw(payload: string | Uint8Array | Record<string, unknown>): void {
    for (const connection of this.#connections) {
      if (connection.socket.readyState !== WebSocket.OPEN) continue;
      if (typeof payload === "string" || payload instanceof Uint8Array) {
        connection.socket.send(payload);
      } else connection.socket.send(JSON.stringify(payload));
    }
  }

  /** Closes every connection with `code`; codes Discord marks "Resume: false" end the session. */
  closeConnections(
    code: number,
    reason: string = CLOSE_REASONS[code] ?? "Closed by the fake.",
  ): void {
    for (const connection of [...this.#connections]) {
      this.closeConnection(connection, code, reason);
    }
  }

  /** Sends op 9 Invalid Session to every connected session; `false` ends the sessions. */
  invalidateSessions(resumable: boolean): void {
    for (const connection of this.#connections) {
      if (!connection.session) continue;
      this.send(connection, { op: 9, d: resumable, s: null, t: null });
      if (!resumable) this.endSession(connection.session);
    }
  }

  /** Sends op 7 Reconnect to every open connection. */
  requestReconnect(): void {
    for (const connection of this.#connections) {
      this.send(connection, { op: 7, d: null, s: null, t: null });
    }
  }

  /** Sends op 1 Heartbeat (a heartbeat request) to every open connection. */
  requestHeartbeat(): void {
    for (const connection of this.#connections) {
      this.send(connection, {
        op: 1,
        d: connection.session?.seq ?? null,
        s: null,
        t: null,
      });
    }
  }

  #accept(req: Request): Response {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    const connection: GatewayConnection = {
      id: ++this.#nextConnectionId,
      socket,
      session: null,
      query: new URL(req.url).searchParams,
      closedByServer: false,
    };
    this.#connections.add(connection);
    socket.onopen = () => this.#opened(connection);
    socket.onmessage = (event) => handleFrame(this, connection, event.data);
    socket.onclose = (event) => this.#closed(connection, event.code);
    socket.onerror = () => {};
    return response;
  }

  #opened(connection: GatewayConnection): void {
    const version = connection.query.get("v");
    if (version !== "10") {
      return this.closeConnection(connection, 4012);
    }
    const encoding = connection.query.get("encoding") ?? "json";
    if (encoding !== "json") {
      return this.closeConnection(
        connection,
        4002,
        "The fake speaks JSON only.",
      );
    }
    this.send(connection, {
      op: 10,
      d: {
        heartbeat_interval: this.options.heartbeatIntervalMs,
        _trace: ['["fake-gateway"]'],
      },
      s: null,
      t: null,
    });
  }

  /** Sends a frame as JSON text if the connection is open. */
  send(connection: GatewayConnection, frame: unknown): void {
    if (connection.socket.readyState === WebSocket.OPEN) {
      connection.socket.send(JSON.stringify(frame));
    }
  }

  /** Closes one connection; codes Discord marks "Resume: false" end its session. */
  closeConnection(
    connection: GatewayConnection,
    code: number,
    reason: string = CLOSE_REASONS[code] ?? "Closed by the fake.",
  ): void {
    connection.closedByServer = true;
    if (connection.session && NON_RESUMABLE_CLOSE_CODES.has(code)) {
      this.endSession(connection.session);
    }
    this.#detach(connection);
    const state = connection.socket.readyState;
    if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) {
      connection.socket.close(code, reason);
    }
  }

  #closed(connection: GatewayConnection, code: number): void {
    const session = connection.session;
    // Discord ends a session the client closes with 1000 or 1001.
    if (
      session && !connection.closedByServer && (code === 1000 || code === 1001)
    ) {
      this.endSession(session);
    }
    this.#detach(connection);
    this.#connections.delete(connection);
  }

  #detach(connection: GatewayConnection): void {
    if (connection.session?.connection === connection) {
      connection.session.connection = null;
    }
    connection.session = null;
  }

  /** Ends a session: it gets no more dispatches and cannot be resumed. */
  endSession(session: GatewaySession): void {
    session.alive = false;
    this.sessionsById.delete(session.id);
  }
}
