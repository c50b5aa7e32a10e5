/**
 * A PostgreSQL server that asks for a password and refuses it, speaking the
 * real wire protocol (v3): it answers the startup message with
 * AuthenticationCleartextPassword, reads the PasswordMessage and replies
 * with the ErrorResponse a real server sends for a wrong password (SQLSTATE
 * 28P01), then closes. Records the passwords it was sent.
 *
 * @module
 */

/** The fake server: its port, the passwords received, and `close()`. */
export interface FakePostgresAuth {
  port: number;
  passwords: string[];
  close(): Promise<void>;
}

/** Starts the fake on a random loopback port. */
export function startFakePostgresAuth(): FakePostgresAuth {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const passwords: string[] = [];
  const connections = new Set<Promise<void>>();
  const accepting = (async () => {
    for await (const conn of listener) {
      const handled = handle(conn, passwords).finally(() =>
        connections.delete(handled)
      );
      connections.add(handled);
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    passwords,
    async close() {
      listener.close();
      await accepting.catch(() => {});
      await Promise.all(connections);
    },
  };
}

async function handle(conn: Deno.Conn, passwords: string[]): Promise<void> {
  try {
    await readStartup(conn);
    await conn.write(authCleartext());
    const message = await readMessage(conn);
    if (message !== null && message.type === "p") {
      passwords.push(new TextDecoder().decode(message.body).replace(/\0$/, ""));
    }
    await conn.write(
      errorResponse("28P01", 'password authentication failed for user "bot"'),
    );
  } catch {
    // The client went away: nothing to answer.
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

async function readExactly(conn: Deno.Conn, size: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(size);
  let read = 0;
  while (read < size) {
    const n = await conn.read(buffer.subarray(read));
    if (n === null) throw new Error("connection closed");
    read += n;
  }
  return buffer;
}

async function readStartup(conn: Deno.Conn): Promise<void> {
  const head = await readExactly(conn, 4);
  const length = new DataView(head.buffer).getInt32(0);
  await readExactly(conn, length - 4);
}

async function readMessage(
  conn: Deno.Conn,
): Promise<{ type: string; body: Uint8Array } | null> {
  const head = await readExactly(conn, 5);
  const type = String.fromCharCode(head[0] ?? 0);
  const length = new DataView(head.buffer).getInt32(1);
  return { type, body: await readExactly(conn, length - 4) };
}

function authCleartext(): Uint8Array {
  const out = new Uint8Array(9);
  const view = new DataView(out.buffer);
  out[0] = "R".charCodeAt(0);
  view.setInt32(1, 8);
  view.setInt32(5, 3);
  return out;
}

function errorResponse(code: string, message: string): Uint8Array {
  const fields = `SFATAL\0VFATAL\0C${code}\0M${message}\0\0`;
  const body = new TextEncoder().encode(fields);
  const out = new Uint8Array(5 + body.length);
  out[0] = "E".charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}
