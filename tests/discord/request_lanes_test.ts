import assert from "node:assert/strict";
import type { DiscordPort } from "../../src/discord/discord_port.ts";
import { withRequestLanes } from "../../src/discord/request_lanes.ts";

Deno.test("withRequestLanes() runs a send after the typing request of the same channel has finished", async () => {
  const log: string[] = [];
  let finishTyping = () => {};
  const port: DiscordPort = {
    typing: (channel) => {
      log.push(`typing ${channel} start`);
      return new Promise<void>((resolve) =>
        finishTyping = () => {
          log.push(`typing ${channel} end`);
          resolve();
        }
      );
    },
    send: (channel) => {
      log.push(`send ${channel}`);
      return Promise.resolve({ id: "1", content: "x" });
    },
    edit: (channel) => {
      log.push(`edit ${channel}`);
      return Promise.resolve();
    },
  };
  const laned = withRequestLanes(port);
  const typing = laned.typing("a");
  const send = laned.send("a", { content: "x", ping_replied_user: false });
  const other = laned.send("b", { content: "y", ping_replied_user: false });
  const edit = laned.edit("a", "1", "z");
  await other;
  await edit;
  assert.deepEqual(
    log,
    ["typing a start", "send b", "edit a"],
    "other lanes do not wait",
  );
  finishTyping();
  await Promise.all([typing, send]);
  assert.deepEqual(log.slice(3), ["typing a end", "send a"]);
});

Deno.test("withRequestLanes() keeps going after a failed request", async () => {
  let calls = 0;
  const port: DiscordPort = {
    typing: () => Promise.reject(new Error("403")),
    send: () => Promise.resolve({ id: String(++calls), content: "x" }),
    edit: () => Promise.resolve(),
  };
  const laned = withRequestLanes(port);
  await assert.rejects(laned.typing("a"), /403/);
  assert.equal(
    (await laned.send("a", { content: "x", ping_replied_user: false })).id,
    "1",
  );
});
