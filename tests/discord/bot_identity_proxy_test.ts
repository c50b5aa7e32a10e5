/**
 * A gateway whose `DISCORD_REST_SECRET` differs from the REST proxy's gets
 * the proxy's own 401 at start: the message must point at the secret, not
 * tell the operator to copy the bot token again.
 */
import assert from "node:assert/strict";
import { botIdentity } from "../../src/discord/bot_identity.ts";
import { log } from "../../src/log/logging.ts";

function botAnswering(status: number, body: unknown) {
  return {
    id: 0n,
    applicationId: 0n,
    rest: {
      get<T>(_route: string): Promise<T> {
        return Promise.reject(
          new Error("Failed to send request", {
            cause: { ok: false, status, body: JSON.stringify(body) },
          }),
        );
      },
      routes: { currentUser: () => "/users/@me" },
    },
  };
}

Deno.test("botIdentity().ask() blames DISCORD_REST_SECRET, not the token, when the REST proxy refuses the secret", async () => {
  const bot = botAnswering(401, {
    message: "401: Unauthorized (wrong DISCORD_REST_SECRET)",
  });
  await assert.rejects(
    botIdentity(bot, "1", log("test")).ask(),
    (error: Error) => {
      assert.match(error.message, /DISCORD_REST_SECRET/);
      assert.doesNotMatch(
        error.message,
        /copy it again from the Developer Portal/,
      );
      return true;
    },
  );
});

Deno.test("botIdentity().ask() still says Discord refused the token on Discord's own 401", async () => {
  const bot = botAnswering(401, { message: "401: Unauthorized", code: 0 });
  await assert.rejects(
    botIdentity(bot, "1", log("test")).ask(),
    /Discord refused the token/,
  );
});
