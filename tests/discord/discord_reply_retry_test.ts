/**
 * DiscordReply never repeats a request blindly: a refused request (4xx) is
 * not repeated; a timed-out send is repeated with the same nonce (Discord
 * then answers with the message it already made); and every accepted send
 * or edit is reported to the delivery watchers.
 */
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
import type { PostedPart } from "../../src/pipeline/reply_target.ts";
import { FakeTimers } from "../support/fake_timers.ts";

/** A port that behaves like Discord with `enforce_nonce`, failing on command. */
class NoncePort implements DiscordPort {
  readonly sends: OutgoingMessage[] = [];
  readonly edits: string[] = [];
  readonly failNext: DiscordRequestError[] = [];
  readonly #byNonce = new Map<string, SentMessage>();
  #id = 0;

  send(_channel: string, message: OutgoingMessage): Promise<SentMessage> {
    this.sends.push(message);
    const earlier = message.nonce ? this.#byNonce.get(message.nonce) : null;
    const sent = earlier ?? { id: `m${++this.#id}`, content: message.content };
    if (message.nonce) this.#byNonce.set(message.nonce, sent);
    const failure = this.failNext.shift();
    // The failure comes after Discord made the message: its answer was lost.
    return failure ? Promise.reject(failure) : Promise.resolve(sent);
  }

  edit(_channel: string, _id: string, content: string): Promise<void> {
    const failure = this.failNext.shift();
    if (failure) return Promise.reject(failure);
    this.edits.push(content);
    return Promise.resolve();
  }

  typing(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(port: DiscordPort, timers = new FakeTimers()) {
  const throttle = new ChannelThrottle(5, 5_000, timers);
  const reply = new DiscordReply({
    port,
    throttle,
    timers,
    logger: log("test"),
    channel_id: "c1",
    trigger_message_id: "111",
    ping_replied_user: false,
  });
  return { timers, throttle, reply };
}

Deno.test("DiscordReply does not repeat a request Discord refused", async () => {
  const port = new NoncePort();
  const { timers, throttle, reply } = setup(port);
  port.failNext.push(
    new DiscordRequestError(
      "Discord answered 400: Invalid Form Body",
      "rejected",
    ),
  );
  const done = reply.show(["text"], true);
  await timers.advance(5_000);
  await assert.rejects(done, /Invalid Form Body/);
  assert.equal(port.sends.length, 1);
  throttle.close();
});

Deno.test("DiscordReply repeats a send whose answer was lost with the same nonce, and posts once", async () => {
  const port = new NoncePort();
  const { timers, throttle, reply } = setup(port);
  const seen: (readonly PostedPart[])[] = [];
  reply.watchDelivery((posted) => seen.push(posted));
  port.failNext.push(new DiscordRequestError("no answer", "timeout"));
  const done = reply.show(["the answer"], true);
  await timers.advance(5_000);
  await done;
  assert.deepEqual(port.sends.map((s) => s.nonce), ["111.0", "111.0"]);
  assert.deepEqual(reply.posted_ids, ["m1"], "one message");
  assert.deepEqual(seen.at(-1), [{ id: "m1", content: "the answer" }]);
  throttle.close();
});

Deno.test("DiscordReply edits a repeated send whose first message holds older text", async () => {
  const port = new NoncePort();
  const { timers, throttle, reply } = setup(port);
  // A restart re-runs the turn: Discord already holds "half" under this nonce.
  await port.send("c1", {
    content: "half",
    nonce: "111.0",
    ping_replied_user: false,
  });
  const done = reply.show(["the whole answer"], true);
  await timers.advance(5_000);
  await done;
  assert.deepEqual(reply.posted_ids, ["m1"]);
  assert.deepEqual(port.edits, ["the whole answer"]);
  throttle.close();
});

Deno.test("DiscordReply sends the final state at once, without waiting out the pause between streaming edits", async () => {
  const port = new NoncePort();
  const { timers, throttle, reply } = setup(port);
  await reply.show(["Hel"], false);
  await timers.advance(20); // the first post
  await reply.show(["Hello"], false); // an edit, but not before a second has passed
  await timers.advance(10);
  assert.deepEqual(port.edits, []);
  const finished = reply.show(["Hello world"], true);
  await timers.advance(0);
  await finished;
  assert.deepEqual(
    port.edits,
    ["Hello world"],
    "no intermediate edit, no wait",
  );
  assert.ok(timers.now() - 1_000_000 < 100, `${timers.now() - 1_000_000} ms`);
  throttle.close();
});
