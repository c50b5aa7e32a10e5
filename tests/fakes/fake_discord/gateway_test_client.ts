/** A gateway frame as received by the test client. */
export interface GatewayFrame {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** How a connection ended. */
export interface ClosedInfo {
  code: number;
  reason: string;
}

/**
 * A minimal gateway client for tests of the fake: connects with `?v=10&encoding=json`,
 * queues every frame, and lets a test take the next frame matching a filter. `close()` and
 * `closed` settle once the socket is fully closed, so no resource outlives the test.
 */
export class GatewayTestClient {
  readonly #socket: WebSocket;
  readonly #frames: GatewayFrame[] = [];
  readonly #waiters = new Set<() => void>();
  /** Every text frame received, in order (raw). */
  readonly raw: string[] = [];
  /** Settles when the socket has closed, with the close code and reason. */
  readonly closed: Promise<ClosedInfo>;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.addEventListener("close", (event) => {
        resolve({ code: event.code, reason: event.reason });
        for (const wake of this.#waiters) wake();
      });
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      this.raw.push(event.data);
      try {
        this.#frames.push(JSON.parse(event.data));
      } catch {
        // Malformed frames stay in `raw` only.
      }
      for (const wake of this.#waiters) wake();
    });
  }

  /** Opens a connection to `url` (query `?v=10&encoding=json` unless `query` is given). */
  static connect(
    url: string,
    query = "?v=10&encoding=json",
  ): Promise<GatewayTestClient> {
    const socket = new WebSocket(url + query);
    const client = new GatewayTestClient(socket);
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(client), { once: true });
      socket.addEventListener(
        "error",
        () => reject(new Error(`Cannot connect to ${url}`)),
        {
          once: true,
        },
      );
    });
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Sends a payload as JSON text (or a string as is). */
  send(payload: unknown): void {
    this.#socket.send(
      typeof payload === "string" ? payload : JSON.stringify(payload),
    );
  }

  /** Sends IDENTIFY with the given token and intents. */
  identify(
    token: string,
    intents: number,
    extra: Record<string, unknown> = {},
  ): void {
    this.send({
      op: 2,
      d: {
        token,
        intents,
        properties: { os: "linux", browser: "fake-test", device: "fake-test" },
        ...extra,
      },
    });
  }

  /**
   * Removes and returns the first queued frame matching `filter` (default: any), waiting for
   * one up to `timeoutMs`. Rejects if the socket closes or the time runs out first.
   */
  next(
    filter: (frame: GatewayFrame) => boolean = () => true,
    timeoutMs = 2000,
  ) {
    return new Promise<GatewayFrame>((resolve, reject) => {
      const check = () => {
        const index = this.#frames.findIndex(filter);
        if (index >= 0) {
          finish();
          resolve(this.#frames.splice(index, 1)[0] as GatewayFrame);
        } else if (this.#socket.readyState === WebSocket.CLOSED) {
          finish();
          reject(
            new Error(
              "The gateway connection closed before the expected frame",
            ),
          );
        }
      };
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`No matching gateway frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** The next dispatch of type `t`. */
  nextDispatch(t: string, timeoutMs = 2000): Promise<GatewayFrame> {
    return this.next((f) => f.op === 0 && f.t === t, timeoutMs);
  }

  /** Closes the socket (if open) and waits until it is closed. */
  async close(code = 1000, reason = ""): Promise<ClosedInfo> {
    const state = this.#socket.readyState;
    if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) {
      this.#socket.close(code, reason);
    }
    return await this.closed;
  }
}
