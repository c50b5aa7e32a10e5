/**
 * Retention is a once-per-bot job: of several processes sharing one
 * PostgreSQL database, the one holding the advisory lock prunes; the others
 * find it taken and skip.
 *
 * @module
 */

import assert from "node:assert/strict";
import postgres from "postgres";
import { PostgresStore } from "../../src/store/postgres_store.ts";
import { RETENTION_LOCK } from "../../src/store/postgres_queries.ts";
import { createTestSchema, testPostgresUrl } from "../support/test_postgres.ts";
import { newMessage } from "./store_fixtures.ts";

const url = await testPostgresUrl();

Deno.test({
  name: "pruneMessages() skips while another process holds the retention lock",
  ignore: url === null,
  async fn() {
    const schema = await createTestSchema(url ?? "");
    const other = postgres(url ?? "", {
      max: 1,
      onnotice: () => {},
      connection: { search_path: schema.schema },
    });
    try {
      await using store = await PostgresStore.open(url ?? "", {
        schema: schema.schema,
        maxConnections: 2,
      });
      await store.addMessage(newMessage({ created_at: 1 }));
      const held = await other.reserve();
      await held.unsafe(`SELECT pg_advisory_lock(${RETENTION_LOCK})`);
      assert.equal(await store.pruneMessages(10), 0);
      await held.unsafe(`SELECT pg_advisory_unlock(${RETENTION_LOCK})`);
      held.release();
      assert.equal(await store.pruneMessages(10), 1);
    } finally {
      await other.end();
      await schema.drop();
    }
  },
});
