import assert from "node:assert/strict";
import { DiscordRequestError } from "../../src/discord/discord_port.ts";
import { interactionPort } from "../../src/discord/interaction_port.ts";
import type { InteractionWebhook } from "../../src/discord/interaction_port.ts";

function recordingWebhook(fail = false) {
  const calls: string[] = [];
  let next = 100;
  const webhook: InteractionWebhook = {
    defer: () => Promise.resolve(),
    editOriginal(content) {
      calls.push(`original ${content}`);
      if (fail) {
        return Promise.reject(
          new Error("x", { cause: { status: 404, body: '{"code":10008}' } }),
        );
      }
      return Promise.resolve("1");
    },
    followUp(content) {
      calls.push(`follow-up ${content}`);
      return Promise.resolve(String(next++));
    },
    editMessage(id, content) {
      calls.push(`edit ${id} ${content}`);
      return Promise.resolve();
    },
    deleteOriginal: () => Promise.resolve(),
  };
  return { webhook, calls };
}

Deno.test("interactionPort(): the first send replaces the deferral, later sends are follow-ups, edits go to the named message", async () => {
  const { webhook, calls } = recordingWebhook();
  const port = interactionPort(webhook);
  assert.equal(port.answered, false);
  const first = { content: "a", ping_replied_user: false };
  assert.deepEqual(await port.send("c", first), { id: "1", content: "a" });
  assert.equal(port.answered, true);
  await port.edit("c", "1", "ab");
  assert.deepEqual(await port.send("c", { ...first, content: "c" }), {
    id: "100",
    content: "c",
  });
  await port.edit("c", "100", "cd");
  await port.typing("c");
  assert.deepEqual(calls, [
    "original a",
    "edit 1 ab",
    "follow-up c",
    "edit 100 cd",
  ]);
});

Deno.test("interactionPort() classifies failures like the message port", async () => {
  const { webhook } = recordingWebhook(true);
  await assert.rejects(
    interactionPort(webhook).send("c", {
      content: "a",
      ping_replied_user: false,
    }),
    (error) =>
      error instanceof DiscordRequestError && error.kind === "unknown_message",
  );
});
