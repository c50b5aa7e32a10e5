import assert from "node:assert/strict";
import { ChannelThrottle } from "../../src/discord/channel_throttle.ts";
import type {
  DiscordPort,
  OutgoingMessage,
  ReplyButton,
  SentMessage,
} from "../../src/discord/discord_port.ts";
import { DiscordReply } from "../../src/discord/discord_reply.ts";
import {
  regenerateButton,
  stopButton,
} from "../../src/discord/buttons/reply_buttons.ts";
import { log } from "../../src/log/logging.ts";
import { FakeTimers } from "../support/fake_timers.ts";

interface Shown {
  content: string;
  buttons: string[];
}

/** A port that keeps what each message shows, buttons included. */
class ButtonPort implements DiscordPort {
  readonly messages = new Map<string, Shown>();
  readonly deleted: string[] = [];
  readonly calls: string[] = [];
  #id = 0;

  send(_channel: string, message: OutgoingMessage): Promise<SentMessage> {
    const id = `m${++this.#id}`;
    this.calls.push(`send ${id}`);
    this.messages.set(id, {
      content: message.content,
      buttons: (message.buttons ?? []).map((b) => b.custom_id),
    });
    return Promise.resolve({ id, content: message.content });
  }

  edit(
    _channel: string,
    id: string,
    content: string,
    buttons?: readonly ReplyButton[],
  ): Promise<void> {
    this.calls.push(`edit ${id}`);
    const shown = this.messages.get(id) ?? { content: "", buttons: [] };
    this.messages.set(id, {
      content,
      buttons: buttons === undefined
        ? shown.buttons
        : buttons.map((b) => b.custom_id),
    });
    return Promise.resolve();
  }

  delete(_channel: string, id: string): Promise<void> {
    this.deleted.push(id);
    this.messages.delete(id);
    return Promise.resolve();
  }

  typing(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(reuse: { id: string; content: string }[] = []) {
  const timers = new FakeTimers();
  const port = new ButtonPort();
  const throttle = new ChannelThrottle(100, 5_000, timers);
  const reply = new DiscordReply({
    port,
    throttle,
    timers,
    logger: log("test"),
    channel_id: "c1",
    trigger_message_id: "77",
    ping_replied_user: false,
    buttons: (done) => done ? [regenerateButton("77")] : [stopButton("77")],
    reuse,
  });
  return { timers, port, throttle, reply };
}

Deno.test("DiscordReply shows Stop on the last message while streaming and Regenerate once done", async () => {
  const { timers, port, throttle, reply } = setup();
  await reply.show(["Hello"], false);
  await timers.advance(20);
  assert.deepEqual(port.messages.get("m1")?.buttons, ["v1:stop:77"]);
  await reply.show(["a".repeat(2000), "more"], false);
  await timers.advance(2_000);
  assert.deepEqual(
    port.messages.get("m1")?.buttons,
    [],
    "Stop leaves a message that is no longer the last",
  );
  assert.deepEqual(port.messages.get("m2")?.buttons, ["v1:stop:77"]);
  const done = reply.show(["a".repeat(2000), "more!"], true);
  await timers.advance(2_000);
  await done;
  assert.deepEqual(port.messages.get("m2"), {
    content: "more!",
    buttons: ["v1:regen:77"],
  });
  throttle.close();
});

Deno.test("DiscordReply swaps Stop for Regenerate even when the text did not change", async () => {
  const { timers, port, throttle, reply } = setup();
  await reply.show(["Stopped here"], false);
  await timers.advance(20);
  const done = reply.show(["Stopped here"], true);
  await timers.advance(2_000);
  await done;
  assert.deepEqual(port.messages.get("m1")?.buttons, ["v1:regen:77"]);
  assert.deepEqual(port.calls, ["send m1", "edit m1"]);
  throttle.close();
});

Deno.test("DiscordReply writes a rerun over the earlier messages and deletes the ones it no longer needs", async () => {
  const { timers, port, throttle, reply } = setup([
    { id: "old1", content: "x".repeat(2000) },
    { id: "old2", content: "tail" },
  ]);
  port.messages.set("old1", { content: "x".repeat(2000), buttons: [] });
  port.messages.set("old2", { content: "tail", buttons: ["v1:regen:77"] });
  const done = reply.show(["Short now"], true);
  await timers.advance(2_000);
  await done;
  assert.deepEqual(port.messages.get("old1"), {
    content: "Short now",
    buttons: ["v1:regen:77"],
  });
  assert.deepEqual(port.deleted, ["old2"]);
  assert.deepEqual(reply.posted_ids, ["old1"]);
  assert.ok(!port.calls.some((c) => c.startsWith("send")), "nothing new sent");
  throttle.close();
});

Deno.test("DiscordReply: a rerun that fails before any text leaves the earlier answer's text as it was", async () => {
  const { timers, port, throttle, reply } = setup([
    { id: "old1", content: "The earlier answer" },
  ]);
  port.messages.set("old1", {
    content: "The earlier answer",
    buttons: ["v1:regen:77"],
  });
  // The model failed: nothing was shown, so nothing is written over, and
  // what the reply remembers (for taking its buttons off later) is the text
  // Discord shows.
  await timers.advance(2_000);
  assert.deepEqual(reply.posted, [{
    id: "old1",
    content: "The earlier answer",
  }]);
  assert.deepEqual(port.calls, []);
  assert.equal(port.messages.get("old1")?.content, "The earlier answer");
  throttle.close();
});
