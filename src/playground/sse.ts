/**
 * Server-sent events: a `text/event-stream` response the handler writes
 * events into. Every event's data is JSON, passed through `redact` first.
 * Writing after the page went away is ignored.
 *
 * @module
 */

/** An open event stream. */
export interface EventStream {
  /** The response to return from the handler. */
  response: Response;
  send(event: string, data: unknown): void;
  close(): void;
  /** Resolves when the page disconnects or `close()` is called. */
  closed: Promise<void>;
}

/** Opens an event stream; `redact` cleans every event's JSON text. */
export function openEventStream(redact: (text: string) => string): EventStream {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let finished = false;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => resolveClosed = resolve);
  const finish = () => {
    if (finished) return;
    finished = true;
    resolveClosed();
  };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(encoder.encode(": playground\n\n"));
    },
    cancel() {
      finish();
    },
  });
  return {
    response: new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    }),
    send(event, data) {
      if (finished || controller === null) return;
      const json = redact(JSON.stringify(data));
      controller.enqueue(encoder.encode(`event: ${event}\ndata: ${json}\n\n`));
    },
    close() {
      if (finished) return;
      finish();
      try {
        controller?.close();
      } catch {
        // the page already went away
      }
    },
    closed,
  };
}
