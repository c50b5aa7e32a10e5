/**
 * `/settings ping:off` must hold for every reply to the user, also the
 * notice that they write faster than the rate limit allows (it is sent
 * before the context stage, where the preference used to be applied).
 */
import assert from "node:assert/strict";
import { ChannelThrottle } from "../../src/discord/channel_throttle.ts";
import type {
  DiscordPort,
  OutgoingMessage,
  SentMessage,
} from "../../src/discord/discord_port.ts";
import { DiscordReply } from "../../src/discord/discord_reply.ts";
import { log } from "../../src/log/logging.ts";
import { DEFAULT_PREFERENCES } from "../../src/store/memory_store.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { message } from "../support/fixtures.ts";
import { FakeTimers } from "../support/fake_timers.ts";
import { ScriptedLlm } from "../support/scripted_llm.ts";
import { testConfig } from "../support/test_config.ts";
import { runnerFor } from "../support/test_runner.ts";

class RecordingPort implements DiscordPort {
  readonly sent: OutgoingMessage[] = [];
  send(_channel: string, message: OutgoingMessage): Promise<SentMessage> {
    this.sent.push(message);
    return Promise.resolve({
      id: `m${this.sent.length}`,
      content: message.content,
    });
  }
  edit(): Promise<void> {
    return Promise.resolve();
  }
  typing(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("the rate-limit notice honours the user's ping:off (config pings replied users)", async () => {
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig();
  config.discord.ping_replied_user = true;
  config.rate_limits.default = { per_user: { count: 1, window_ms: 60_000 } };
  const user = "400000000000000001";
  await store.setPreferences(user, {
    ...DEFAULT_PREFERENCES,
    ping: false,
    updated_at: 1,
  });
  const runner = runnerFor(store, new ScriptedLlm(() => 0), undefined, config);
  const timers = new FakeTimers();
  const port = new RecordingPort();
  const throttle = new ChannelThrottle(100, 5_000, timers);
  const replyFor = (id: string) =>
    new DiscordReply({
      port,
      throttle,
      timers,
      logger: log("test"),
      channel_id: "100000000000000001",
      trigger_message_id: id,
      ping_replied_user: config.discord.ping_replied_user,
    });
  const first = message({ text: "one" });
  const firstTurn = runner.dispatch(first, replyFor(first.id));
  await timers.advance(5_000);
  await firstTurn;
  const second = message({ text: "two" });
  assert.equal(
    await runner.dispatch(second, replyFor(second.id)),
    "rate_limited",
  );
  const notice = port.sent.find((m) => m.content.startsWith("⏳"));
  assert.ok(notice, "the limited user is told");
  assert.equal(
    notice.ping_replied_user,
    false,
    "a user with ping:off is not pinged by the rate-limit notice",
  );
  throttle.close();
});
