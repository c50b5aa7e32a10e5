import assert from "node:assert/strict";
import { botIdFromToken, tokenProblem } from "../../src/discord/bot_token.ts";
import {
  closeAction,
  fatalCloseMessage,
} from "../../src/discord/gateway_close_codes.ts";
import { ReconnectBackoff } from "../../src/discord/reconnect_backoff.ts";

Deno.test("closeAction() follows Discord's table for every close code 4000–4014", async (t) => {
  const expected: Record<number, string> = {
    4000: "resume",
    4001: "resume",
    4002: "resume",
    4003: "reidentify",
    4004: "stop",
    4005: "resume",
    4007: "reidentify",
    4008: "resume",
    4009: "reidentify",
    4010: "stop",
    4011: "stop",
    4012: "stop",
    4013: "stop",
    4014: "stop",
  };
  for (const [code, action] of Object.entries(expected)) {
    await t.step(code, () => assert.equal(closeAction(Number(code)), action));
  }
  assert.match(fatalCloseMessage(4014) ?? "", /Message Content Intent/);
  assert.match(fatalCloseMessage(4004) ?? "", /DISCORD_TOKEN/);
  assert.equal(fatalCloseMessage(4000), null);
});

Deno.test("ReconnectBackoff grows exponentially with jitter, caps, and resets", () => {
  const backoff = new ReconnectBackoff(
    { base_ms: 1_000, max_ms: 8_000 },
    () => 1,
  );
  assert.deepEqual(Array.from({ length: 7 }, () => backoff.next()), [
    0,
    1_000,
    2_000,
    4_000,
    8_000,
    8_000,
    8_000,
  ]);
  backoff.reset();
  assert.equal(backoff.next(), 0);
  const low = new ReconnectBackoff({ base_ms: 1_000, max_ms: 8_000 }, () => 0);
  low.next();
  assert.equal(low.next(), 250, "never below a quarter of the ceiling");
});

Deno.test("botIdFromToken() reads the bot id and rejects what is not a token", () => {
  const id = "123456789012345678";
  assert.equal(botIdFromToken(`${btoa(id)}.GhIjKl.abcdef`), id);
  assert.equal(botIdFromToken(`${btoa(id).replace(/=+$/, "")}.x.y`), id);
  assert.equal(botIdFromToken("not a token"), null);
  assert.equal(botIdFromToken(""), null);
});

Deno.test("tokenProblem() refuses a token only for a true reason", () => {
  assert.equal(
    tokenProblem("compat-server-token-4f2a"),
    null,
    "other formats are tried",
  );
  assert.equal(tokenProblem(`${btoa("123456789012345678")}.x.y`), null);
  assert.match(tokenProblem("") ?? "", /empty/);
  assert.match(tokenProblem("two words") ?? "", /spaces, line breaks/);
  assert.match(tokenProblem("abc\ndef") ?? "", /spaces, line breaks/);
});
