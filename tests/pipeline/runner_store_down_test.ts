/**
 * A store that fails while a message is admitted (the database dropped its
 * connections: PostgreSQL restarting) must not leave the user unanswered.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { Store } from "../../src/store/store.ts";
import { StoreError } from "../../src/store/store_error.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { ScriptedLlm } from "../support/scripted_llm.ts";
import { runnerFor } from "../support/test_runner.ts";

Deno.test("Runner answers with a short reply when the store fails while counting rate limits, and keeps serving", async () => {
  await using real = await SqliteStore.open(":memory:");
  let down = true;
  const store = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "hitRateLimits") {
        return (...args: Parameters<Store["hitRateLimits"]>) =>
          down
            ? Promise.reject(
              new StoreError(
                "Cannot count a hit against user:1:default: write CONNECTION_CLOSED 127.0.0.1:5432",
              ),
            )
            : target.hitRateLimits(...args);
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  const runner = runnerFor(store, new ScriptedLlm(() => 0));
  const first = new RecordingReply();
  assert.equal(await runner.dispatch(message(), first), "failed");
  assert.match(first.notices[0] ?? "", /Something went wrong/);
  down = false;
  const next = new RecordingReply();
  assert.equal(
    await runner.dispatch(message({ text: "again" }), next),
    "answered",
  );
});
