/**
 * `deno task chat` with memory, as a user runs it (subprocess, piped stdin,
 * the fake LLM): `/remember`, `/memory`, `/forget`, `/settings` and
 * `/forget-me yes` print the same answers as in Discord; notes and
 * preferences reach the model and survive a restart; `history off` leaves
 * no message behind; a `memory: summary` budget summarises after replies.
 */
import assert from "node:assert/strict";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";

const CHAT = new URL("../../src/cli/chat.ts", import.meta.url).pathname;
const CHANNEL = "100000000000000001";

function configText(base_url: string, budget = ""): string {
  return `version: 1
discord:
  token: \${DISCORD_TOKEN}
endpoints:
  local: { base_url: "${base_url}", retries: 0 }
personas:
  helper: { endpoint: local, model: test-model, system_prompt: "You are Helper." }
${budget}
bindings:
  - channels: ["${CHANNEL}"]
    persona: helper
`;
}

async function runChat(dir: string, input: string, extra: string[] = []) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      CHAT,
      ...extra,
    ],
    cwd: dir,
    env: {
      BOT_CONFIG: `${dir}/bot.config.yaml`,
      DATABASE_URL: `sqlite:${dir}/data/bot.db`,
      NO_COLOR: "1",
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

function systemOf(server: { chatRequests(): { body: unknown }[] }, i: number) {
  return (server.chatRequests()[i]?.body as {
    messages: { role: string; content: string }[];
  }).messages[0]?.content ?? "";
}

Deno.test("deno task chat: /remember, /settings, /memory, /forget and /forget-me yes, with notes and preferences in the request across a restart", async () => {
  await using server = await startFakeLlmServer();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bot.config.yaml`, configText(server.url));
    const first = await runChat(
      dir,
      "/remember I am vegetarian\n/settings language French\n/settings length short\nwhat's for dinner?\n",
    );
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.stdout.split("\n").slice(0, 3), [
      "📝 Noted (note 1). The personas will remember it in this server and in our direct messages.",
      "⚙️ Saved. Your preferences: language: French · length: normal · ping: default (off) · history: on",
      "⚙️ Saved. Your preferences: language: French · length: short · ping: default (off) · history: on",
    ]);
    const system = systemOf(server, 0);
    assert.match(system, /^You are Helper\.\n\n/);
    assert.match(
      system,
      /you's preferences: Answer in French\. Keep answers short/,
    );
    assert.match(
      system,
      /Notes you asked you to remember about them:\n- I am vegetarian/,
    );

    // A restart keeps them; /memory shows them; /forget removes the note.
    const second = await runChat(dir, "/memory\nhello\n/forget 1\nbye\n");
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stdout,
      /\*\*Notes\*\* \(seen in this server and in our direct messages\):\n1\. I am vegetarian\n/,
    );
    assert.match(
      second.stdout,
      /\*\*Preferences:\*\* language: French · length: short/,
    );
    assert.match(second.stdout, /🧽 Forgot note 1: “I am vegetarian”\./);
    assert.match(systemOf(server, 1), /I am vegetarian/);
    assert.doesNotMatch(systemOf(server, 2), /vegetarian/);

    const third = await runChat(dir, "/forget-me\n/forget-me yes\n/memory\n");
    assert.equal(third.code, 0, third.stderr);
    const lines = third.stdout.split("\n");
    assert.match(
      lines[0] ?? "",
      /^⚠️ This deletes everything I keep about you, everywhere: 6 messages, your preferences, 1 rate-limit counter\. It cannot be undone\. Are you sure\?$/,
    );
    assert.equal(lines[1], "Type `/forget-me yes` to delete it all.");
    assert.match(
      lines[2] ?? "",
      /^🗑️ Deleted everything I kept about you: 6 messages, your preferences, 1 rate-limit counter\.$/,
    );
    assert.match(third.stdout, /\(none — add one with `\/remember`\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task chat: history off keeps no message of the user once the reply is out", async () => {
  await using server = await startFakeLlmServer();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bot.config.yaml`, configText(server.url));
    const run = await runChat(
      dir,
      "remember me\n/settings history off\nsecret one\nsecret two\n",
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /History is off: I deleted 2 stored messages/);
    // The second secret's request did not see the first one.
    const last = server.chatRequests().at(-1)?.body as {
      messages: { content: string }[];
    };
    assert.deepEqual(last.messages.map((m) => m.content).slice(1), [
      "you: secret two",
    ]);
    await using store = await SqliteStore.open(`${dir}/data/bot.db`);
    assert.deepEqual(await store.messagesOfUser("terminal-user"), []);
    const left = await store.recentMessages({
      conversation: { channel_id: CHANNEL, guild_id: "", user_id: "" },
      limit: 100,
      since: 0,
    });
    assert.deepEqual(left, [], "no reply rows either");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task chat: a note made in a server is seen in DMs, and {{preferences}} in a prompt places the preferences there", async () => {
  await using server = await startFakeLlmServer();
  const dir = await Deno.makeTempDir();
  try {
    const config = configText(server.url)
      .replace(
        'system_prompt: "You are Helper."',
        'system_prompt: "You are Helper. {{preferences}} Be kind."',
      )
      .replace(
        "discord:\n",
        "discord:\n  dm: { enabled: true, persona: helper }\n",
      );
    await Deno.writeTextFile(`${dir}/bot.config.yaml`, config);
    const inServer = await runChat(
      dir,
      "/remember I live in Oslo\n/settings language Norwegian\n",
    );
    assert.equal(inServer.code, 0, inServer.stderr);
    const inDm = await runChat(dir, "where do I live?\n", ["--dm"]);
    assert.equal(inDm.code, 0, inDm.stderr);
    const system = systemOf(server, 0);
    assert.match(
      system,
      /^You are Helper\. you's preferences: Answer in Norwegian\. Be kind\.\n\n/,
    );
    assert.match(system, /- I live in Oslo/);
    assert.equal(system.match(/Answer in Norwegian/g)?.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
