import assert from "node:assert/strict";
import {
  isDiscordUserId,
  openExistingStore,
  parseUserCommandArgs,
  UsageError,
} from "../../src/retention/user_command.ts";
import { StoreError } from "../../src/store/store_error.ts";
import { ALICE, tempBotFolder } from "./user_data_fixtures.ts";

const SPEC = {
  flags: ["--yes"],
  values: ["--out"],
  aliases: { "-y": "--yes" },
} as const;

Deno.test("parseUserCommandArgs() takes the user id and options in any order", async (t) => {
  for (
    const [args, flags, out] of [
      [[ALICE], [], undefined],
      [["--yes", ALICE], ["--yes"], undefined],
      [[ALICE, "-y"], ["--yes"], undefined],
      [[ALICE, "--out", "a.json"], [], "a.json"],
      [["--out=b.json", ALICE], [], "b.json"],
      [["--out", "-", ALICE], [], "-"],
      [["--out", "a", "--out", "c", ALICE], [], "c"],
      [["--", ALICE], [], undefined],
    ] as const
  ) {
    await t.step(args.join(" "), () => {
      const parsed = parseUserCommandArgs(args, SPEC);
      assert.equal(parsed.user_id, ALICE);
      assert.equal(parsed.help, false);
      assert.deepEqual([...parsed.flags], flags);
      assert.equal(parsed.values.get("--out"), out);
    });
  }
});

Deno.test("parseUserCommandArgs() reports what is wrong with the arguments", async (t) => {
  for (
    const [args, message] of [
      [[], "Missing USER_ID"],
      [["--yes"], "Missing USER_ID"],
      [[ALICE, "123456789012345678"], "Expected one USER_ID, got 2"],
      [["-x", ALICE], 'Unknown option "-x"'],
      [[ALICE, "--yes=1"], 'Unknown option "--yes=1"'],
      [[ALICE, "--out"], "--out needs a value"],
      [[ALICE, "--out="], "--out needs a value"],
      [
        ["<@400000000000000001>"],
        '"<@400000000000000001>" is not a Discord user id',
      ],
      [["--", "--yes"], '"--yes" is not a Discord user id'],
    ] as const
  ) {
    await t.step(JSON.stringify(args), () => {
      assert.throws(
        () => parseUserCommandArgs(args, SPEC),
        (error) =>
          error instanceof UsageError && error.message.startsWith(message),
      );
    });
  }
});

Deno.test("parseUserCommandArgs() notices --help before checking anything else", () => {
  assert.equal(parseUserCommandArgs(["--help", "nonsense"], SPEC).help, true);
  assert.equal(parseUserCommandArgs(["-h"], SPEC).help, true);
});

Deno.test("isDiscordUserId() accepts snowflakes only", () => {
  for (const id of ["80351110224678912", ALICE, "1234567890123456789"]) {
    assert.equal(isDiscordUserId(id), true, id);
  }
  for (
    const id of ["", "42", "4000000000000000a1", " 400000000000000001", "-1"]
  ) {
    assert.equal(isDiscordUserId(id), false, id);
  }
});

Deno.test("openExistingStore() opens the database DATABASE_URL names, and only an existing one", async (t) => {
  await using folder = await tempBotFolder();
  await t.step("an existing file", async () => {
    const store = await openExistingStore(`sqlite:${folder.db}`);
    try {
      assert.equal((await store.messagesOfUser(ALICE)).length, 4);
    } finally {
      await store.close();
    }
  });
  await t.step("a missing file is not created", async () => {
    const missing = `${folder.dir}/other/bot.db`;
    await assert.rejects(
      () => openExistingStore(missing),
      (error) =>
        error instanceof StoreError &&
        error.message.startsWith(
          `Cannot open the database ${missing}: the file does not exist`,
        ),
    );
    await assert.rejects(
      () => Deno.stat(`${folder.dir}/other`),
      Deno.errors.NotFound,
    );
  });
  await t.step(":memory: holds nothing to read", async () => {
    await assert.rejects(() => openExistingStore(":memory:"), StoreError);
  });
});
