import assert from "node:assert/strict";
import { withGlobalPacing } from "../../src/discord/global_pacing.ts";
import type { DiscordPort } from "../../src/discord/discord_port.ts";
import { FakeTimers, settle } from "../support/fake_timers.ts";

Deno.test("withGlobalPacing() lets any number of requests wait bot-wide (only channel wait lists are bounded)", async () => {
  const timers = new FakeTimers();
  let sent = 0;
  const port = {
    send: () => Promise.resolve(String(++sent)),
    edit: () => Promise.resolve(),
    typing: () => Promise.resolve(),
  } as unknown as DiscordPort;
  const paced = withGlobalPacing(port, timers, 50, 1_000);
  const results = Array.from(
    { length: 300 },
    (_, i) =>
      paced.send(`c${i}`, { content: "x", ping_replied_user: false }).then(
        () => "sent",
        (error) => error.name,
      ),
  );
  for (let i = 0; i < 10; i++) {
    await settle();
    await timers.advance(1_000);
  }
  assert.deepEqual([...new Set(await Promise.all(results))], ["sent"]);
  paced.close();
});
