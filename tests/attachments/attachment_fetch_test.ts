import assert from "node:assert/strict";
import { createAttachmentFetcher } from "../../src/attachments/attachment_fetch.ts";
import { FakeTimers } from "../support/fake_timers.ts";

/** A loopback file server; `hang` keeps a body open until the test ends. */
function serve(handler: (req: Request) => Response) {
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const url = new URL(req.url);
      seen.push(url.pathname + url.search);
      return handler(req);
    },
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return { server, origin, seen };
}

Deno.test("read() streams at most max_bytes and says the file was longer", async () => {
  let sent = 0;
  const { server, origin } = serve(() => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 4 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain" } });
  });
  try {
    const fetcher = createAttachmentFetcher({ extra_origins: [origin] });
    const result = await fetcher.read(`${origin}/a.txt`, 100_000);
    assert.ok(result.ok);
    assert.equal(result.bytes.length, 100_000);
    assert.equal(result.truncated, true);
    assert.equal(result.content_type, "text/plain");
    assert.ok(sent < 4 * 1024 * 1024, "the download stopped early");
  } finally {
    await server.shutdown();
  }
});

Deno.test("read() of a file exactly max_bytes long is not truncated", async () => {
  const { server, origin } = serve(() => new Response("12345"));
  try {
    const fetcher = createAttachmentFetcher({ extra_origins: [origin] });
    const result = await fetcher.read(`${origin}/f`, 5);
    assert.ok(result.ok);
    assert.equal(new TextDecoder().decode(result.bytes), "12345");
    assert.equal(result.truncated, false);
  } finally {
    await server.shutdown();
  }
});

Deno.test("read() refuses URLs that are not attachment URLs without fetching them", async (t) => {
  const { server, origin, seen } = serve(() => new Response("secret"));
  try {
    const fetcher = createAttachmentFetcher({ extra_origins: [] });
    for (
      const url of [
        `${origin}/x`,
        "http://cdn.discordapp.com/attachments/1/2/a.txt",
        "https://cdn.discordapp.com:8443/attachments/1/2/a.txt",
        "https://user:pw@cdn.discordapp.com/attachments/1/2/a.txt",
        "https://cdn.discordapp.com.evil.example/a.txt",
        "file:///etc/passwd",
        "not a url",
      ]
    ) {
      await t.step(url, async () => {
        const result = await fetcher.read(url, 1000);
        assert.deepEqual(result, {
          ok: false,
          reason: "not an attachment URL",
        });
      });
    }
    assert.deepEqual(seen, []);
  } finally {
    await server.shutdown();
  }
});

Deno.test("read() does not follow a redirect", async () => {
  const { server, origin, seen } = serve((req) =>
    new URL(req.url).pathname === "/a"
      ? new Response(null, { status: 302, headers: { location: "/b" } })
      : new Response("elsewhere")
  );
  try {
    const fetcher = createAttachmentFetcher({ extra_origins: [origin] });
    assert.deepEqual(await fetcher.read(`${origin}/a`, 1000), {
      ok: false,
      reason: "redirected",
    });
    assert.deepEqual(seen, ["/a"]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("read() gives up when the timeout passes, also in the middle of the body", async () => {
  const timers = new FakeTimers();
  let started: () => void = () => {};
  const bodyStarted = new Promise<void>((resolve) => started = resolve);
  const { server, origin } = serve(() => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("partial"));
        started();
      },
    });
    return new Response(body);
  });
  try {
    const fetcher = createAttachmentFetcher({
      extra_origins: [origin],
      timeout_ms: 15_000,
      setTimeout: ((fn: () => void, ms: number) =>
        timers.setTimeout(fn, ms)) as unknown as typeof setTimeout,
      clearTimeout: ((id: unknown) =>
        timers.clearTimeout(id)) as unknown as typeof clearTimeout,
    });
    const reading = fetcher.read(`${origin}/slow`, 1000);
    await bodyStarted;
    await timers.advance(15_000);
    assert.deepEqual(await reading, { ok: false, reason: "timed out" });
  } finally {
    await server.shutdown();
  }
});
