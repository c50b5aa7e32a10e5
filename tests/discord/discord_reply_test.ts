import assert from "node:assert/strict";
import { ChannelThrottle } from "../../src/discord/channel_throttle.ts";
import { DiscordRequestError } from "../../src/discord/discord_port.ts";
import type {
  DiscordPort,
  OutgoingMessage,
  SentMessage,
} from "../../src/discord/discord_port.ts";
import { DiscordReply } from "../../src/discord/discord_reply.ts";
import { log } from "../../src/log/logging.ts";
import { FakeTimers } from "../support/fake_timers.ts";

interface Op {
  at: number;
  kind: "send" | "edit" | "typing";
  channel: string;
  id: string;
  content: string;
  message?: OutgoingMessage;
}

class RecordingPort implements DiscordPort {
  readonly ops: Op[] = [];
  readonly contents = new Map<string, string>();
  failNext: DiscordRequestError[] = [];
  #id = 0;
  constructor(readonly timers: FakeTimers) {}

  #maybeFail() {
    const failure = this.failNext.shift();
    if (failure) throw failure;
  }

  send(channel: string, message: OutgoingMessage): Promise<SentMessage> {
    this.#maybeFail();
    const id = `m${++this.#id}`;
    this.ops.push({
      at: this.timers.now(),
      kind: "send",
      channel,
      id,
      content: message.content,
      message,
    });
    this.contents.set(id, message.content);
    return Promise.resolve({ id, content: message.content });
  }

  edit(channel: string, id: string, content: string): Promise<void> {
    this.#maybeFail();
    this.ops.push({
      at: this.timers.now(),
      kind: "edit",
      channel,
      id,
      content,
    });
    this.contents.set(id, content);
    return Promise.resolve();
  }

  typing(channel: string): Promise<void> {
    this.ops.push({
      at: this.timers.now(),
      kind: "typing",
      channel,
      id: "",
      content: "",
    });
    return Promise.resolve();
  }

  messageOps(channel = "c1") {
    return this.ops.filter((o) => o.kind !== "typing" && o.channel === channel);
  }
}

function setup(channel = "c1") {
  const timers = new FakeTimers();
  const port = new RecordingPort(timers);
  const throttle = new ChannelThrottle(5, 5_000, timers);
  const reply = (over: { channel?: string; ping?: boolean } = {}) =>
    new DiscordReply({
      port,
      throttle,
      timers,
      logger: log("test"),
      channel_id: over.channel ?? channel,
      trigger_message_id: "trigger",
      ping_replied_user: over.ping ?? false,
    });
  return { timers, port, throttle, reply };
}

Deno.test("DiscordReply posts the first text within 20 ms, replying without a ping, then edits", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  await r.show(["Hel"], false);
  await timers.advance(20);
  assert.equal(port.messageOps().length, 1);
  const first = port.messageOps()[0]!;
  assert.deepEqual(first.message, {
    content: "Hel",
    reply_to: "trigger",
    ping_replied_user: false,
    nonce: "trigger.0",
  });
  await r.show(["Hello"], false);
  await r.show(["Hello wor"], false);
  await timers.advance(1_000);
  const finished = r.show(["Hello world"], true);
  await timers.advance(5_000);
  await finished;
  assert.equal(port.contents.get("m1"), "Hello world");
  assert.deepEqual(r.posted_ids, ["m1"]);
  assert.ok(
    port.messageOps().length <= 3,
    "intermediate states were coalesced",
  );
  throttle.close();
});

Deno.test("DiscordReply continues a long answer in new messages, each finished exactly", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  await r.show(["a".repeat(1990)], false);
  await r.show(["a".repeat(2000), "b".repeat(500)], false);
  const done = r.show(
    ["a".repeat(2000), "b".repeat(2000), "c".repeat(10)],
    true,
  );
  await timers.advance(20_000);
  await done;
  assert.equal(r.posted_ids.length, 3);
  assert.deepEqual(r.posted_ids.map((id) => port.contents.get(id)?.length), [
    2000,
    2000,
    10,
  ]);
  const sends = port.messageOps().filter((o) => o.kind === "send");
  assert.equal(sends[0]?.message?.reply_to, "trigger");
  assert.equal(sends[1]?.message?.reply_to, undefined);
  throttle.close();
});

