/**
 * The memory slash commands and the /forget-me buttons, through
 * `handleInteraction` with a recording responder and the real store.
 */
import assert from "node:assert/strict";
import { ChannelDirectory } from "../../src/discord/channel_directory.ts";
import { handleInteraction } from "../../src/discord/slash_commands.ts";
import type { GatewayInteraction } from "../../src/discord/slash_commands.ts";
import {
  FORGET_ME_ACTION,
  forgetMeButtonHandler,
  forgetMeButtonId,
  NOT_YOUR_BUTTON,
} from "../../src/discord/memory_interactions.ts";
import {
  ButtonRouter,
  STALE_BUTTON_NOTICE,
} from "../../src/discord/buttons/button_router.ts";
import { parseCustomId } from "../../src/discord/buttons/custom_id.ts";
import { log } from "../../src/log/logging.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { CHANNEL, GUILD, testConfig } from "../support/test_config.ts";
import { RecordingResponder } from "./recording_responder.ts";

const ALICE = 400000000000000001n;
const BOB = 400000000000000002n;

function interaction(
  over: Partial<GatewayInteraction>,
  user = ALICE,
): GatewayInteraction {
  return {
    id: 1n,
    type: 2,
    token: "tok",
    channelId: BigInt(CHANNEL),
    guildId: BigInt(GUILD),
    member: { roles: [], user: { id: user, username: "someone" } },
    ...over,
  };
}

async function setup() {
  const store = await SqliteStore.open(":memory:");
  const config = testConfig();
  const responder = new RecordingResponder();
  const deps = {
    commands: { store, config: () => config, now: () => 1_000 },
    config: () => config,
    directory: new ChannelDirectory(() => Promise.resolve(null)),
    responder,
    logger: log("test"),
  };
  return { store, responder, deps };
}

Deno.test("/remember stores a note and /memory shows it, answered ephemerally at once", async () => {
  const { store, responder, deps } = await setup();
  await using _ = store;
  await handleInteraction(
    interaction({
      data: {
        name: "remember",
        options: [{ name: "text", value: "I like tea" }],
      },
    }),
    deps,
  );
  await handleInteraction(interaction({ data: { name: "memory" } }), deps);
  // Ready within the safe margin: each answer is the response itself.
  assert.match(responder.calls[0] ?? "", /^respond 📝 Noted \(note 1\)/);
  assert.match(responder.calls[1] ?? "", /\n1\. I like tea\n/);
  assert.equal((await store.notesOfUser(String(ALICE), GUILD)).length, 1);
});

Deno.test("/settings with options saves them; ping and history take on|off", async () => {
  const { store, responder, deps } = await setup();
  await using _ = store;
  await handleInteraction(
    interaction({
      data: {
        name: "settings",
        options: [
          { name: "language", value: "Dutch" },
          { name: "ping", value: "on" },
        ],
      },
    }),
    deps,
  );
  assert.match(
    responder.calls[0] ?? "",
    /^respond .*language: Dutch · length: normal · ping: on/s,
  );
  const saved = await store.getPreferences(String(ALICE));
  assert.equal(saved?.language, "Dutch");
  assert.equal(saved?.ping, true);
});

Deno.test("/forget-me asks with two versioned buttons; only the asker's confirm deletes, and says what", async () => {
  const { store, responder, deps } = await setup();
  await using _ = store;
  await store.addNote(
    { user_id: String(ALICE), guild_id: GUILD, content: "tea", created_at: 1 },
    20,
  );
  await handleInteraction(interaction({ data: { name: "forget-me" } }), deps);
  const confirm = forgetMeButtonId("confirm", String(ALICE));
  assert.equal(confirm, `v1:forget-me:confirm:${ALICE}`);
  assert.match(
    responder.calls[1] ?? "",
    new RegExp(
      `^edit ⚠️ .*1 note\\. .* \\[${confirm}\\] \\[v1:forget-me:cancel:${ALICE}\\]$`,
    ),
  );

  const router = new ButtonRouter({
    access: () => Promise.resolve({ allowed: true }),
    logger: log("test"),
  });
  router.on(FORGET_ME_ACTION, forgetMeButtonHandler(deps.commands));
  const said: string[] = [];
  const respond = {
    acknowledge: () => Promise.resolve(void said.push("ack")),
    ephemeral: (text: string) =>
      Promise.resolve(void said.push(`private ${text}`)),
    update: (text: string) => Promise.resolve(void said.push(`update ${text}`)),
  };
  const press = (custom: string, user: bigint) => ({
    interaction_id: "9",
    token: "t",
    custom_id: parseCustomId(custom)!,
    user_id: String(user),
    role_ids: [],
    guild_id: GUILD,
    channel_id: CHANNEL,
    message_id: "5",
  });

  // Bob presses Alice's button: refused privately, nothing deleted.
  await router.handle(press(confirm, BOB), respond);
  assert.equal(said[0], `private ${NOT_YOUR_BUTTON}`);
  assert.equal((await store.notesOfUser(String(ALICE))).length, 1);

  // An old version is refused too.
  await router.handle(press(`v0:forget-me:confirm:${ALICE}`, ALICE), respond);
  assert.equal(said[1], `private ${STALE_BUTTON_NOTICE}`);

  await router.handle(press(confirm, ALICE), respond);
  assert.equal(
    said[2],
    "update 🗑️ Deleted everything I kept about you: 1 note.",
  );
  assert.deepEqual(await store.notesOfUser(String(ALICE)), []);
});
