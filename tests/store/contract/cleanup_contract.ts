/**
 * The store contract: retention's cleanup of rows nobody uses any more —
 * rate-limit windows that ended long ago and persona choices naming
 * personas the config no longer has (issue 10, item 18).
 *
 * @module
 */

import assert from "node:assert/strict";
import { rateLimitKey } from "../../../src/store/rate_limit_key.ts";
import type { StoreBackend } from "../store_backends.ts";

/** Registers the cleanup contract tests for one backend. */
export function cleanupContract(backend: StoreBackend): void {
  backend.test("pruneRateLimits() deletes windows that started before the cutoff, keeps the rest", async () => {
    await using store = await backend.open();
    const old = rateLimitKey("user", "7", "default");
    const current = rateLimitKey("channel", "8", "default");
    await store.setRateLimit(old, {
      count: 3,
      window_start: 1_000,
      notified: true,
    });
    await store.setRateLimit(current, {
      count: 1,
      window_start: 90_000,
      notified: false,
    });
    assert.equal(await store.pruneRateLimits(50_000), 1);
    assert.equal(await store.getRateLimit(old), null);
    assert.deepEqual(await store.getRateLimit(current), {
      count: 1,
      window_start: 90_000,
      notified: false,
    });
  });

  backend.test("prunePersonaChoices() deletes choices of personas no longer configured", async () => {
    await using store = await backend.open();
    const gone = { binding_key: "channel:1", user_id: "7" };
    const kept = { binding_key: "channel:1", user_id: "8" };
    const channelDefault = { binding_key: "channel:1", user_id: "" };
    await store.setPersonaChoice(gone, "poet", 1_000);
    await store.setPersonaChoice(kept, "pirate", 1_000);
    await store.setPersonaChoice(channelDefault, "poet", 1_000);
    assert.equal(await store.prunePersonaChoices(["helper", "pirate"]), 2);
    assert.equal(await store.getPersonaChoice(gone), null);
    assert.equal(await store.getPersonaChoice(channelDefault), null);
    assert.equal(await store.getPersonaChoice(kept), "pirate");
  });
}
