import assert from "node:assert/strict";
import { runCommandLine } from "../../../src/pipeline/commands/command_line.ts";
import { settingsCommand } from "../../../src/pipeline/commands/settings_command.ts";
import type {
  CommandCaller,
  CommandDeps,
} from "../../../src/pipeline/commands/conversation_commands.ts";
import { SqliteStore } from "../../../src/store/sqlite_store.ts";
import type { Store } from "../../../src/store/store.ts";
import { CHANNEL, GUILD, testConfig } from "../../support/test_config.ts";

const config = testConfig();
const deps = (store: Store): CommandDeps => ({
  store,
  config: () => config,
  now: () => 1_000,
});
const caller: CommandCaller = {
  channel_id: CHANNEL,
  parent_channel_id: "",
  guild_id: GUILD,
  user_id: "400000000000000001",
  role_ids: [],
};

Deno.test("/settings takes NAME VALUE and NAME:VALUE, the form its own help shows", async (t) => {
  for (
    const [line, shown] of [
      ["/settings length short", /length: short/],
      ["/settings length:detailed", /length: detailed/],
      ["/settings language: French", /language: French/],
    ] as const
  ) {
    await t.step(line, async () => {
      await using store = await SqliteStore.open(":memory:");
      const answer = await runCommandLine(deps(store), caller, line);
      assert.ok(answer !== null);
      assert.match(answer, /Saved/);
      assert.match(answer, shown);
    });
  }
});

Deno.test("a line that is not a command goes to the persona", async () => {
  await using store = await SqliteStore.open(":memory:");
  assert.equal(
    await runCommandLine(deps(store), caller, "settings: what are they?"),
    null,
  );
});

// Fulfulde written in Adlam: letters outside the BMP, two UTF-16 units each.
const ADLAM = "𞤊𞤵𞤤𞤬𞤵𞤤𞤣𞤫";

Deno.test("/settings language: a name of 23 Adlam letters is saved, not a store error", async () => {
  await using store = await SqliteStore.open(":memory:");
  const name = `${ADLAM} ${ADLAM} ${[...ADLAM].slice(0, 5).join("")}`;
  assert.equal([...name].length, 23);
  const text = await settingsCommand(deps(store), caller, { language: name });
  assert.match(text, /^⚙️ Saved\./);
  assert.equal((await store.getPreferences(caller.user_id))?.language, name);
});

Deno.test("/settings language: a name over 40 letters gets the command's answer", async () => {
  await using store = await SqliteStore.open(":memory:");
  const name = [...ADLAM.repeat(6)].slice(0, 41).join("");
  const text = await settingsCommand(deps(store), caller, { language: name });
  assert.match(text, /at most 40 letters/);
  assert.equal(await store.getPreferences(caller.user_id), null);
});
