/**
 * End to end: a model that ignores `max_tokens` cannot make the bot post
 * forever (issue 10, item 7). Past the persona's `max_reply_chars` (default
 * 8000) the LLM request is stopped, the text so far stays, and the reply
 * ends with "(stopped: reply too long)".
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";

Deno.test("a runaway reply stops at max_reply_chars (default 8000) and the LLM stream is cancelled", async () => {
  await using h = await startHarness();
  // 60,000 characters, then the stream hangs: only a client that stops reading ends it.
  const chunks = Array.from(
    { length: 600 },
    (_, i) => `${"word ".repeat(19)}w${String(i).padStart(3, "0")} `,
  );
  h.llm.script({ chunks, chunk_delay_ms: 1, stall_after: 590 });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> talk forever`,
  });
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).some((m) =>
        m.content.endsWith("(stopped: reply too long)")
      ),
    20_000,
    "the stopped reply",
  );
  await h.discord.waitFor(
    () => h.llm.openStreams === 0,
    3_000,
    "the LLM stream to be cancelled",
  );
  const contents = botMessages(h, CHANNEL).map((m) => m.content);
  assert.ok(contents.length <= 5, `${contents.length} messages`);
  const text = contents.join("");
  const shown = text.replace(/\s*\(stopped: reply too long\)$/, "");
  assert.ok(shown.length <= 8000, `${shown.length} characters shown`);
  assert.ok(shown.length > 7000, `${shown.length} characters shown`);
  assert.ok(text.startsWith("word word"), "the text so far is kept");
});