Deno.test("DiscordReply never makes more than 5 sends and edits per 5 s in a channel", async () => {
  const { timers, port, throttle, reply } = setup();
  const replies = [reply(), reply(), reply()];
  const finished: Promise<void>[] = [];
  for (let step = 1; step <= 40; step++) {
    for (const [i, r] of replies.entries()) {
      const text = `${i}:` + "x".repeat(step * 60);
      const chunks = text.length > 2000
        ? [text.slice(0, 2000), text.slice(2000)]
        : [text];
      if (step === 40) finished.push(r.show(chunks, true));
      else await r.show(chunks, false);
    }
    await timers.advance(250);
  }
  await timers.advance(60_000);
  await Promise.all(finished);
  const times = port.messageOps().map((o) => o.at);
  for (const t of times) {
    assert.ok(times.filter((u) => u >= t && u < t + 5_000).length <= 5);
  }
  for (const [i, r] of replies.entries()) {
    const text = r.posted_ids.map((id) => port.contents.get(id)).join("");
    assert.equal(text, `${i}:` + "x".repeat(2400));
  }
  throttle.close();
});

Deno.test("DiscordReply waits out a 429 and still delivers the final text", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  port.failNext.push(
    new DiscordRequestError("429", "rate_limited", { retry_after_s: 2 }),
  );
  const done = r.show(["final answer"], true);
  await timers.advance(1_999);
  assert.equal(port.messageOps().length, 0);
  await timers.advance(1);
  await done;
  assert.equal(port.contents.get(r.posted_ids[0]!), "final answer");
  throttle.close();
});

Deno.test("DiscordReply gives up on a missing permission instead of retrying forever", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  port.failNext.push(
    new DiscordRequestError("Missing Permissions", "missing_permissions"),
  );
  const done = r.show(["text"], true);
  await timers.advance(1_000);
  await assert.rejects(done, /Missing Permissions/);
  assert.equal(port.messageOps().length, 0);
  throttle.close();
});

Deno.test("DiscordReply carries on when one of its messages was deleted", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  await r.show(["first"], false);
  await timers.advance(20);
  port.failNext.push(
    new DiscordRequestError("Unknown Message", "unknown_message"),
  );
  const done = r.show(["first and more"], true);
  await timers.advance(5_000);
  await done;
  throttle.close();
});

Deno.test("DiscordReply shows typing after 250 ms and re-sends it every 8 s until the first text", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  r.startTyping();
  await timers.advance(20_000);
  assert.deepEqual(
    port.ops.filter((o) => o.kind === "typing").map((o) => o.at - 1_000_000),
    [250, 8_250, 16_250],
  );
  await r.show(["hi"], true);
  await timers.advance(20_000);
  assert.equal(port.ops.filter((o) => o.kind === "typing").length, 3);
  assert.equal(timers.pending, 0);
  throttle.close();
});

Deno.test("DiscordReply pings the replied-to user only when configured", async () => {
  const { port, throttle, reply } = setup();
  await reply({ ping: true }).show(["x"], true);
  assert.equal(port.messageOps()[0]?.message?.ping_replied_user, true);
  throttle.close();
});

Deno.test("DiscordReply sends a fast model's whole answer as one message, without an edit", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  await r.show(["Hel"], false);
  await r.show(["Hello"], false);
  await timers.advance(5);
  const done = r.show(["Hello world"], true);
  await timers.advance(100);
  await done;
  assert.deepEqual(port.messageOps().map((o) => `${o.kind} ${o.content}`), [
    "send Hello world",
  ]);
  throttle.close();
});

Deno.test("DiscordReply never shows typing when the first text comes quickly", async () => {
  const { timers, port, throttle, reply } = setup();
  const r = reply();
  r.startTyping();
  await timers.advance(100);
  await r.show(["quick"], false);
  await timers.advance(20_000);
  assert.equal(port.ops.filter((o) => o.kind === "typing").length, 0);
  throttle.close();
});
