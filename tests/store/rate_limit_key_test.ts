import assert from "node:assert/strict";
import {
  rateLimitKey,
  rateLimitKeyMentionsUser,
} from "../../src/store/rate_limit_key.ts";

Deno.test("rateLimitKey() joins the subject, the id and the qualifiers with ':'", async (t) => {
  const cases: [Parameters<typeof rateLimitKey>, string][] = [
    [["user", "42"], "user:42"],
    [["channel", "100", "default"], "channel:100:default"],
    [["user", "42", "binding:0", "per user"], "user:42:binding%3A0:per%20user"],
  ];
  for (const [args, want] of cases) {
    await t.step(want, () => assert.equal(rateLimitKey(...args), want));
  }
});

Deno.test("rateLimitKeyMentionsUser() matches the user's own segments only", async (t) => {
  const cases: [string, boolean][] = [
    [rateLimitKey("user", "42"), true],
    [rateLimitKey("user", "42", "default"), true],
    [rateLimitKey("channel", "100", "user", "42"), true],
    [rateLimitKey("user", "421"), false],
    [rateLimitKey("user", "142"), false],
    [rateLimitKey("channel", "42"), false],
    [rateLimitKey("user", "7", "42"), false],
    [rateLimitKey("user", "7", "user:42"), false],
  ];
  for (const [key, want] of cases) {
    await t.step(
      key,
      () => assert.equal(rateLimitKeyMentionsUser(key, "42"), want),
    );
  }
});
