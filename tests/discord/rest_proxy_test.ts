/**
 * The REST proxy (`deno task rest`) in front of the fake Discord: it refuses
 * a request without the shared secret, forwards the others with the bot
 * token (never the secret), and passes Discord's answers — errors included —
 * back unchanged.
 */
import assert from "node:assert/strict";
import { startRestProxy } from "../../src/discord/rest_proxy.ts";
import { log } from "../../src/log/logging.ts";
import { CHANNEL, startFake } from "../fakes/fake_discord/test_support.ts";

const SECRET = "proxy-secret-123";

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
  const proxy = startRestProxy({
    token: fake.token,
    secret: SECRET,
    api_base_url: fake.restBaseUrl,
    hostname: "127.0.0.1",
    port: 0,
    logger: log("test"),
  });
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
    assert.deepEqual(proxy.stats, { forwarded: 2, unauthorized: 2 });
  } finally {
    await proxy.close();
    await fake.close();
  }
});
