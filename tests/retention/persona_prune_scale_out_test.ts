/**
 * Several gateway processes share one PostgreSQL database, and each runs
 * retention with its own config. A process whose config was not reloaded
 * yet (reload in one process only, or a rolling update) must not delete the
 * persona choices users just made through a process that knows a newer
 * persona: a /persona choice made a moment ago survives the other
 * process's retention run.
 */
import assert from "node:assert/strict";
import { startRetentionScheduler } from "../../src/retention/retention_scheduler.ts";
import { PostgresStore } from "../../src/store/postgres_store.ts";
import { createTestSchema, testPostgresUrl } from "../support/test_postgres.ts";

const url = await testPostgresUrl();
const DAY = 86_400_000;

Deno.test({
  name:
    "retention in a process with an older config keeps a persona choice just made through another process",
  ignore: url === null,
  async fn() {
    const schema = await createTestSchema(url ?? "");
    try {
      // Two gateway processes, one database.
      await using a = await PostgresStore.open(url ?? "", {
        schema: schema.schema,
        maxConnections: 2,
      });
      await using b = await PostgresStore.open(url ?? "", {
        schema: schema.schema,
        maxConnections: 2,
      });
      const now = Date.now();
      // Process A reloaded a config that adds "wizard"; a user picks it there.
      const key = { binding_key: "channel:1", user_id: "7" };
      await a.setPersonaChoice(key, "wizard", now);
      // Process B still runs the old config (helper, pirate); its hourly run.
      const retention = startRetentionScheduler({
        store: b,
        retention: () => 30 * DAY,
        personas: () => ["helper", "pirate"],
        interval_ms: DAY,
      });
      await retention.pruneNow();
      await retention.stop();
      assert.equal(
        await a.getPersonaChoice(key),
        "wizard",
        "the user's choice made a moment ago through process A",
      );
      // A choice of a persona gone for over a day is still pruned.
      await a.setPersonaChoice({ ...key, user_id: "8" }, "poet", now - 2 * DAY);
      const again = startRetentionScheduler({
        store: b,
        retention: () => 30 * DAY,
        personas: () => ["helper", "pirate", "wizard"],
        interval_ms: DAY,
      });
      await again.pruneNow();
      await again.stop();
      assert.equal(await a.getPersonaChoice({ ...key, user_id: "8" }), null);
    } finally {
      await schema.drop();
    }
  },
});
