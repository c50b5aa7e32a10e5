/**
 * Memory in a SQLite file survives a reopen (the contract itself runs from
 * sqlite_store_test.ts and postgres_store_test.ts).
 *
 * @module
 */

import assert from "node:assert/strict";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { CHANNEL } from "./store_fixtures.ts";

Deno.test("summaries, notes and preferences survive closing and reopening a database file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "memory-store-" });
  try {
    const path = `${dir}/bot.db`;
    {
      await using store = await SqliteStore.open(path);
      await store.setSummary(CHANNEL, {
        content: "kept",
        through_id: 1,
        token_count: null,
        updated_at: 1,
      });
      await store.addNote(
        { user_id: "7", guild_id: "900", content: "tea", created_at: 1 },
        20,
      );
      await store.setPreferences("7", {
        language: "German",
        length: "detailed",
        ping: false,
        history: true,
        updated_at: 2,
      });
    }
    await using store = await SqliteStore.open(path);
    assert.equal((await store.getSummary(CHANNEL))?.content, "kept");
    assert.equal((await store.notesOfUser("7"))[0]?.content, "tea");
    assert.equal((await store.getPreferences("7"))?.language, "German");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
