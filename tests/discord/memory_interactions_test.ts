/**
 * The memory slash commands and the /forget-me buttons, through
 * `handleInteraction` with a recording responder and the real store.
 */
import assert from "node:assert/strict";
import { ChannelDirectory } from "../../src/discord/channel_directory.ts";
import { handleInteraction } from "../../src/discord/slash_commands.ts";
import type { GatewayInteraction } from "../../src/discord/slash_commands.ts";
import {
  forgetMeButtonId,
  NOT_YOUR_BUTTON,
  parseForgetMeButton,
  STALE_BUTTON,
} from "../../src/discord/memory_interactions.ts";
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

Deno.test("/remember stores a note and /memory shows it, ephemerally deferred", async () => {
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
  assert.equal(responder.calls[0], "defer 1");
  assert.match(responder.calls[1] ?? "", /^edit 📝 Noted \(note 1\)/);
  assert.match(responder.calls[3] ?? "", /\n1\. I like tea\n/);
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
    responder.calls[1] ?? "",
    /language: Dutch · length: normal · ping: on/,
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

  // Bob presses Alice's button: refused privately, nothing deleted.
  await handleInteraction(
    interaction({ type: 3, data: { customId: confirm } }, BOB),
    deps,
  );
  assert.equal(responder.calls[2], `private ${NOT_YOUR_BUTTON}`);
  assert.equal((await store.notesOfUser(String(ALICE))).length, 1);

  // An unknown version is refused too.
  await handleInteraction(
    interaction({
      type: 3,
      data: { custom_id: `v0:forget-me:confirm:${ALICE}` },
    }),
    deps,
  );
  assert.equal(responder.calls[3], `private ${STALE_BUTTON}`);

  await handleInteraction(
    interaction({ type: 3, data: { custom_id: confirm } }),
    deps,
  );
  assert.equal(
    responder.calls[4],
    "update 🗑️ Deleted everything I kept about you: 1 note.",
  );
  assert.deepEqual(await store.notesOfUser(String(ALICE)), []);
});

Deno.test("parseForgetMeButton() reads only its own version and actions", () => {
  assert.deepEqual(parseForgetMeButton("v1:forget-me:cancel:123"), {
    action: "cancel",
    user_id: "123",
  });
  assert.equal(parseForgetMeButton("v1:forget-me:explode:123"), null);
  assert.equal(parseForgetMeButton("v2:forget-me:confirm:123"), null);
  assert.equal(parseForgetMeButton("v1:forget-me:confirm:"), null);
});
