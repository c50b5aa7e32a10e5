/**
 * `deno task start` when it cannot start: the process prints what to fix
 * and exits 78 (EX_CONFIG), without a stack trace.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const SHIPPED = new URL("../../bot.config.yaml", import.meta.url).pathname;

async function start(env: Record<string, string>, config = SHIPPED) {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-env",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        MAIN,
      ],
      cwd: dir,
      clearEnv: true,
      env: {
        BOT_CONFIG: config,
        DATABASE_URL: ":memory:",
        HEALTH_PORT: "0",
        NO_COLOR: "1",
        ...env,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code,
      stdout: new TextDecoder().decode(stdout),
      stderr: new TextDecoder().decode(stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("start without a token prints one line naming the variable, and exits 78", async () => {
  const result = await start({});
  assert.equal(result.code, 78);
  assert.deepEqual(result.stderr.trim().split("\n"), [
    'DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env or the environment (README: "Register the bot").',
  ]);
});

Deno.test("start with a broken config prints the same report as validate, and exits 78", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/bot.config.yaml`,
      "version: 1\ndiscord: { token: x.y.z }\nendpoints: {}\n",
    );
    const result = await start({}, `${dir}/bot.config.yaml`);
    assert.equal(result.code, 78);
    assert.match(
      result.stderr,
      /bot\.config\.yaml:3:12 {2}endpoints {2}at least one endpoint is needed/,
    );
    assert.match(result.stderr, /missing key "personas"/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, "no stack trace");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("start with something that cannot be a token says why, and exits 78", async () => {
  const result = await start({ DISCORD_TOKEN: "my secret password" });
  assert.equal(result.code, 78);
  assert.match(
    result.stderr,
    /DISCORD_TOKEN contains spaces, line breaks or other characters a token never has/,
  );
  assert.ok(
    !result.stderr.includes("my secret password"),
    "the value is not echoed",
  );
});
