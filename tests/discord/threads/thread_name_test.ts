import assert from "node:assert/strict";
import {
  MAX_THREAD_NAME,
  threadName,
} from "../../../src/discord/threads/thread_name.ts";

Deno.test("threadName() names the thread from the message, without markup", async (t) => {
  const cases: [string, string][] = [
    ["<@123456789012345678> how do I sort a list?", "how do I sort a list?"],
    ["<@!1> hey @everyone look <#22> and <@&33>", "hey everyone look and"],
    ["**bold** _it_ `code` ~~x~~ > quote", "bold it code x quote"],
    ["line one\nline two\r\n\tthree", "line one line two three"],
    ["<:blob:123456> party <a:wave:99>", ":blob: party :wave:"],
    ["see https://example.org/x?y=1 please", "see please"],
    ["a\u200bb\u202ec\u0000d", "a b c d"],
  ];
  for (const [content, name] of cases) {
    await t.step(JSON.stringify(content), () => {
      assert.equal(threadName(content, "alice"), name);
    });
  }
});

Deno.test("threadName() falls back to the author's name when nothing is left", () => {
  assert.equal(threadName("<@1>", "alice"), "Conversation with alice");
  assert.equal(threadName("  ***  ", "\u0000"), "Conversation with someone");
});

Deno.test("threadName() cuts to 100 characters at a word, never inside a surrogate pair", () => {
  const long = threadName("word ".repeat(60), "a");
  assert.ok(long.length <= MAX_THREAD_NAME);
  assert.ok(long.endsWith("word…"), long);
  const emoji = threadName("😀".repeat(80), "a");
  assert.ok(emoji.length <= MAX_THREAD_NAME);
  assert.ok(!/[\ud800-\udbff]…$/.test(emoji), "no lone high surrogate");
  assert.ok(!/^[\udc00-\udfff]/.test(emoji));
});
