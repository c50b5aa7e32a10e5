/**
 * The fake Discord behaving as real servers and networks do: `enforce_nonce`
 * (a repeated send returns the first message), a request held until the
 * client gives up, a connection dropped after the request was applied,
 * answers without rate-limit headers, and 2xx bodies a client cannot parse.
 */
import assert from "node:assert/strict";
import { api, CHANNEL, SANITIZED, startFake } from "./test_support.ts";

const SEND = "POST /channels/{channel}/messages";

Deno.test(
  "enforce_nonce: a repeated send returns the first message, and no second one is made",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const body = { content: "hello", nonce: "111.0", enforce_nonce: true };
      const first = await api(
        fake,
        "POST",
        `/channels/${CHANNEL}/messages`,
        body,
      );
      const again = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        ...body,
        content: "hello again",
      });
      assert.equal(again.status, 200);
      assert.equal(again.json.id, first.json.id);
      assert.equal(again.json.content, "hello");
      assert.deepEqual(fake.contentsIn(CHANNEL), ["hello"]);
      const tooLong = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "x",
        nonce: "n".repeat(26),
        enforce_nonce: true,
      });
      assert.equal(tooLong.status, 400);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "a dropped connection applies the request but gives no answer; rawBody and noRateLimitHeaders shape the answer",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      fake.failNext({ route: SEND, times: 1, drop: true });
      await assert.rejects(
        api(fake, "POST", `/channels/${CHANNEL}/messages`, { content: "a" }),
      );
      assert.deepEqual(fake.contentsIn(CHANNEL), ["a"], "it was applied");
      fake.failNext({
        route: SEND,
        times: 1,
        rawBody: "<html>OK</html>",
        noRateLimitHeaders: true,
      });
      const response = await fetch(
        `${fake.restBaseUrl}/v10/channels/${CHANNEL}/messages`,
        {
          method: "POST",
          headers: {
            authorization: `Bot ${fake.token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ content: "b" }),
        },
      );
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "<html>OK</html>");
      assert.equal(response.headers.get("x-ratelimit-remaining"), null);
      assert.deepEqual(fake.contentsIn(CHANNEL), ["a", "b"]);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "a held request does nothing when the client gives up before it is answered",
  SANITIZED,
  async () => {
    const fake = startFake();
    let release = () => {};
    const hold = new Promise<void>((resolve) => release = resolve);
    try {
      fake.failNext({ route: SEND, times: 1, hold });
      const controller = new AbortController();
      const pending = fetch(
        `${fake.restBaseUrl}/v10/channels/${CHANNEL}/messages`,
        {
          method: "POST",
          headers: {
            authorization: `Bot ${fake.token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({ content: "stuck" }),
          signal: controller.signal,
        },
      );
      await fake.waitFor(() => fake.failures.length === 0, 5_000, "the hold");
      controller.abort();
      await assert.rejects(pending);
      // The fake notices the client is gone while still holding the request.
      await fake.waitFor(
        () => fake.requestsTo(SEND)[0]?.status === 499,
        5_000,
        "the held request to be dropped",
      );
      assert.deepEqual(fake.contentsIn(CHANNEL), []);
    } finally {
      release();
      await fake.close();
    }
  },
);
