/**
 * The REST proxy (`deno task rest`) in front of the fake Discord: it refuses
 * a request without the shared secret, forwards the others with the bot
 * token (never the secret), and passes Discord's answers — errors included —
 * back unchanged. A request its client gave up on while it was queued is
 * never sent.
 */
import assert from "node:assert/strict";
import { startRestProxy } from "../../src/discord/rest_proxy.ts";
import { log } from "../../src/log/logging.ts";
import type { FakeDiscord } from "../fakes/fake_discord/fake_discord.ts";
import {
  CHANNEL,
  GUILD,
  startFake,
} from "../fakes/fake_discord/test_support.ts";

const SECRET = "proxy-secret-123";

/** The proxy in front of `fake`, on a free loopback port. */
function proxyFor(fake: FakeDiscord) {
  return startRestProxy({
    token: fake.token,
    secret: SECRET,
    api_base_url: fake.restBaseUrl,
    hostname: "127.0.0.1",
    port: 0,
    logger: log("test"),
  });
}

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  authorization: string | null = SECRET,
) {
  const headers: Record<string, string> = {};
  if (authorization !== null) headers.authorization = authorization;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${url}/v10${path}`, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

Deno.test("the REST proxy forwards calls carrying the secret with the bot token, and refuses the rest", async () => {
  const fake = startFake();
  const proxy = proxyFor(fake);
  try {
    const refused = await call(
      proxy.url,
      "GET",
      "/gateway/bot",
      undefined,
      null,
    );
    assert.equal(refused.status, 401);
    const wrong = await call(
      proxy.url,
      "GET",
      "/gateway/bot",
      undefined,
      "nope",
    );
    assert.equal(wrong.status, 401);
    assert.equal(fake.requestsTo("GET /gateway/bot").length, 0);

    const sent = await call(
      proxy.url,
      "POST",
      `/channels/${CHANNEL}/messages`,
      {
        content: "hello through the proxy",
        allowed_mentions: { parse: [] },
      },
    );
    assert.equal(sent.status, 200);
    assert.equal(sent.json.content, "hello through the proxy");
    assert.deepEqual(fake.contentsIn(CHANNEL), ["hello through the proxy"]);
    const [record] = fake.requestsTo("POST /channels/{channel}/messages");
    assert.equal(record?.authorized, true);

    const missing = await call(
      proxy.url,
      "GET",
      "/channels/999999999999999999",
    );
    assert.equal(missing.status, 404);
    assert.equal(typeof missing.json.code, "number");
    assert.deepEqual(proxy.stats, {
      forwarded: 2,
      unauthorized: 2,
      dropped: 0,
    });
  } finally {
    await proxy.close();
    await fake.close();
  }
});

Deno.test("the REST proxy never sends a queued request whose client has hung up", async () => {
  const fake = startFake();
  const proxy = proxyFor(fake);
  try {
    let release = () => {};
    fake.failNext({
      route: "POST /channels/{channel}/messages",
      times: 1,
      hold: new Promise<void>((resolve) => release = resolve),
    });
    const send = (content: string, signal: AbortSignal | null = null) =>
      fetch(`${proxy.url}/v10/channels/${CHANNEL}/messages`, {
        method: "POST",
        headers: { authorization: SECRET, "content-type": "application/json" },
        body: JSON.stringify({ content, allowed_mentions: { parse: [] } }),
        signal,
      });
    // The first send is stuck at Discord; the second waits behind it in the
    // proxy's queue for the channel until its client gives up.
    const first = send("first");
    await waitFor(() =>
      fake.requestsTo("POST /channels/{channel}/messages").length === 0 &&
      proxy.stats.forwarded === 1
    );
    const gaveUp = new AbortController();
    const second = send("second", gaveUp.signal).catch((error) => error);
    await waitFor(() => proxy.stats.forwarded === 2);
    gaveUp.abort();
    assert.equal((await second).name, "AbortError");
    release();
    assert.equal((await first).status, 200);
    await (await first).body?.cancel();
    await waitFor(() => proxy.stats.dropped === 1);
    // A later request on the channel goes through as usual.
    const third = await send("third");
    assert.equal(third.status, 200);
    await third.body?.cancel();
    assert.deepEqual(fake.contentsIn(CHANNEL), ["first", "third"]);
  } finally {
    await proxy.close();
    await fake.close();
  }
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), "the condition never held");
}

Deno.test("the REST proxy keeps the whole bot under Discord's 50 requests a second", async () => {
  // 110 channels, one message each: no channel's own limit is reached, so
  // only the global one holds the requests back.
  const channels = Array.from(
    { length: 110 },
    (_, i) => ({
      id: String(500_000_000_000_000_000n + BigInt(i)),
      name: `c${i}`,
    }),
  );
  const fake = startFake({
    guilds: [{ id: GUILD, name: "big", channels }],
  });
  const proxy = proxyFor(fake);
  try {
    const sends = channels.map((channel) =>
      call(proxy.url, "POST", `/channels/${channel.id}/messages`, {
        content: "hello",
        allowed_mentions: { parse: [] },
      })
    );
    const statuses = (await Promise.all(sends)).map((r) => r.status);
    assert.deepEqual([...new Set(statuses)], [200]);
    assert.equal(
      fake.requestsTo("POST /channels/{channel}/messages").length,
      110,
    );
    assert.equal(fake.rateLimitedCount(), 0, "no 429 from Discord");
  } finally {
    await proxy.close();
    await fake.close();
  }
});
