/**
 * End to end against LLM servers as real ones behave (issue 11, items
 * 9–11): a strict chat template that requires alternating roles, a server
 * whose context is smaller than configured, and errors that name a
 * configuration problem.
 */
import assert from "node:assert/strict";
import { ALTERNATE_ROLES_ERROR } from "../fakes/fake_llm_rules.ts";
import { fakePromptTokens } from "../fakes/fake_llm_server.ts";
import {
  botMessages,
  CHANNEL,
  eventually,
  startHarness,
} from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

function mention(h: BotHarness, text: string, replyTo?: string) {
  return h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${text}`,
    ...(replyTo ? { replyTo } : {}),
  });
}

async function answer(h: BotHarness, count: number, what: string) {
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length >= count,
    15_000,
    what,
  );
  // No 500 on the way: nothing said "try again".
  assert.ok(
    botMessages(h, CHANNEL).every((m) => !m.content.startsWith("⚠️")),
    botMessages(h, CHANNEL).map((m) => m.content).join(" | "),
  );
}

/** Roles of every chat request after the system prompt. */
function roles(h: BotHarness, index: number): string[] {
  return h.llmMessages(index).map((m) => m.role).filter((r) => r !== "system");
}

Deno.test("a strict template: a reply to the second chunk of a split answer does not send that chunk again", async () => {
  await using h = await startHarness({
    llm: { rules: { template: "strict" } },
  });
  const first = `${"alpha ".repeat(300).trim()}.`;
  const second = `${"omega ".repeat(200).trim()}.`;
  h.llm.script({ chunks: [first, `\n\n${second}`] });
  mention(h, "write a lot");
  await answer(h, 2, "the two chunks");
  const chunk2 = botMessages(h, CHANNEL)[1]!;
  mention(h, "what did you mean here?", chunk2.id);
  await answer(h, 3, "the answer to the reply");
  const sent = h.llmMessages(1);
  const copies = sent.filter((m) => m.content.includes("omega omega omega"));
  assert.equal(copies.length, 1, "the chunk is sent once");
  assert.deepEqual(roles(h, 1), ["user", "assistant", "user"]);
});

Deno.test("a strict template: a full window never starts with an assistant message and roles alternate", async () => {
  await using h = await startHarness({
    llm: { rules: { template: "strict" } },
    configExtra: "budgets:\n  default: { max_messages: 3 }\n",
  });
  for (const [i, text] of ["one", "two", "three"].entries()) {
    mention(h, text);
    await answer(h, i + 1, `answer ${i + 1}`);
  }
  assert.equal(botMessages(h, CHANNEL)[2]?.content, "echo: alice: three");
  assert.deepEqual(roles(h, 2), ["user", "assistant", "user"]);
});

Deno.test("a strict template: consecutive user messages (one never answered) are merged into one", async () => {
  await using h = await startHarness({
    llm: { rules: { template: "strict" } },
  });
  h.llm.script({ status: 503 });
  mention(h, "lost");
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length >= 1,
    15_000,
    "the failure notice",
  );
  mention(h, "found");
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).some((m) => m.content === "echo: alice: found"),
    15_000,
    "the answer",
  );
  assert.deepEqual(roles(h, 1), ["user"]);
  assert.match(
    h.llmMessages(1).at(-1)!.content,
    /alice: lost\n\nalice: found$/,
  );
  assert.ok(!h.output().includes(ALTERNATE_ROLES_ERROR));
});

Deno.test("a server with a smaller context than configured: warned at start-up, and the request is clamped to it", async () => {
  await using h = await startHarness({ llm: { rules: { context_size: 300 } } });
  await eventually(
    () =>
      Promise.resolve(
        h.output().includes(
          "serves test-model with a context of 300 tokens, but a budget plans for context_tokens: 8192",
        ),
      ),
    10_000,
    "the start-up warning",
  );
  for (let i = 0; i < 6; i++) {
    mention(h, `${"long story words ".repeat(20)}part ${i}`);
    await answer(h, i + 1, `answer ${i + 1}`);
  }
  const last = h.llmMessages(5);
  assert.equal(last[0]?.role, "system", "the system prompt is still there");
  assert.ok(
    fakePromptTokens(last) < 300,
    `${fakePromptTokens(last)} tokens sent to a 300-token server`,
  );
  assert.match(last.at(-1)!.content, /part 5$/);
});

Deno.test("a 500 that names a configuration error is not retried: the user is not told to try again, the log says what to change", async () => {
  await using h = await startHarness({
    configParts: { helper: ", extra: { n: 2 }", retries: 2 },
  });
  mention(h, "hello");
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length >= 1,
    15_000,
    "the notice",
  );
  const [notice] = botMessages(h, CHANNEL);
  assert.match(notice?.content ?? "", /rejected the request; an admin needs/);
  assert.doesNotMatch(notice?.content ?? "", /try again/i);
  assert.equal(h.llm.chatRequests().length, 1, "not retried");
  await eventually(
    () =>
      Promise.resolve(
        h.output().includes(
          "Only one completion choice is allowed. Not retried; to fix: remove `n` from the persona's `extra`",
        ),
      ),
    10_000,
    "the log line saying what to change",
  );
});
