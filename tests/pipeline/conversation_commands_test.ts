import assert from "node:assert/strict";
import { ACCESS_REFUSED } from "../../src/pipeline/access/access_gate.ts";
import {
  isAdmin,
  NOT_BOUND,
  personaCommand,
  personaSuggestions,
  resetCommand,
} from "../../src/pipeline/commands/conversation_commands.ts";
import type {
  CommandCaller,
  CommandDeps,
} from "../../src/pipeline/commands/conversation_commands.ts";
import { effectivePersona } from "../../src/pipeline/persona_choice.ts";
import { resolveRoute } from "../../src/pipeline/route.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { Store } from "../../src/store/store.ts";
import {
  ADMIN_ROLE,
  CHANNEL,
  GUILD,
  testConfig,
  USER_SCOPE_CHANNEL,
} from "../support/test_config.ts";

const config = testConfig();
const deps = (store: Store, now = 1_000): CommandDeps => ({
  store,
  config: () => config,
  now: () => now,
});
const caller = (over: Partial<CommandCaller> = {}): CommandCaller => ({
  channel_id: CHANNEL,
  parent_channel_id: "",
  guild_id: GUILD,
  user_id: "400000000000000001",
  role_ids: [],
  ...over,
});
const admin = (over: Partial<CommandCaller> = {}) =>
  caller({ role_ids: [ADMIN_ROLE], ...over });

async function personaOf(store: Store, who: CommandCaller): Promise<string> {
  const route = resolveRoute(who, config);
  if (route === null) throw new Error("unrouted");
  return (await effectivePersona(store, route.binding, who.user_id)).persona;
}

Deno.test("isAdmin() needs an admin role, and nobody is admin in a DM", () => {
  assert.equal(isAdmin(caller(), config), false);
  assert.equal(isAdmin(admin(), config), true);
  assert.equal(isAdmin(admin({ guild_id: "" }), config), false);
});

Deno.test("/persona name switches only the caller's persona, and the choice persists", async () => {
  await using store = await SqliteStore.open(":memory:");
  const text = await personaCommand(deps(store), caller(), "pirate", undefined);
  assert.match(text, /now talking to \*\*Pirate\*\*/);
  assert.equal(await personaOf(store, caller()), "pirate");
  assert.equal(
    await personaOf(store, caller({ user_id: "400000000000000002" })),
    "helper",
  );
});

Deno.test("/persona accepts a display name in any case and refuses personas not allowed here", async () => {
  await using store = await SqliteStore.open(":memory:");
  assert.match(
    await personaCommand(deps(store), caller(), "PIRATE", undefined),
    /Pirate/,
  );
  const refused = await personaCommand(
    deps(store),
    caller({ channel_id: "700000000000000009" }),
    "helper",
    undefined,
  );
  assert.match(refused, /no persona "helper" here\. Available: \*\*Pirate\*\*/);
});

Deno.test("/persona target:channel sets the default for admins only, and a user's own choice wins", async () => {
  await using store = await SqliteStore.open(":memory:");
  assert.match(
    await personaCommand(deps(store), caller(), "pirate", "channel"),
    /Only admins/,
  );
  assert.equal(await personaOf(store, caller()), "helper");
  assert.match(
    await personaCommand(deps(store), admin(), "pirate", "channel"),
    /default persona is now/,
  );
  assert.equal(await personaOf(store, caller()), "pirate");
  await personaCommand(deps(store), caller(), "helper", undefined);
  assert.equal(await personaOf(store, caller()), "helper");
  assert.equal(
    await personaOf(store, caller({ user_id: "400000000000000002" })),
    "pirate",
  );
});

Deno.test("/persona without a name shows the current persona, its source and the choices", async () => {
  await using store = await SqliteStore.open(":memory:");
  const text = await personaCommand(
    deps(store),
    caller(),
    undefined,
    undefined,
  );
  assert.match(text, /\*\*Helper\*\* \(the default here\)/);
  assert.match(
    text,
    /Available: \*\*Helper\*\* \(`helper`\), \*\*Pirate\*\* \(`pirate`\)/,
  );
});

Deno.test("/reset in a shared channel resets it for everyone", async () => {
  await using store = await SqliteStore.open(":memory:");
  const conversation = { channel_id: CHANNEL, guild_id: GUILD, user_id: "" };
  assert.match(
    await resetCommand(deps(store, 5_000), caller(), undefined),
    /reset for everyone/,
  );
  assert.equal(await store.lastReset(conversation), 5_000);
});

