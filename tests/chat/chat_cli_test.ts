/**
 * `deno task chat` as a user runs it: a subprocess with piped stdin, the
 * real config loader, store and pipeline, against the fake LLM server.
 */
import assert from "node:assert/strict";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";

const CHAT = new URL("../../src/cli/chat.ts", import.meta.url).pathname;

function configText(base_url: string): string {
  return `version: 1
discord:
  token: \${DISCORD_TOKEN}
endpoints:
  local: { base_url: "${base_url}", retries: 0 }
personas:
  helper: { endpoint: local, model: test-model, system_prompt: "You are Helper." }
  pirate: { endpoint: local, model: test-model, system_prompt: "You are a pirate." }
bindings:
  - channels: ["100000000000000001"]
    persona: helper
    personas: [helper, pirate]
`;
}

async function runChat(
  dir: string,
  input: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      CHAT,
      ...args,
    ],
    cwd: dir,
    env: {
      BOT_CONFIG: `${dir}/bot.config.yaml`,
      DATABASE_URL: `sqlite:${dir}/data/bot.db`,
      NO_COLOR: "1",
      ...env,
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { stdout, stderr, code } = await child.output();
  return {
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
    code,
  };
}

Deno.test("deno task chat answers piped lines, runs /persona and /reset, and exits at EOF", async () => {
  await using server = await startFakeLlmServer();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bot.config.yaml`, configText(server.url));
    const first = await runChat(
      dir,
      "hello there\n/persona pirate\nahoy\n/persona\n",
    );
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.stdout.split("\n"), [
      "echo: you: hello there",
      "🎭 You are now talking to **pirate** here.",
      "echo: you: ahoy",
      "🎭 Answering you here: **pirate** (your choice).",
      "Available: **helper** (`helper`), **pirate** (`pirate`).",
      "",
    ]);
    const systems = server.chatRequests().map((r) =>
      (r.body as { messages: { content: string }[] }).messages[0]?.content
    );
    assert.deepEqual(systems, ["You are Helper.", "You are a pirate."]);

    // A second run continues the stored conversation; /reset forgets it.
    const second = await runChat(dir, "again\n/reset\nfresh\n");
    assert.equal(second.code, 0, second.stderr);
    const again =
      (server.chatRequests()[2]?.body as { messages: { content: string }[] })
        .messages;
    assert.ok(
      again.some((m) => m.content === "you: hello there"),
      "history survived the restart",
    );
    const fresh =
      (server.chatRequests()[3]?.body as { messages: { content: string }[] })
        .messages;
    assert.deepEqual(fresh.map((m) => m.content), [
      "You are a pirate.",
      "you: fresh",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task chat prints the config report and exits 1 on a broken config", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/bot.config.yaml`,
      "version: 1\npersonas: {}\n",
    );
    const result = await runChat(dir, "hi\n");
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /bot\.config\.yaml:1:1 {2}discord {2}missing key "discord"/,
    );
    assert.equal(result.stdout, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task chat runs with DISCORD_TOKEN empty, as after cp .env.example .env", async () => {
  await using server = await startFakeLlmServer();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bot.config.yaml`, configText(server.url));
    const result = await runChat(dir, "hello\n", [], { DISCORD_TOKEN: "" });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "echo: you: hello\n");
    assert.doesNotMatch(result.stderr, /token/i);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
