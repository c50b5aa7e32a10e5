import assert from "node:assert/strict";
import {
  BUTTON_ACCESS_REFUSED,
  BUTTON_FAILED_NOTICE,
  ButtonRouter,
  STALE_BUTTON_NOTICE,
} from "../../../src/discord/buttons/button_router.ts";
import type {
  ButtonPress,
  ButtonResponder,
} from "../../../src/discord/buttons/button_router.ts";
import { parseCustomId } from "../../../src/discord/buttons/custom_id.ts";
import { log } from "../../../src/log/logging.ts";

function press(raw: string, user_id = "111111111111111111"): ButtonPress {
  const custom_id = parseCustomId(raw);
  if (custom_id === null) throw new Error(`bad id ${raw}`);
  return {
    interaction_id: "1",
    token: "t",
    custom_id,
    user_id,
    role_ids: [],
    guild_id: "2",
    channel_id: "3",
    message_id: "4",
  };
}

function recorder(): ButtonResponder & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    acknowledge: () => {
      said.push("ack");
      return Promise.resolve();
    },
    ephemeral: (text) => {
      said.push(text);
      return Promise.resolve();
    },
    update: (text) => {
      said.push(`update ${text}`);
      return Promise.resolve();
    },
  };
}

Deno.test("ButtonRouter routes a press by its action after the access decision", async () => {
  const seen: string[] = [];
  const router = new ButtonRouter({
    access: (p) => Promise.resolve({ allowed: p.user_id !== "9" }),
    logger: log("test"),
  });
  router.on("stop", async (p, respond) => {
    seen.push(p.custom_id.args[0] ?? "");
    await respond.acknowledge();
  });
  const allowed = recorder();
  await router.handle(press("v1:stop:42"), allowed);
  assert.deepEqual(seen, ["42"]);
  assert.deepEqual(allowed.said, ["ack"]);
  const refused = recorder();
  await router.handle(press("v1:stop:43", "9"), refused);
  assert.deepEqual(seen, ["42"]);
  assert.deepEqual(refused.said, [BUTTON_ACCESS_REFUSED]);
});

Deno.test("ButtonRouter answers unknown actions, old versions and failures ephemerally, once", async () => {
  const router = new ButtonRouter({
    access: () => Promise.resolve({ allowed: true }),
    logger: log("test"),
  });
  router.on("boom", () => Promise.reject(new Error("no")));
  for (const raw of ["v1:nope:1", "v0:boom:1"]) {
    const r = recorder();
    await router.handle(press(raw), r);
    assert.deepEqual(r.said, [STALE_BUTTON_NOTICE]);
  }
  const failed = recorder();
  await router.handle(press("v1:boom:1"), failed);
  assert.deepEqual(failed.said, [BUTTON_FAILED_NOTICE]);
  assert.throws(() => router.on("boom", () => Promise.resolve()), /twice/);
});
