/**
 * `deno task export-user` and `deno task forget-user` with
 * `DATABASE_URL=postgres://…`, as subprocesses against a fresh database on
 * the test server (ignored, after one "skipped: PostgreSQL" line, without one).
 */
import assert from "node:assert/strict";
import { PostgresStore } from "../../src/store/postgres_store.ts";
import type { UserExport } from "../../src/retention/user_export.ts";
import {
  ALICE,
  BOB,
  fillStore,
  runCli,
} from "../retention/user_data_fixtures.ts";
import {
  createTestDatabase,
  testPostgresUrl,
} from "../support/test_postgres.ts";

const url = await testPostgresUrl();

Deno.test({
  name: "export-user and forget-user work on PostgreSQL through DATABASE_URL",
  ignore: url === null,
  async fn() {
    const database = await createTestDatabase(url ?? "");
    const dir = await Deno.makeTempDir({ prefix: "pg_user_data_" });
    try {
      const store = await PostgresStore.open(database.url);
      await fillStore(store).finally(() => store.close());
      const env = { DATABASE_URL: database.url };
      const exported = await runCli("export_user.ts", [ALICE], {
        cwd: dir,
        env,
      });
      assert.equal(exported.code, 0, exported.stderr);
      const document = JSON.parse(exported.stdout) as UserExport;
      assert.equal(document.message_count, 4);
      assert.equal(document.persona_choices.length, 1);

      const forgot = await runCli("forget_user.ts", [ALICE, "--yes"], {
        cwd: dir,
        env,
      });
      assert.equal(forgot.code, 0, forgot.stderr);
      const again = await runCli("export_user.ts", [ALICE], { cwd: dir, env });
      assert.equal((JSON.parse(again.stdout) as UserExport).message_count, 0);
      const bob = await runCli("export_user.ts", [BOB], { cwd: dir, env });
      assert.equal((JSON.parse(bob.stdout) as UserExport).message_count, 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await database.drop();
    }
  },
});
