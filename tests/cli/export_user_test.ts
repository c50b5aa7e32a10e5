/**
 * `deno task export-user` as a user runs it: a subprocess against an SQLite
 * file filled through SqliteStore, plus in-process runs for argument errors.
 */
import assert from "node:assert/strict";
import { EXPORT_USER_USAGE, exportUser } from "../../src/cli/export_user.ts";
import {
  NOT_INCLUDED,
  USER_EXPORT_FORMAT,
  type UserExport,
} from "../../src/retention/user_export.ts";
import {
  ALICE,
  BOT,
  FakeIo,
  runCli,
  tempBotFolder,
} from "../retention/user_data_fixtures.ts";

Deno.test("export-user prints the user's messages, persona choices and rate limits as JSON, reading data/bot.db by default", async () => {
  await using folder = await tempBotFolder();
  const { code, stdout, stderr } = await runCli("export_user.ts", [ALICE], {
    cwd: folder.dir,
    env: { DATABASE_URL: "" },
  });
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  const document = JSON.parse(stdout) as UserExport;
  assert.equal(document.format, USER_EXPORT_FORMAT);
  assert.equal(document.user_id, ALICE);
  assert.match(
    document.exported_at,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
  );
  // The bot's reply to Bob ("ahoy Bob") in the same channel is not hers.
  assert.equal(document.message_count, 4);
  assert.deepEqual(
    document.messages.map((
      m,
    ) => [m.id, m.author_id, m.conversation.scope, m.content, m.reply_to_id]),
    [
      [1, ALICE, "channel", "hi all", null],
      [2, BOT, "channel", "hello Alice", 1],
      [4, ALICE, "user", "my secret", null],
      [5, BOT, "user", "kept safe", 4],
    ],
  );
  assert.deepEqual(document.messages[1], {
    id: 2,
    conversation: {
      channel_id: "100000000000000001",
      guild_id: "200000000000000001",
      scope: "channel",
    },
    external_id: "900000000000000001",
    author_id: BOT,
    author_name: "Helper",
    role: "assistant",
    persona: "helper",
    content: "hello Alice",
    token_count: 11,
    created_at: "2025-01-01T00:01:00.000Z",
    updated_at: "2025-01-01T00:01:00.000Z",
    partial: false,
    reply_to_id: 1,
    images: [],
  });
  assert.deepEqual(document.persona_choices, [{
    binding_key: "100000000000000001",
    persona: "pirate",
    updated_at: "2025-01-01T00:00:00.000Z",
  }]);
  assert.deepEqual(document.rate_limits, [{
    key: `user:${ALICE}:default`,
    count: 1,
    window_start: "2025-01-01T00:00:00.000Z",
  }]);
  assert.deepEqual(document.not_included, NOT_INCLUDED);
});

Deno.test("export-user --out writes the JSON to a file readable by its owner only", async () => {
  await using folder = await tempBotFolder();
  const out = `${folder.dir}/alice.json`;
  const { code, stdout, stderr } = await runCli(
    "export_user.ts",
    ["--out", out, ALICE],
    { cwd: folder.dir, env: { DATABASE_URL: `sqlite:${folder.db}` } },
  );
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "");
  assert.equal(stderr, `Wrote 4 messages about user ${ALICE} to ${out}\n`);
  const document = JSON.parse(await Deno.readTextFile(out)) as UserExport;
  assert.equal(document.message_count, 4);
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);
  }
});

Deno.test("export-user of a user with nothing stored prints an empty export", async () => {
  await using folder = await tempBotFolder();
  const io = new FakeIo({ DATABASE_URL: folder.db });
  assert.equal(await exportUser(["123456789012345678"], io), 0);
  const document = JSON.parse(io.stdout) as UserExport;
  assert.equal(document.message_count, 0);
  assert.deepEqual(document.messages, []);
  assert.deepEqual(document.persona_choices, []);
  assert.deepEqual(document.rate_limits, []);
  assert.equal(document.exported_at, "2025-01-02T00:00:00.000Z");
});

Deno.test("export-user exits 2 with the usage for bad arguments", async (t) => {
  for (
    const [name, args, problem] of [
      ["no user id", [], "Missing USER_ID"],
      ["not digits", ["@alice"], '"@alice" is not a Discord user id'],
      ["too short", ["12345"], '"12345" is not a Discord user id'],
      ["two ids", [ALICE, ALICE], "Expected one USER_ID, got 2"],
      ["unknown option", [ALICE, "--yes"], 'Unknown option "--yes"'],
      ["--out without a file", [ALICE, "--out"], "--out needs a value"],
    ] as const
  ) {
    await t.step(name, async () => {
      const io = new FakeIo({ DATABASE_URL: "/nonexistent/bot.db" });
      assert.equal(await exportUser(args, io), 2);
      assert.equal(io.stdout, "");
      assert.ok(io.stderr.startsWith(problem), io.stderr);
      assert.ok(io.stderr.endsWith(EXPORT_USER_USAGE));
    });
  }
  await t.step("as a subprocess", async () => {
    const { code, stdout, stderr } = await runCli("export_user.ts", ["abc"], {
      cwd: Deno.cwd(),
      env: {},
    });
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /^"abc" is not a Discord user id/);
    assert.match(stderr, /Usage: deno task export-user USER_ID \[--out FILE\]/);
  });
});

Deno.test("export-user --help prints the usage and exits 0", async () => {
  const io = new FakeIo();
  assert.equal(await exportUser(["--help"], io), 0);
  assert.equal(io.stdout, EXPORT_USER_USAGE);
});

Deno.test("export-user fails without creating a database where none exists", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runCli("export_user.ts", [ALICE], {
      cwd: dir,
      env: { DATABASE_URL: "" },
    });
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      /^Cannot export user 400000000000000001: Cannot open the database data\/bot\.db: the file does not exist/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
