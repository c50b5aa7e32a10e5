/**
 * `deno task migrate-data FROM TO`: a whole database copied SQLite →
 * PostgreSQL → SQLite with ids, links, resets, persona choices and limits
 * intact; batches with progress lines; a second run changes nothing; row
 * counts verified. The SQLite-to-SQLite cases run everywhere; the
 * PostgreSQL ones need `TEST_DATABASE_URL`.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrateData } from "../../src/cli/migrate_data.ts";
import { openStore } from "../../src/store/open_store.ts";
import type { Store } from "../../src/store/store.ts";
import {
  ALICE,
  ALICE_OWN,
  BOB,
  FakeIo,
  fillDatabase,
  SHARED,
  T0,
} from "../retention/user_data_fixtures.ts";
import { rateLimitKey } from "../../src/store/rate_limit_key.ts";
import {
  createTestDatabase,
  testPostgresUrl,
} from "../support/test_postgres.ts";

const url = await testPostgresUrl();

/** Alice's DM conversation: it holds only a summary. */
const ALICE_DM = {
  channel_id: "999999999999999999",
  guild_id: "",
  user_id: ALICE,
};

async function tempSource(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "migrate_data_" });
  await fillDatabase(`${dir}/source.db`);
  const store = await openStore(`sqlite:${dir}/source.db`);
  await store.resetConversation(SHARED, T0 + 2 * 60_000 + 1);
  const [first] = await store.messagesOfUser(ALICE);
  if (first !== undefined) {
    await store.addImages(first.id, [
      { name: "a.png", url: "https://cdn.discordapp.com/a.png", size: 10 },
      { name: "b.png", url: "https://cdn.discordapp.com/b.png", size: 20 },
    ]);
  }
  await store.setSummary(ALICE_DM, {
    content: "Alice asked about tides.",
    through_id: 3,
    token_count: null,
    updated_at: T0 + 3 * 60_000,
  });
  // A summary that took in Alice's words: it records her as an author.
  await store.setSummary(ALICE_OWN, {
    content: "Alice told a secret; it was kept.",
    through_id: 5,
    token_count: null,
    updated_at: T0 + 5 * 60_000,
  });
  await store.addNote(
    {
      user_id: ALICE,
      guild_id: SHARED.guild_id,
      content: "tea",
      created_at: T0,
    },
    20,
  );
  await store.setPreferences(ALICE, {
    language: "French",
    length: null,
    ping: null,
    history: true,
    updated_at: T0,
  });
  await store.close();
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Everything the bot would read about both users, from any store. */
async function snapshot(databaseUrl: string) {
  const store: Store = await openStore(databaseUrl);
  try {
    return {
      alice: await store.messagesOfUser(ALICE),
      bob: await store.messagesOfUser(BOB),
      persona: await store.getPersonaChoice({
        binding_key: SHARED.channel_id,
        user_id: ALICE,
      }),
      limit: await store.getRateLimit(rateLimitKey("user", ALICE, "default")),
      reset: await store.lastReset(SHARED),
      images: [
        ...(await store.imagesOf(
          (await store.messagesOfUser(ALICE)).map((m) => m.id),
        )).values(),
      ],
      summary: await store.getSummary(ALICE_DM),
      summaries: await store.summariesOfUser(ALICE),
      notes: await store.notesOfUser(ALICE),
      preferences: await store.getPreferences(ALICE),
      history: await store.recentMessages({
        conversation: SHARED,
        limit: 10,
        since: 0,
      }),
    };
  } finally {
    await store.close();
  }
}

async function run(from: string, to: string, ...extra: string[]) {
  const io = new FakeIo();
  const code = await migrateData([from, to, ...extra], io);
  return { code, ...io };
}

Deno.test("migrate-data copies an SQLite database into another file, in batches, verified", async () => {
  await using source = await tempSource();
  const from = `sqlite:${source.dir}/source.db`;
  const to = `sqlite:${source.dir}/copy/target.db`;
  await Deno.mkdir(`${source.dir}/copy`);
  const first = await run(from, to, "--batch", "2");
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /^messages: 2\/6 rows$/m);
  assert.match(first.stderr, /^messages: 6\/6 rows$/m);
  assert.match(
    first.stdout,
    /^Copied and verified: 3 conversations, 6 messages, 2 persona_choices, 2 rate_limits, 0 turns, 2 message_images, 0 token_calibrations, 2 conversation_summaries, 1 summary_authors, 1 user_notes, 1 user_preferences \(row counts match\)\.$/m,
  );
  assert.deepEqual(await snapshot(to), await snapshot(from));
  const again = await run(from, to);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(await snapshot(to), await snapshot(from));
});

Deno.test("migrate-data refuses a source with a table it does not know, copying nothing", async () => {
  await using source = await tempSource();
  const db = new DatabaseSync(`${source.dir}/source.db`);
  db.exec("CREATE TABLE surprise (x INTEGER)");
  db.close();
  const result = await run(
    `sqlite:${source.dir}/source.db`,
    `sqlite:${source.dir}/target.db`,
  );
  assert.equal(result.code, 1);
  assert.match(result.stderr, /holds table\(s\) surprise that this version/);
});

Deno.test("migrate-data refuses the same database twice and bad arguments", async () => {
  assert.equal((await run("sqlite:a.db", "sqlite:a.db")).code, 1);
  assert.equal(await migrateData(["only-one"], new FakeIo()), 2);
});

Deno.test({
  name:
    "migrate-data moves SQLite to PostgreSQL and back; the bot sees every conversation, choice and limit",
  ignore: url === null,
  async fn() {
    await using source = await tempSource();
    const database = await createTestDatabase(url ?? "");
    try {
      const from = `sqlite:${source.dir}/source.db`;
      const there = await run(from, database.url, "--batch", "4");
      assert.equal(there.code, 0, there.stderr);
      assert.match(there.stderr, /^messages: 4\/6 rows$/m);
      assert.deepEqual(await snapshot(database.url), await snapshot(from));

      const again = await run(from, database.url);
      assert.equal(again.code, 0, again.stderr);

      // New rows continue after the copied ids.
      const store = await openStore(database.url);
      const next = await store.addMessage({
        ...(await snapshot(from)).alice[0]!,
        reply_to_id: null,
      });
      await store.close();
      assert.equal(next.id, 7);

      const back = `sqlite:${source.dir}/back.db`;
      const home = await run(database.url, back);
      assert.equal(home.code, 0, home.stderr);
      assert.deepEqual(await snapshot(back), await snapshot(database.url));
    } finally {
      await database.drop();
    }
  },
});
