import assert from "node:assert/strict";
import { neutraliseMassMentions } from "../../src/discord/mass_mentions.ts";

Deno.test("neutraliseMassMentions() puts a zero-width joiner after the @ of @everyone and @here", () => {
  assert.equal(
    neutraliseMassMentions("hi @everyone and @HERE, mail me@example.org"),
    "hi @\u200Deveryone and @\u200DHERE, mail me@example.org",
  );
});

Deno.test("neutraliseMassMentions() keeps a full message within the limit with a same-length @", () => {
  const full = `${"x".repeat(1991)}@everyone`;
  const out = neutraliseMassMentions(full);
  assert.equal(out.length, 2000);
  assert.ok(!out.includes("@everyone"));
  assert.ok(out.endsWith("\uFF20everyone"));
});
