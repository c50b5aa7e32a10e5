import assert from "node:assert/strict";
import { DiscordRequestError } from "../../../src/discord/discord_port.ts";
import type {
  DiscordPort,
  OutgoingMessage,
} from "../../../src/discord/discord_port.ts";
import {
  THREAD_RETRY_AFTER_MS,
  ThreadRefusals,
} from "../../../src/discord/threads/thread_refusals.ts";
import { openingThread } from "../../../src/discord/threads/thread_opener.ts";
import { log } from "../../../src/log/logging.ts";

function recorder(): DiscordPort & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    send(channel: string, message: OutgoingMessage) {
      calls.push(`send ${channel} reply_to=${message.reply_to ?? "-"}`);
      return Promise.resolve({ id: "m1", content: message.content });
    },
    edit(channel, id) {
      calls.push(`edit ${channel} ${id}`);
      return Promise.resolve();
    },
    typing(channel) {
      calls.push(`typing ${channel}`);
      return Promise.resolve();
    },
  };
}

const plan = { parent_id: "10", message_id: "55", name: "a question" };
const message = { content: "hi", reply_to: "55", ping_replied_user: false };

Deno.test("openingThread() types in the channel, opens the thread once at the first send, then posts there", async () => {
  const port = recorder();
  const starts: string[] = [];
  const opened: string[] = [];
  const wrapped = openingThread(port, plan, {
    start: (channel, id, name) => {
      starts.push(`${channel}/${id}/${name}`);
      return Promise.resolve(id);
    },
    logger: log("test"),
    opened: (id) => opened.push(id),
    refusals: new ThreadRefusals(() => 0),
  });
  await wrapped.typing("55");
  await wrapped.send("55", message);
  await wrapped.edit("55", "m1", "more");
  await wrapped.typing("55");
  assert.deepEqual(starts, ["10/55/a question"]);
  assert.deepEqual(opened, ["55"]);
  assert.deepEqual(port.calls, [
    "typing 10",
    "send 55 reply_to=-",
    "edit 55 m1",
    "typing 55",
  ]);
});

Deno.test("openingThread() answers in the channel when the thread cannot be opened, and records the refusal", async () => {
  let now = 0;
  const refusals = new ThreadRefusals(() => now);
  const firsts: boolean[] = [];
  for (let i = 0; i < 2; i++) {
    const port = recorder();
    const wrapped = openingThread(port, plan, {
      start: () =>
        Promise.reject(
          new DiscordRequestError("Missing Permissions", "missing_permissions"),
        ),
      logger: log("test"),
      opened: () => assert.fail("not opened"),
      refusals: {
        refused: (channel) => {
          const first = refusals.refused(channel);
          firsts.push(first);
          return first;
        },
      },
    });
    await wrapped.send("55", message);
    await wrapped.edit("55", "m1", "more");
    assert.deepEqual(port.calls, ["send 10 reply_to=55", "edit 10 m1"]);
  }
  assert.deepEqual(
    firsts,
    [true, false],
    "the owner is warned once per channel",
  );
  assert.equal(refusals.recent("10"), true);
  assert.equal(refusals.recent("11"), false);
  now += THREAD_RETRY_AFTER_MS;
  assert.equal(
    refusals.recent("10"),
    false,
    "ten minutes on, a thread is tried again",
  );
});
