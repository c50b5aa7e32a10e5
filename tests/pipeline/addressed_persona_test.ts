import assert from "node:assert/strict";
import { addressedPersona } from "../../src/pipeline/addressed_persona.ts";
import { resolveRoute } from "../../src/pipeline/route.ts";
import { CHANNEL, GUILD, testConfig } from "../support/test_config.ts";

const config = testConfig();
const personas = {
  ...config.personas,
  captain: { ...config.personas.pirate!, display_name: "Captain Pirate" },
};
const binding = {
  personas: ["helper", "pirate", "captain"],
  webhooks: true,
};

Deno.test("addressedPersona() finds the persona a message starts with", async (t) => {
  const cases: [string, string | null][] = [
    ["Pirate, where is the gold?", "pirate"],
    ["pirate! hey", "pirate"],
    ["@Helper: hi", "helper"],
    ["  Helper", "helper"],
    ["<@123456789012345678> Pirate, hi", "pirate"],
    ["<@!1>, pirate: yo", "pirate"],
    ["Captain Pirate, sail", "captain"],
    ["Pirates are cool", null],
    ["Hey Pirate", null],
    ["", null],
  ];
  for (const [content, persona] of cases) {
    await t.step(JSON.stringify(content), () => {
      assert.equal(
        addressedPersona(content, binding, { personas }),
        persona,
      );
    });
  }
});

Deno.test("addressedPersona() needs webhooks: true and a persona allowed in the binding", () => {
  assert.equal(
    addressedPersona("Pirate, hi", { ...binding, webhooks: false }, {
      personas,
    }),
    null,
  );
  assert.equal(
    addressedPersona("Pirate, hi", { personas: ["helper"], webhooks: true }, {
      personas,
    }),
    null,
  );
});

Deno.test("resolveRoute() makes naming a persona a trigger where webhooks is on", () => {
  const withHooks = testConfig(undefined, "");
  withHooks.bindings[0] = { ...withHooks.bindings[0]!, webhooks: true };
  const place = {
    channel_id: CHANNEL,
    parent_channel_id: "",
    guild_id: GUILD,
    user_id: "1",
    content: "Pirate, ahoy",
  };
  const route = resolveRoute(place, withHooks);
  assert.equal(route?.addressed, "pirate");
  assert.ok(route?.binding.trigger.includes("always"));
  const plain = resolveRoute(place, config);
  assert.equal(plain?.addressed, null);
  assert.deepEqual(plain?.binding.trigger, ["mention", "reply"]);
});

Deno.test("resolveRoute() answers every message in the bot's own thread only with threads: auto", () => {
  const auto = testConfig();
  auto.bindings[0] = { ...auto.bindings[0]!, threads: "auto" };
  const inThread = {
    channel_id: "555",
    parent_channel_id: CHANNEL,
    guild_id: GUILD,
    user_id: "1",
  };
  assert.ok(
    resolveRoute({ ...inThread, in_own_thread: true }, auto)?.binding.trigger
      .includes("always"),
  );
  assert.deepEqual(
    resolveRoute({ ...inThread, in_own_thread: false }, auto)?.binding.trigger,
    ["mention", "reply"],
  );
  assert.deepEqual(
    resolveRoute({ ...inThread, in_own_thread: true }, config)?.binding.trigger,
    ["mention", "reply"],
  );
});
