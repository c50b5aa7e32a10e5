/**
 * The terminal chat promises that `/persona NAME` and the other commands
 * "work as in Discord" and that errors are handled as in Discord: a
 * persona picked by its display name, and a command that fails on the
 * store side, answer as the slash command would.
 */
import assert from "node:assert/strict";
import { runChat } from "../../src/chat/chat_session.ts";
import type { ChatIdentity } from "../../src/chat/chat_session.ts";
import type { BotServices } from "../../src/pipeline/bot_services.ts";
import { personaCommand } from "../../src/pipeline/commands/conversation_commands.ts";
import type {
  CommandCaller,
  CommandDeps,
} from "../../src/pipeline/commands/conversation_commands.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { Store } from "../../src/store/store.ts";
import { CHANNEL, GUILD, testConfig } from "../support/test_config.ts";

const config = testConfig();
config.personas.pirate!.display_name = "Captain Hook";

const identity: ChatIdentity = {
  channel_id: CHANNEL,
  guild_id: GUILD,
  user_id: "400000000000000001",
  user_name: "Alice",
  role_ids: [],
};
const caller: CommandCaller = {
  channel_id: CHANNEL,
  parent_channel_id: "",
  guild_id: GUILD,
  user_id: identity.user_id,
  role_ids: [],
};

async function* lines(...all: string[]): AsyncGenerator<string> {
  for (const line of all) yield line;
}

async function chat(store: Store, ...input: string[]): Promise<string> {
  const commands: CommandDeps = { store, config: () => config, now: () => 1 };
  let out = "";
  await runChat(
    { commands } as unknown as BotServices,
    identity,
    lines(...input),
    (text) => out += text,
    false,
  );
  return out;
}

Deno.test("deno task chat: /persona takes a display name of two words, as Discord's /persona name: does", async () => {
  await using discordStore = await SqliteStore.open(":memory:");
  const inDiscord = await personaCommand(
    { store: discordStore, config: () => config, now: () => 1 },
    caller,
    "Captain Hook",
    undefined,
  );
  assert.match(inDiscord, /You are now talking to \*\*Captain Hook\*\*/);
  await using store = await SqliteStore.open(":memory:");
  assert.equal(await chat(store, "/persona Captain Hook"), `${inDiscord}\n`);
});

Deno.test("deno task chat: a command the store fails on answers like Discord, and the chat goes on", async () => {
  await using real = await SqliteStore.open(":memory:");
  const failing = new Proxy(real, {
    get(target, key, receiver) {
      if (key === "getPreferences") {
        return () => Promise.reject(new Error("database is locked"));
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  const out = await chat(failing, "/settings", "/persona");
  assert.match(out, /Something went wrong on my side/);
  assert.match(out, /Answering you here/, "the next line is still answered");
});
