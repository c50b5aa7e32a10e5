/** Who may use the playground. */
import assert from "node:assert/strict";
import {
  isAllowed,
  newAccessToken,
} from "../../src/playground/access_token.ts";

Deno.test("isAllowed() wants the token (query, header or cookie) and a loopback host", async (t) => {
  const token = newAccessToken();
  assert.match(token, /^[0-9a-f]{32}$/);
  assert.notEqual(newAccessToken(), token);
  const cases: [string, string, Record<string, string>, boolean][] = [
    ["query", `http://127.0.0.1:1/?token=${token}`, {}, true],
    [
      "header",
      "http://127.0.0.1:1/api/state",
      { "x-playground-token": token },
      true,
    ],
    ["cookie", "http://localhost:1/api/state", {
      cookie: `a=b; playground_token=${token}`,
    }, true],
    ["IPv6 loopback", `http://[::1]:1/?token=${token}`, {}, true],
    ["no token", "http://127.0.0.1:1/", {}, false],
    ["wrong token", "http://127.0.0.1:1/?token=0123", {}, false],
    [
      "a token one character short",
      `http://127.0.0.1:1/?token=${token.slice(1)}`,
      {},
      false,
    ],
    [
      "another host name (DNS rebinding)",
      `http://evil.example:1/?token=${token}`,
      {},
      false,
    ],
  ];
  for (const [name, url, headers, allowed] of cases) {
    await t.step(name, () => {
      const request = new Request(url, { headers });
      assert.equal(isAllowed(request, new URL(request.url), token), allowed);
    });
  }
});
