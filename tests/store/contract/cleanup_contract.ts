/**
 * The store contract: retention's cleanup of rows nobody uses any more —
 * rate-limit windows that ended long ago and persona choices naming
 * personas the config no longer has (issue 10, item 18) — and the
 * conversations of a deleted thread (issue 15).
 *
 * @module
 */

import assert from "node:assert/strict";
import { rateLimitKey } from "../../../src/store/rate_limit_key.ts";
import type { StoreBackend } from "../store_backends.ts";
import { CHANNEL, newMessage, PRIVATE } from "../store_fixtures.ts";

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

  backend.test("dropChannel() deletes every conversation of a deleted thread with its messages and turns, nothing else", async () => {
    await using store = await backend.open();
    const other = { ...CHANNEL, channel_id: "200" };
    const asked = await store.addTurn(newMessage({ external_id: "555" }), {
      source: "discord",
      payload: "{}",
    });
    await store.addMessage(newMessage({
      role: "assistant",
      reply_to_id: asked.id,
    }));
    await store.addMessage(newMessage({ conversation: PRIVATE }));
    await store.addMessage(newMessage({ conversation: other }));
    assert.equal(await store.dropChannel(CHANNEL.channel_id), 2);
    for (const conversation of [CHANNEL, PRIVATE]) {
      assert.deepEqual(
        await store.recentMessages({ conversation, limit: 9, since: 0 }),
        [],
      );
    }
    assert.equal(await store.getMessage(asked.id), null);
    assert.equal(await store.findMessageByExternalId("555"), null);
    assert.deepEqual(await store.openTurns("discord"), []);
    assert.equal(
      (await store.recentMessages({ conversation: other, limit: 9, since: 0 }))
        .length,
      1,
    );
    assert.equal(await store.dropChannel("404"), 0);
  });
}
