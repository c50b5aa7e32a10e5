import assert from "node:assert/strict";
import {
  customId,
  MAX_CUSTOM_ID_LENGTH,
  parseCustomId,
} from "../../../src/discord/buttons/custom_id.ts";

Deno.test("customId() names the version, the action and the turn, and reads back", () => {
  const id = customId("stop", "1234567890123456789");
  assert.equal(id, "v1:stop:1234567890123456789");
  assert.deepEqual(parseCustomId(id), {
    version: "v1",
    action: "stop",
    args: ["1234567890123456789"],
  });
});

Deno.test("customId() refuses parts that could not be read back or are too long", () => {
  assert.throws(() => customId("stop", "a:b"), /letters, digits/);
  assert.throws(() => customId("x", "1".repeat(MAX_CUSTOM_ID_LENGTH)), /100/);
});

Deno.test("parseCustomId() ignores ids that are not the bot's", async (t) => {
  for (
    const raw of [
      "",
      "stop",
      "v1",
      "vx:stop:1",
      "v1:st op:1",
      "v1:stop:1:",
      "x".repeat(101),
      42,
      null,
    ]
  ) {
    await t.step(JSON.stringify(raw), () => {
      assert.equal(parseCustomId(raw), null);
    });
  }
});

Deno.test("parseCustomId() reads ids of other versions so old buttons can be refused politely", () => {
  assert.deepEqual(parseCustomId("v0:regen:5"), {
    version: "v0",
    action: "regen",
    args: ["5"],
  });
});
