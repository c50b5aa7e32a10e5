import assert from "node:assert/strict";
import { resolveRoute } from "../../src/pipeline/route.ts";
import {
  CHANNEL,
  GUILD,
  testConfig,
  USER_SCOPE_CHANNEL,
} from "../support/test_config.ts";

const config = testConfig();
const place = (
  over: Partial<
    { channel_id: string; parent_channel_id: string; guild_id: string }
  >,
) => ({
  channel_id: "700000000000000001",
  parent_channel_id: "",
  guild_id: GUILD,
  user_id: "400000000000000001",
  ...over,
});

Deno.test("resolveRoute() picks the most specific binding", async (t) => {
  await t.step("a bound channel uses its own binding", () => {
    const route = resolveRoute(place({ channel_id: CHANNEL }), config);
    assert.equal(route?.binding.source, "bindings[0]");
    assert.equal(route?.binding.key, `channel:${CHANNEL}`);
    assert.deepEqual(route?.conversation, {
      channel_id: CHANNEL,
      guild_id: GUILD,
      user_id: "",
    });
  });
  await t.step(
    "a thread inherits its parent's binding but is its own conversation",
    () => {
      const route = resolveRoute(
        place({ channel_id: "800000000000000001", parent_channel_id: CHANNEL }),
        config,
      );
      assert.equal(route?.binding.source, "bindings[0]");
      assert.equal(route?.binding.key, `channel:${CHANNEL}`);
      assert.equal(route?.conversation.channel_id, "800000000000000001");
    },
  );
  await t.step(
    "another channel of the server falls back to the server binding",
    () => {
      const route = resolveRoute(place({}), config);
      assert.equal(route?.binding.source, "bindings[2]");
      assert.equal(route?.binding.persona, "pirate");
    },
  );
  await t.step("scope: user gives each user a conversation", () => {
    const route = resolveRoute(
      place({ channel_id: USER_SCOPE_CHANNEL }),
      config,
    );
    assert.equal(route?.conversation.user_id, "400000000000000001");
  });
  await t.step("a DM uses the DM policy, one conversation per user", () => {
    const route = resolveRoute(
      place({ guild_id: "", channel_id: "900" }),
      config,
    );
    assert.equal(route?.binding.source, "discord.dm");
    assert.deepEqual(route?.binding.trigger, ["always"]);
    assert.equal(route?.conversation.user_id, "400000000000000001");
  });
  await t.step("an unbound server gets nothing", () => {
    assert.equal(
      resolveRoute(place({ guild_id: "200000000000000099" }), config),
      null,
    );
  });
});

Deno.test("resolveRoute() ignores DMs when they are disabled", () => {
  const noDms = testConfig();
  noDms.discord.dm.enabled = false;
  assert.equal(
    resolveRoute(place({ guild_id: "", channel_id: "900" }), noDms),
    null,
  );
});
