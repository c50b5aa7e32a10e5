/**
 * End to end: `deno task start` with PLAYGROUND_PORT serves the playground
 * beside Discord. The status panel reports the gateway, the endpoint and
 * the turns from the bot's metrics; a playground conversation in a bound
 * channel's binding never sees what real users wrote there.
 */
import assert from "node:assert/strict";
import { readEvents } from "../playground/playground_harness.ts";
import {
  botMessages,
  CHANNEL,
  eventually,
  startHarness,
} from "./bot_harness.ts";

Deno.test("start with PLAYGROUND_PORT serves the playground with live status and no user content", async () => {
  await using h = await startHarness({ env: { PLAYGROUND_PORT: "0" } });
  const url = await eventually(
    () =>
      Promise.resolve(
        /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}/.exec(h.output())
          ?.[0],
      ),
    10_000,
    "the playground URL in the log",
  );
  const origin = url.slice(0, url.indexOf("/?"));
  const token = url.slice(url.indexOf("token=") + 6);
  const denied = await fetch(`${origin}/api/state`);
  assert.equal(denied.status, 401);
  await denied.body?.cancel();
  // The page's files come with the bot (the bundle carries a copy).
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<script[^>]+playground\.js/);
  const script = await fetch(`${origin}/playground.js?token=${token}`);
  assert.equal(script.status, 200);
  assert.equal(
    await script.text(),
    await Deno.readTextFile(
      new URL("../../src/playground/page/playground.js", import.meta.url),
    ),
  );

  const userText = "my private words for the bot";
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${userText}`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).some((m) => m.content.startsWith("echo:")),
    10_000,
    "the Discord reply",
  );

  const headers = { "x-playground-token": token };
  const events = await (await fetch(`${origin}/api/events`, { headers }))
    .body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const status = await eventually(
    async () => {
      seen += (await events.read()).value ?? "";
      const blocks = seen.split("\n\n").filter((b) =>
        b.startsWith("event: status")
      );
      const last = blocks.at(-1);
      if (last === undefined) return undefined;
      const report = JSON.parse(last.slice(last.indexOf("data: ") + 6));
      return report.gateway?.state.startsWith("connected") &&
          report.endpoints[0]?.healthy === true
        ? report
        : undefined;
    },
    15_000,
    "a status report with the gateway connected",
  );
  await events.cancel();
  assert.equal(status.endpoints[0].name, "local");
  assert.deepEqual(status.gateway.shards, [{ id: 0, state: "ready" }]);
  assert.ok(!seen.includes(userText), "status never carries message content");

  const line = await fetch(`${origin}/api/line`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({
      place: 0,
      user_id: "tester",
      user_name: "Tess",
      text: "hello from the playground",
    }),
  });
  const turn = await readEvents(line);
  assert.equal(turn.at(-1)?.data.outcome, "answered");
  const inspection = turn.find((e) => e.event === "inspection")?.data;
  assert.ok(inspection);
  assert.ok(
    !JSON.stringify(turn).includes(userText),
    "the playground's conversation is its own: no real user's message in it",
  );
  assert.ok(!JSON.stringify(turn).includes(h.discord.token));
});
