/**
 * The store contract: counting rate-limit hits (`hitRateLimits`) — up to the
 * limit per window, one notice per full window, all limits or none, and no
 * hit lost when many are counted at once. Every test runs against each
 * backend (see `store_backends.ts`).
 *
 * @module
 */

import assert from "node:assert/strict";
import type { StoreBackend } from "../store_backends.ts";

const MINUTE = 60_000;

/** Registers the contract tests of rate-limit hits for one backend. */
export function rateLimitContract(backend: StoreBackend): void {
  const user = { key: "user:7:default", limit: 3, window_ms: MINUTE };
  const channel = { key: "channel:100:default", limit: 2, window_ms: MINUTE };

  backend.test("hitRateLimits() counts up to the limit, refuses the rest of the window and notifies once", async () => {
    await using store = await backend.open();
    const verdicts = [];
    for (let i = 0; i < 5; i++) {
      verdicts.push(await store.hitRateLimits([user], 1_000 + i));
    }
    assert.deepEqual(verdicts, [
      { allowed: true },
      { allowed: true },
      { allowed: true },
      { allowed: false, key: user.key, window_start: 1_000, notify: true },
      { allowed: false, key: user.key, window_start: 1_000, notify: false },
    ]);
    assert.deepEqual(await store.getRateLimit(user.key), {
      count: 3,
      window_start: 1_000,
      notified: true,
    });
    // The window is over: a new one starts with this hit.
    assert.deepEqual(await store.hitRateLimits([user], 1_000 + MINUTE), {
      allowed: true,
    });
    assert.deepEqual(await store.getRateLimit(user.key), {
      count: 1,
      window_start: 1_000 + MINUTE,
      notified: false,
    });
  });

  backend.test("hitRateLimits() counts against no limit when one refuses", async () => {
    await using store = await backend.open();
    await store.hitRateLimits([channel], 500);
    await store.hitRateLimits([channel], 600);
    const verdict = await store.hitRateLimits([user, channel], 1_000);
    assert.deepEqual(verdict, {
      allowed: false,
      key: channel.key,
      window_start: 500,
      notify: true,
    });
    // The user's hit was taken back: their next one opens their window.
    assert.equal((await store.getRateLimit(user.key))?.count ?? 0, 0);
    assert.deepEqual(await store.hitRateLimits([user], 2_000), {
      allowed: true,
    });
    assert.deepEqual(await store.getRateLimit(user.key), {
      count: 1,
      window_start: 2_000,
      notified: false,
    });
    // A refusal by the first limit leaves the second alone.
    await store.hitRateLimits([user], 2_001);
    await store.hitRateLimits([user], 2_002);
    assert.equal(
      (await store.hitRateLimits([user, channel], 50_000)).allowed,
      false,
    );
    assert.deepEqual(await store.getRateLimit(channel.key), {
      count: 2,
      window_start: 500,
      notified: true,
    });
  });

  backend.test("hitRateLimits() loses no hit when many are counted at once", async () => {
    await using store = await backend.open();
    const many = { key: "user:8:default", limit: 1_000, window_ms: MINUTE };
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, () => store.hitRateLimits([many], 1_000)),
    );
    assert.ok(verdicts.every((v) => v.allowed));
    assert.equal((await store.getRateLimit(many.key))?.count, 40);
  });

  backend.test("hitRateLimits() with a limit of 0 refuses every hit, notifying once", async () => {
    await using store = await backend.open();
    const closed = { key: "user:9:default", limit: 0, window_ms: MINUTE };
    assert.deepEqual(await store.hitRateLimits([closed], 1_000), {
      allowed: false,
      key: closed.key,
      window_start: 1_000,
      notify: true,
    });
    assert.deepEqual(await store.hitRateLimits([closed], 1_001), {
      allowed: false,
      key: closed.key,
      window_start: 1_000,
      notify: false,
    });
    assert.deepEqual(await store.hitRateLimits([], 1_002), { allowed: true });
  });
}
