import assert from "node:assert/strict";
import { skipOwnMessages } from "../../src/discord/discordeno_patches.ts";

Deno.test("skipOwnMessages() passes over the bot's own messages and its webhooks' posts, and hands on everyone else's", () => {
  const seen: string[] = [];
  const record = (_bot: unknown, packet: { t: string; d: { id: string } }) =>
    void seen.push(`${packet.t} ${packet.d.id}`);
  const handlers: Record<string, unknown> = {
    MESSAGE_CREATE: record,
    MESSAGE_UPDATE: record,
    GUILD_CREATE: record,
  };
  skipOwnMessages(handlers, () => "10");
  const call = (t: string, d: Record<string, unknown>) =>
    (handlers[t] as (bot: unknown, packet: unknown, shard: number) => void)(
      {},
      { t, d },
      0,
    );
  call("MESSAGE_CREATE", { id: "1", author: { id: "10" } }); // the bot's reply
  call("MESSAGE_UPDATE", { id: "2", author: { id: "10" } }); // its edit
  call("MESSAGE_CREATE", {
    id: "3",
    author: { id: "77" },
    webhook_id: "77",
    application_id: "10",
  }); // a persona's post through the bot's webhook
  call("MESSAGE_CREATE", { id: "4", author: { id: "20" } }); // a person
  call("MESSAGE_CREATE", { id: "5", author: { id: "30", bot: true } }); // another bot
  call("MESSAGE_CREATE", { id: "6", author: { id: "88" }, webhook_id: "88" }); // someone's webhook
  call("MESSAGE_UPDATE", { id: "7" }); // a partial update without an author
  call("GUILD_CREATE", { id: "8", author: { id: "10" } });
  assert.deepEqual(seen, [
    "MESSAGE_CREATE 4",
    "MESSAGE_CREATE 5",
    "MESSAGE_CREATE 6",
    "MESSAGE_UPDATE 7",
    "GUILD_CREATE 8",
  ]);
});
