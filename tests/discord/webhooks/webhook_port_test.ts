import assert from "node:assert/strict";
import { DiscordRequestError } from "../../../src/discord/discord_port.ts";
import type {
  DiscordPort,
  OutgoingMessage,
} from "../../../src/discord/discord_port.ts";
import {
  RETRY_AFTER_MS,
  WebhookDirectory,
} from "../../../src/discord/webhooks/webhook_directory.ts";
import type {
  Webhook,
  WebhookLookup,
} from "../../../src/discord/webhooks/webhook_directory.ts";
import {
  webhookPort,
  webhookUsername,
} from "../../../src/discord/webhooks/webhook_port.ts";
import type { WebhookMessages } from "../../../src/discord/webhooks/webhook_port.ts";
import { log } from "../../../src/log/logging.ts";

function plainPort(): DiscordPort & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    send(channel: string, message: OutgoingMessage) {
      calls.push(`bot send ${channel} ${message.content}`);
      return Promise.resolve({ id: "b1", content: message.content });
    },
    edit(channel, id, content) {
      calls.push(`bot edit ${channel} ${id} ${content}`);
      return Promise.resolve();
    },
    typing: () => Promise.resolve(),
  };
}

function hooks(): WebhookMessages & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    execute(hook, message) {
      calls.push(
        `execute ${hook.id} as=${message.username} avatar=${message.avatar_url} thread=${message.thread_id} ${message.content}`,
      );
      return Promise.resolve({ id: "w1", content: message.content });
    },
    edit(hook, id, edit) {
      calls.push(`hook edit ${hook.id} ${id} thread=${edit.thread_id}`);
      return Promise.resolve();
    },
    delete(hook, id) {
      calls.push(`hook delete ${hook.id} ${id}`);
      return Promise.resolve();
    },
  };
}

function lookup(existing: Webhook[], fail?: DiscordRequestError) {
  const calls: string[] = [];
  const value: WebhookLookup & { calls: string[] } = {
    calls,
    ownWebhooks(channel) {
      calls.push(`list ${channel}`);
      return fail ? Promise.reject(fail) : Promise.resolve(existing);
    },
    create(channel, name) {
      calls.push(`create ${channel} ${name}`);
      return Promise.resolve({ id: "h9", token: "t", channel_id: channel });
    },
  };
  return value;
}

const message = { content: "Arr", ping_replied_user: false };

Deno.test("webhookPort() posts as the persona through the channel's webhook, in threads with thread_id", async () => {
  const found = lookup([]);
  const directory = new WebhookDirectory(found, log("test"));
  const messages = hooks();
  const base = plainPort();
  const port = webhookPort(base, {
    directory,
    messages,
    webhookChannelOf: (id) => id === "thread" ? "10" : id,
  });
  await port.send("10", message); // no speaker yet: the bot itself
  port.speak({ display_name: "Pirate", avatar_url: "https://x/p.png" });
  await port.send("10", message);
  await port.edit("10", "w1", "Arr!");
  await port.send("thread", message);
  await port.edit("10", "b1", "plain");
  assert.deepEqual(found.calls, ["list 10", "create 10 Personas"]);
  assert.deepEqual(messages.calls, [
    "execute h9 as=Pirate avatar=https://x/p.png thread=undefined Arr",
    "hook edit h9 w1 thread=undefined",
    "execute h9 as=Pirate avatar=https://x/p.png thread=thread Arr",
  ]);
  assert.deepEqual(base.calls, ["bot send 10 Arr", "bot edit 10 b1 plain"]);
});

Deno.test("WebhookDirectory reuses a webhook it finds, and falls back to plain messages without the permission", async () => {
  const existing = lookup([{ id: "h1", token: "t", channel_id: "10" }]);
  const reused = new WebhookDirectory(existing, log("test"));
  assert.equal((await reused.get("10"))?.id, "h1");
  assert.equal((await reused.get("10"))?.id, "h1");
  assert.deepEqual(existing.calls, ["list 10"]);

  let now = 0;
  const refused = lookup(
    [],
    new DiscordRequestError("Missing Permissions", "missing_permissions"),
  );
  const directory = new WebhookDirectory(refused, log("test"), () => now);
  assert.equal(await directory.get("10"), null);
  assert.equal(await directory.get("10"), null);
  assert.deepEqual(refused.calls, ["list 10"], "not asked again at once");
  now = RETRY_AFTER_MS;
  assert.equal(await directory.get("10"), null);
  assert.deepEqual(refused.calls, ["list 10", "list 10"], "asked again later");
});

Deno.test("webhookUsername() keeps names Discord accepts", () => {
  assert.equal(webhookUsername("Pirate"), "Pirate");
  assert.equal(webhookUsername("Discord Clyde Bot"), "Bot");
  assert.equal(webhookUsername("clyde"), "Assistant");
  assert.equal(webhookUsername("x".repeat(100)).length, 80);
});

Deno.test("webhookUsername() never leaves a name containing clyde or discord, nor a lone surrogate", async (t) => {
  for (
    const name of [
      "ClClydeyde",
      "DisDiscordcord",
      "clyDISCORDde",
      "DiscDiscordord Helper",
    ]
  ) {
    await t.step(name, () => {
      const username = webhookUsername(name);
      assert.ok(!/clyde|discord/i.test(username), `${name} → ${username}`);
      assert.ok(username.length >= 1 && username.length <= 80);
    });
  }
  await t.step("80 characters cut between an emoji's halves", () => {
    const username = webhookUsername(`${"a".repeat(79)}😀`);
    assert.ok(username.length <= 80);
    assert.ok(!/[\ud800-\udbff]$/.test(username), "no lone high surrogate");
  });
});
