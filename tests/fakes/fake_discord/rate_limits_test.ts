import assert from "node:assert/strict";
import { ManualClock } from "./clock.ts";
import {
  api,
  CHANNEL,
  OTHER_CHANNEL,
  SANITIZED,
  startFake,
} from "./test_support.ts";

Deno.test(
  "the 6th send or edit in a channel's window gets 429 with retry_after and headers",
  SANITIZED,
  async () => {
    const clock = new ManualClock();
    const fake = startFake({ clock });
    try {
      const remaining: string[] = [];
      const first = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "0",
      });
      remaining.push(first.headers.get("x-ratelimit-remaining") ?? "");
      for (let i = 1; i < 4; i++) {
        const r = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
          content: `${i}`,
        });
        remaining.push(r.headers.get("x-ratelimit-remaining") ?? "");
      }
      clock.advance(1000);
      const edit = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${first.json.id}`,
        {
          content: "edited",
        },
      );
      remaining.push(edit.headers.get("x-ratelimit-remaining") ?? "");
      assert.deepEqual(remaining, ["4", "3", "2", "1", "0"]);
      assert.equal(edit.headers.get("x-ratelimit-limit"), "5");
      assert.equal(edit.headers.get("x-ratelimit-reset-after"), "4.000");
      assert.equal(edit.headers.get("x-ratelimit-scope"), null);

      clock.advance(1500);
      const limited = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "6th",
      });
      assert.equal(limited.status, 429);
      assert.deepEqual(limited.json, {
        message: "You are being rate limited.",
        retry_after: 2.5,
        global: false,
      });
      assert.equal(limited.headers.get("retry-after"), "3");
      assert.equal(limited.headers.get("x-ratelimit-limit"), "5");
      assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
      assert.equal(limited.headers.get("x-ratelimit-reset-after"), "2.500");
      assert.equal(
        limited.headers.get("x-ratelimit-reset"),
        ((clock.now() + 2500) / 1000).toFixed(3),
      );
      assert.equal(typeof limited.headers.get("x-ratelimit-bucket"), "string");
      assert.equal(limited.headers.get("x-ratelimit-scope"), "user");

      const elsewhere = await api(
        fake,
        "POST",
        `/channels/${OTHER_CHANNEL}/messages`,
        {
          content: "other channel has its own bucket",
        },
      );
      assert.equal(elsewhere.status, 200);
      clock.advance(2500);
      const later = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "later",
      });
      assert.equal(later.status, 200);
      assert.equal(later.headers.get("x-ratelimit-remaining"), "4");
      assert.equal(fake.rateLimitedCount(), 1);
      assert.deepEqual(fake.contentsIn(CHANNEL), [
        "edited",
        "1",
        "2",
        "3",
        "later",
      ]);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "the global limit answers 429 with X-RateLimit-Global",
  SANITIZED,
  async () => {
    const clock = new ManualClock();
    const fake = startFake({
      clock,
      globalRateLimit: { limit: 3, windowMs: 1000 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await api(fake, "GET", "/users/@me")).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const limited = await api(fake, "GET", `/channels/${CHANNEL}`);
      assert.equal(limited.status, 429);
      assert.equal(limited.json.global, true);
      assert.equal(limited.headers.get("x-ratelimit-global"), "true");
      assert.equal(limited.headers.get("x-ratelimit-scope"), "global");
      clock.advance(1000);
      assert.equal(
        (await api(fake, "GET", `/channels/${CHANNEL}`)).status,
        200,
      );
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "failNext injects 500s and 429s for the next matching requests only",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      fake.failNext({
        route: "POST /channels/{channel}/messages",
        times: 2,
        status: 500,
      });
      fake.failNext({
        path: /typing$/,
        times: 1,
        status: 429,
        retryAfterMs: 1250,
      });
      const send = () =>
        api(fake, "POST", `/channels/${CHANNEL}/messages`, { content: "x" });
      assert.deepEqual([
        (await send()).status,
        (await send()).status,
        (await send()).status,
      ], [
        500,
        500,
        200,
      ]);
      const typing = await api(fake, "POST", `/channels/${CHANNEL}/typing`);
      assert.equal(typing.status, 429);
      assert.equal(typing.json.retry_after, 1.25);
      assert.equal(typing.headers.get("retry-after"), "2");
      assert.equal(typing.headers.get("x-ratelimit-remaining"), "0");
      assert.equal(typing.headers.get("x-ratelimit-reset-after"), "1.250");
      assert.equal(
        (await api(fake, "POST", `/channels/${CHANNEL}/typing`)).status,
        204,
      );
      assert.equal(fake.rateLimitedCount(), 1);
      assert.equal(fake.rateLimitedCount(true), 0);
      assert.deepEqual(fake.failures, []);
    } finally {
      await fake.close();
    }
  },
);
