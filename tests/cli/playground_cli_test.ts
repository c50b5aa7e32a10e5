/**
 * `deno task playground` as a user runs it, without a browser: the shipped
 * config, DISCORD_TOKEN empty (as after `cp .env.example .env`), the fake
 * LLM server; the printed URL works, nothing works without its token, and
 * SIGTERM stops it cleanly.
 */
import assert from "node:assert/strict";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { playgroundPort } from "../../src/cli/playground.ts";
import { readEvents } from "../playground/playground_harness.ts";

const PLAYGROUND = new URL("../../src/cli/playground.ts", import.meta.url)
  .pathname;
const SHIPPED = new URL("../../bot.config.yaml", import.meta.url).pathname;

Deno.test("deno task playground prints a URL with its token, answers through the pipeline, and stops on SIGTERM", async () => {
  await using llm = await startFakeLlmServer();
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      PLAYGROUND,
      "--port",
      "0",
    ],
    cwd: dir,
    env: {
      BOT_CONFIG: SHIPPED,
      DATABASE_URL: `sqlite:${dir}/bot.db`,
      DISCORD_TOKEN: "",
      LLM_API_URL: llm.url,
      LLM_MODEL: "test-model",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let stdout = "";
    while (!stdout.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
    const match =
      /^Playground: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]{32})\n$/
        .exec(stdout);
    assert.ok(match, `printed: ${stdout}`);
    const [, origin, token] = match;

    const denied = await fetch(`${origin}/api/state`);
    assert.equal(denied.status, 401);
    await denied.body?.cancel();

    const state = await (await fetch(`${origin}/api/state`, {
      headers: { "x-playground-token": token! },
    })).json();
    assert.equal(state.config.ok, true);
    assert.ok(!JSON.stringify(state).includes(llm.url), "no endpoint URL");

    const events = await readEvents(
      await fetch(`${origin}/api/line`, {
        method: "POST",
        headers: {
          "x-playground-token": token!,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          place: "dm",
          user_id: "u",
          user_name: "Ann",
          text: "hi",
        }),
      }),
    );
    assert.equal(events.at(-1)?.data.outcome, "answered");
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
  }
  const status = await child.status;
  assert.equal(status.code, 0, await stderr);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("playgroundPort() reads --port, else PLAYGROUND_PORT, else 8765, and refuses --port without a number", () => {
  const env = (values: Record<string, string>) => (name: string) =>
    values[name];
  assert.equal(playgroundPort(["--port", "9000"], env({})), 9000);
  assert.equal(playgroundPort([], env({ PLAYGROUND_PORT: " 9001 " })), 9001);
  assert.equal(playgroundPort([], env({ PLAYGROUND_PORT: "" })), 8765);
  assert.equal(playgroundPort([], env({})), 8765);
  assert.equal(
    playgroundPort(["--port"], env({ PLAYGROUND_PORT: "9001" })),
    null,
  );
  assert.equal(playgroundPort(["--port", "x"], env({})), null);
});
