/**
 * `deno task forget-user` as a user runs it: subprocesses with piped stdin
 * against an SQLite file filled through SqliteStore, plus in-process runs
 * with a fake terminal for the confirmation question.
 */
import assert from "node:assert/strict";
import { FORGET_USER_USAGE, forgetUser } from "../../src/cli/forget_user.ts";
import { rateLimitKey } from "../../src/store/rate_limit_key.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import {
  ALICE,
  ALICE_OWN,
  BOB,
  FakeIo,
  runCli,
  SHARED,
  tempBotFolder,
} from "../retention/user_data_fixtures.ts";

/** What is left about each user in the database at `path`. */
async function remaining(path: string) {
  const store = await SqliteStore.open(path);
  try {
    const shared = await store.recentMessages({
      conversation: SHARED,
      limit: 100,
      since: 0,
    });
    const persona = (user_id: string) =>
      store.getPersonaChoice({ binding_key: SHARED.channel_id, user_id });
    const limit = (user_id: string) =>
      store.getRateLimit(rateLimitKey("user", user_id, "default"));
    return {
      alice_messages: (await store.messagesOfUser(ALICE)).length,
      own_conversation: (await store.recentMessages({
        conversation: ALICE_OWN,
        limit: 100,
        since: 0,
      })).length,
      shared: shared.map((m) => m.content).reverse(),
      alice_persona: await persona(ALICE),
      bob_persona: await persona(BOB),
      alice_limit: await limit(ALICE) !== null,
      bob_limit: await limit(BOB) !== null,
    };
  } finally {
    await store.close();
  }
}

const UNTOUCHED = {
  alice_messages: 4,
  own_conversation: 2,
  shared: ["hi all", "hello Alice", "hi from Bob", "ahoy Bob"],
  alice_persona: "pirate",
  bob_persona: "pirate",
  alice_limit: true,
  bob_limit: true,
};

const FORGOTTEN = {
  alice_messages: 0,
  own_conversation: 0,
  // The bot's reply linked to Alice's message goes; its reply to Bob stays.
  shared: ["hi from Bob", "ahoy Bob"],
  alice_persona: null,
  bob_persona: "pirate",
  alice_limit: false,
  bob_limit: true,
};

Deno.test("forget-user --yes deletes everything about the user and nothing about others", async () => {
  await using folder = await tempBotFolder();
  const { code, stdout, stderr } = await runCli(
    "forget_user.ts",
    [ALICE, "--yes"],
    { cwd: folder.dir, env: { DATABASE_URL: "" } },
  );
  assert.equal(code, 0, stderr);
  // 2 messages by Alice, the bot's reply linked to hers in the shared
  // channel, the reply in her own conversation, that conversation, 1 persona
  // choice, 1 rate-limit counter.
  assert.equal(
    stdout,
    `Deleted 7 rows about user ${ALICE} (messages, conversations, summaries, notes, preferences, persona choices, rate-limit counters).\n`,
  );
  assert.deepEqual(await remaining(folder.db), FORGOTTEN);

  const again = await runCli("forget_user.ts", ["-y", ALICE], {
    cwd: folder.dir,
    env: { DATABASE_URL: `sqlite:${folder.db}` },
  });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(
    again.stdout,
    `Nothing was stored about user ${ALICE}; nothing deleted.\n`,
  );
});

Deno.test("forget-user on piped stdin without --yes refuses and says to pass --yes", async () => {
  await using folder = await tempBotFolder();
  const { code, stdout, stderr } = await runCli("forget_user.ts", [ALICE], {
    cwd: folder.dir,
    env: { DATABASE_URL: `sqlite:${folder.db}` },
    stdin: "yes\n",
  });
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    /^Refusing to delete the data of user 400000000000000001/,
  );
  assert.match(stderr, /stdin is not a terminal/);
  assert.match(stderr, /Pass --yes/);
  assert.deepEqual(await remaining(folder.db), UNTOUCHED);
});

