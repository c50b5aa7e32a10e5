import assert from "node:assert/strict";
import { ChannelDirectory } from "../../src/discord/channel_directory.ts";
import {
  commandDefinitions,
  handleInteraction,
} from "../../src/discord/slash_commands.ts";
import type { GatewayInteraction } from "../../src/discord/slash_commands.ts";
import { log } from "../../src/log/logging.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { FakeTimers } from "../support/fake_timers.ts";
import { CHANNEL, GUILD, testConfig } from "../support/test_config.ts";
import { RecordingResponder } from "./recording_responder.ts";

const interaction = (
  over: Partial<GatewayInteraction>,
): GatewayInteraction => ({
  id: 1n,
  type: 2,
  token: "tok",
  channelId: BigInt(CHANNEL),
  guildId: BigInt(GUILD),
  member: { roles: [], user: { id: 400000000000000001n, username: "alice" } },
  ...over,
});

Deno.test("commandDefinitions() offers /reset, /persona, /ask and the memory commands, in DMs only when DMs are on", () => {
  const config = testConfig();
  const defs = commandDefinitions(config);
  assert.deepEqual(defs.map((d) => d.name), [
    "reset",
    "persona",
    "ask",
    "remember",
    "memory",
    "forget",
    "settings",
    "forget-me",
  ]);
  assert.deepEqual(
    defs[2]?.options.map((o) => [o.name, o.type, o.required]),
    [["prompt", 3, true], ["persona", 3, false], ["file", 11, false]],
  );
  assert.deepEqual(defs[0]?.contexts, [0, 1]);
  assert.equal(
    defs[1]?.options.find((o) => o.name === "name")?.autocomplete,
    true,
  );
  config.discord.dm.enabled = false;
  assert.deepEqual(commandDefinitions(config)[0]?.contexts, [0]);
});

Deno.test("handleInteraction() defers first, then answers /persona by editing the response", async () => {
  await using store = await SqliteStore.open(":memory:");
  const responder = new RecordingResponder();
  const config = testConfig();
  await handleInteraction(
    interaction({
      data: { name: "persona", options: [{ name: "name", value: "pirate" }] },
    }),
    {
      commands: { store, config: () => config, now: () => 1 },
      config: () => config,
      directory: new ChannelDirectory(() => Promise.resolve(null)),
      responder,
      logger: log("test"),
    },
  );
  // Ready at once: the answer is the response itself, no deferral.
  assert.equal(responder.calls.length, 1);
  assert.match(
    responder.calls[0] ?? "",
    /^respond 🎭 You are now talking to \*\*Pirate\*\*/,
  );
});

Deno.test("handleInteraction() defers a slow command, then answers by editing the response", async () => {
  await using sqlite = await SqliteStore.open(":memory:");
  const timers = new FakeTimers();
  const responder = new RecordingResponder();
  const config = testConfig();
  let release = () => {};
  const slow = new Promise<void>((resolve) => release = resolve);
  const store = Object.create(sqlite) as SqliteStore;
  store.resetConversation = async (key, at) => {
    await slow;
    return sqlite.resetConversation(key, at);
  };
  const handled = handleInteraction(interaction({ data: { name: "reset" } }), {
    commands: { store, config: () => config, now: () => 1 },
    config: () => config,
    directory: new ChannelDirectory(() => Promise.resolve(null)),
    responder,
    logger: log("test"),
    timers,
  });
  await timers.advance(1_499);
  assert.deepEqual(responder.calls, []);
  await timers.advance(1);
  assert.deepEqual(responder.calls, ["defer 1"]);
  release();
  await handled;
  assert.equal(responder.calls.length, 2);
  assert.match(responder.calls[1] ?? "", /^edit /);
});

Deno.test("handleInteraction() answers autocomplete without option data with the full list", async () => {
  await using store = await SqliteStore.open(":memory:");
  const responder = new RecordingResponder();
  const config = testConfig();
  await handleInteraction(interaction({ type: 4, data: { name: "persona" } }), {
    commands: { store, config: () => config, now: () => 1 },
    config: () => config,
    directory: new ChannelDirectory(() => Promise.resolve(null)),
    responder,
    logger: log("test"),
  });
  assert.deepEqual(responder.calls, ["choices helper,pirate"]);
});

Deno.test("handleInteraction() answers autocomplete with the personas allowed here", async () => {
  await using store = await SqliteStore.open(":memory:");
  const responder = new RecordingResponder();
  const config = testConfig();
  await handleInteraction(
    interaction({
      type: 4,
      data: {
        name: "persona",
        options: [{ name: "name", value: "", focused: true }],
      },
    }),
    {
      commands: { store, config: () => config, now: () => 1 },
      config: () => config,
      directory: new ChannelDirectory(() => Promise.resolve(null)),
      responder,
      logger: log("test"),
    },
  );
  assert.deepEqual(responder.calls, ["choices helper,pirate"]);
});

Deno.test("handleInteraction() answers /ask's persona autocomplete the same way", async () => {
  await using store = await SqliteStore.open(":memory:");
  const responder = new RecordingResponder();
  const config = testConfig();
  await handleInteraction(
    interaction({
      type: 4,
      data: {
        name: "ask",
        options: [
          { name: "prompt", value: "hi" },
          { name: "persona", value: "pi", focused: true },
        ],
      },
    }),
    {
      commands: { store, config: () => config, now: () => 1 },
      config: () => config,
      directory: new ChannelDirectory(() => Promise.resolve(null)),
      responder,
      logger: log("test"),
    },
  );
  assert.deepEqual(responder.calls, ["choices pirate"]);
});

Deno.test("handleInteraction() still answers a command whose work fails", async () => {
  const responder = new RecordingResponder();
  const config = testConfig();
  const brokenStore = {
    resetConversation: () => Promise.reject(new Error("disk full")),
  } as unknown as SqliteStore;
  await handleInteraction(interaction({ data: { name: "reset" } }), {
    commands: { store: brokenStore, config: () => config, now: () => 1 },
    config: () => config,
    directory: new ChannelDirectory(() => Promise.resolve(null)),
    responder,
    logger: log("test"),
  });
  assert.deepEqual(responder.calls, [
    "respond ⚠️ Something went wrong on my side. Please try again.",
  ]);
});