Deno.test("/reset in a per-user channel resets the caller's own; target:channel needs an admin", async () => {
  await using store = await SqliteStore.open(":memory:");
  const mine = {
    channel_id: USER_SCOPE_CHANNEL,
    guild_id: GUILD,
    user_id: "400000000000000001",
  };
  const theirs = { ...mine, user_id: "400000000000000002" };
  for (const conversation of [mine, theirs]) {
    await store.addMessage({
      conversation,
      external_id: null,
      author_id: conversation.user_id,
      author_name: "x",
      role: "user",
      persona: "helper",
      content: "hi",
      token_count: 1,
      created_at: 1,
      partial: false,
    });
  }
  const user = caller({ channel_id: USER_SCOPE_CHANNEL });
  assert.match(
    await resetCommand(deps(store, 2_000), user, undefined),
    /your conversation here/,
  );
  assert.equal(await store.lastReset(mine), 2_000);
  assert.equal(await store.lastReset(theirs), null);
  assert.match(
    await resetCommand(deps(store, 3_000), user, "channel"),
    /Only admins/,
  );
  assert.match(
    await resetCommand(
      deps(store, 3_000),
      admin({ channel_id: USER_SCOPE_CHANNEL }),
      "channel",
    ),
    /2 conversations/,
  );
  assert.equal(await store.lastReset(theirs), 3_000);
});

Deno.test("/reset obeys reset: admins", async () => {
  await using store = await SqliteStore.open(":memory:");
  const strict = testConfig();
  strict.bindings[0]!.reset = "admins";
  const d = { store, config: () => strict, now: () => 1 };
  assert.match(await resetCommand(d, caller(), undefined), /Only admins/);
  assert.match(await resetCommand(d, admin(), undefined), /reset for everyone/);
});

Deno.test("commands in an unbound channel say so", async () => {
  await using store = await SqliteStore.open(":memory:");
  const nowhere = caller({
    guild_id: "200000000000000099",
    channel_id: "700000000000000009",
  });
  assert.equal(await resetCommand(deps(store), nowhere, undefined), NOT_BOUND);
  assert.equal(
    await personaCommand(deps(store), nowhere, "pirate", undefined),
    NOT_BOUND,
  );
});

Deno.test("personaSuggestions() lists only the personas allowed where the command runs", async () => {
  await using store = await SqliteStore.open(":memory:");
  assert.deepEqual(await personaSuggestions(deps(store), caller(), "pi"), [{
    name: "Pirate",
    value: "pirate",
  }]);
  assert.deepEqual(
    (await personaSuggestions(deps(store), caller(), "")).map((s) => s.value),
    ["helper", "pirate"],
  );
  assert.deepEqual(
    (await personaSuggestions(
      deps(store),
      caller({ channel_id: "700000000000000009" }),
      "",
    )).map((s) => s.value),
    ["pirate"],
  );
});

Deno.test("a caller the access lists refuse gets ACCESS_REFUSED from every command and changes nothing", async (t) => {
  const denied = testConfig();
  denied.access.deny_users = ["400000000000000001"];
  const roleOnly = testConfig();
  roleOnly.access.allow_roles = ["500000000000000077"];
  const cases = [["deny_users", denied], ["allow_roles", roleOnly]] as const;
  for (const [name, restricted] of cases) {
    await t.step(name, async () => {
      await using store = await SqliteStore.open(":memory:");
      const d: CommandDeps = {
        store,
        config: () => restricted,
        now: () => 5_000,
      };
      const shared = { channel_id: CHANNEL, guild_id: GUILD, user_id: "" };
      await store.addMessage({
        conversation: shared,
        external_id: null,
        author_id: "400000000000000002",
        author_name: "Bob",
        role: "user",
        persona: "helper",
        content: "keep me",
        token_count: null,
        created_at: 1_000,
        partial: false,
      });
      assert.equal(await resetCommand(d, caller(), undefined), ACCESS_REFUSED);
      assert.equal(await resetCommand(d, admin(), "channel"), ACCESS_REFUSED);
      assert.equal(await store.lastReset(shared), null);
      assert.equal(
        await personaCommand(d, caller(), "pirate", undefined),
        ACCESS_REFUSED,
      );
      assert.equal(
        await personaCommand(d, caller(), undefined, undefined),
        ACCESS_REFUSED,
      );
      assert.deepEqual(await personaSuggestions(d, caller(), ""), []);
      assert.equal(await personaOf(store, caller()), "helper");
    });
  }
});