Deno.test("forget-user on a terminal asks first and deletes only on yes", async (t) => {
  for (
    const [answer, deleted] of [
      ["y", true],
      ["YES\n", true],
      ["n", false],
      ["", false],
      ["sure", false],
      [null, false],
    ] as const
  ) {
    await t.step(`answer ${JSON.stringify(answer)}`, async () => {
      await using folder = await tempBotFolder();
      const io = new FakeIo({ DATABASE_URL: folder.db }, [answer], true);
      assert.equal(await forgetUser([ALICE], io), deleted ? 0 : 1);
      assert.deepEqual(io.questions, [
        `Delete everything stored about user ${ALICE}: 4 messages, plus their notes, preferences, summaries, persona choices and rate-limit counters? This cannot be undone. [y/N]`,
      ]);
      assert.deepEqual(
        await remaining(folder.db),
        deleted ? FORGOTTEN : UNTOUCHED,
      );
      if (deleted) assert.match(io.stdout, /^Deleted 7 rows/);
      else assert.equal(io.stderr, "Nothing deleted.\n");
    });
  }
});

Deno.test("forget-user exits 2 with the usage for bad arguments", async (t) => {
  for (
    const [name, args, problem] of [
      ["no user id", ["--yes"], "Missing USER_ID"],
      ["not digits", ["alice", "--yes"], '"alice" is not a Discord user id'],
      ["unknown option", [ALICE, "--force"], 'Unknown option "--force"'],
      ["--yes with a value", [ALICE, "--yes=no"], 'Unknown option "--yes=no"'],
      ["two ids", [ALICE, BOB, "-y"], "Expected one USER_ID, got 2"],
    ] as const
  ) {
    await t.step(name, async () => {
      const io = new FakeIo({ DATABASE_URL: "/nonexistent/bot.db" }, [], true);
      assert.equal(await forgetUser(args, io), 2);
      assert.deepEqual(io.questions, []);
      assert.ok(io.stderr.startsWith(problem), io.stderr);
      assert.ok(io.stderr.endsWith(FORGET_USER_USAGE));
    });
  }
  await t.step("--help", async () => {
    const io = new FakeIo();
    assert.equal(await forgetUser(["-h"], io), 0);
    assert.equal(io.stdout, FORGET_USER_USAGE);
  });
});

Deno.test("forget-user fails without creating a database where none exists", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stderr } = await runCli("forget_user.ts", [ALICE, "--yes"], {
      cwd: dir,
      env: { DATABASE_URL: "sqlite:elsewhere/bot.db" },
    });
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^Cannot forget user 400000000000000001: Cannot open the database elsewhere\/bot\.db: the file does not exist/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const SCRIPT = "/usr/bin/script";
const hasPty = Deno.build.os === "linux" &&
  (() => {
    try {
      return Deno.statSync(SCRIPT).isFile;
    } catch {
      return false;
    }
  })();

Deno.test({
  name: "forget-user on a real terminal asks with prompt() and deletes on y",
  ignore: !hasPty,
  async fn() {
    await using folder = await tempBotFolder();
    const cli = new URL("../../src/cli/forget_user.ts", import.meta.url)
      .pathname;
    // util-linux `script` runs the command on a pseudo-terminal fed from our stdin.
    const child = new Deno.Command(SCRIPT, {
      args: [
        "-qec",
        `"${Deno.execPath()}" run --allow-env --allow-read --allow-write "${cli}" ${ALICE}`,
        "/dev/null",
      ],
      cwd: folder.dir,
      env: { DATABASE_URL: "", NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("y\n"));
    await writer.close();
    const { code, stdout } = await child.output();
    const screen = new TextDecoder().decode(stdout);
    assert.equal(code, 0, screen);
    assert.match(
      screen,
      /Delete everything stored about user 4\d+: 4 messages/,
    );
    assert.match(screen, /Deleted 7 rows about user 400000000000000001/);
    assert.deepEqual(await remaining(folder.db), FORGOTTEN);
  },
});
