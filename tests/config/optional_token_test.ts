/** The token is optional for chat, the playground and validate. */
import assert from "node:assert/strict";
import {
  loadConfigWithoutToken,
  PLACEHOLDER_TOKEN,
} from "../../src/config/optional_token.ts";
import { ConfigError } from "../../src/config/config_error.ts";

const SHIPPED = new URL("../../bot.config.yaml", import.meta.url).pathname;
const VALIDATE = new URL("../../src/cli/validate.ts", import.meta.url).pathname;

Deno.test("loadConfigWithoutToken() accepts the shipped config with DISCORD_TOKEN unset or empty, with a warning", async (t) => {
  for (
    const [name, env] of [
      ["unset", {}],
      ["empty", { DISCORD_TOKEN: "" }],
    ] as const
  ) {
    await t.step(name, async () => {
      const { config, warning } = await loadConfigWithoutToken(
        SHIPPED,
        (key) => (env as Record<string, string>)[key],
      );
      assert.equal(config.discord.token, PLACEHOLDER_TOKEN);
      assert.match(warning ?? "", /DISCORD_TOKEN is not set/);
    });
  }
  const { warning } = await loadConfigWithoutToken(
    SHIPPED,
    (key) => key === "DISCORD_TOKEN" ? "a.b.c" : undefined,
  );
  assert.equal(warning, null);
});

Deno.test("loadConfigWithoutToken() follows whichever variable discord.token names, and still reports other problems", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/bot.config.yaml`;
    const text = (await Deno.readTextFile(SHIPPED)).replace(
      "${DISCORD_TOKEN}",
      "${MY_BOT_TOKEN}",
    );
    await Deno.writeTextFile(file, text);
    const { warning } = await loadConfigWithoutToken(file, () => undefined);
    assert.match(warning ?? "", /MY_BOT_TOKEN/);
    await Deno.writeTextFile(
      file,
      text.replace("temperature: 0.7", "temperature: hot"),
    );
    await assert.rejects(
      () => loadConfigWithoutToken(file, () => undefined),
      (error) =>
        error instanceof ConfigError && /temperature/.test(error.format()),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validate passes the shipped config without a token and warns that start needs it", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", VALIDATE, SHIPPED],
    clearEnv: true,
    env: { DISCORD_TOKEN: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0);
  assert.match(new TextDecoder().decode(stdout), /OK/);
  assert.match(
    new TextDecoder().decode(stderr),
    /warning: discord\.token is empty \(DISCORD_TOKEN is not set\): `deno task start` needs it/,
  );
});
