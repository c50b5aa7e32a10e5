/**
 * End to end, as a hostile member would try it: a denied user's slash
 * commands, autocomplete and message bursts change nothing and produce no
 * noise, and a rate-limited burst gets exactly one notice while allowed
 * users keep being answered (issue 10, items 1 and 2).
 */
import assert from "node:assert/strict";
import {
  ADMIN_ROLE,
  ALICE,
  botMessages,
  CHANNEL,
  startHarness,
} from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

const MALLORY = "300000000000000066";
const USERS = [
  { id: ALICE, username: "alice" },
  { id: MALLORY, username: "mallory" },
];

/** The bot's channel messages that are not interaction responses. */
function said(h: BotHarness): string[] {
  return botMessages(h, CHANNEL).filter((m) => m.interactionId === null).map((
    m,
  ) => m.content);
}

async function ask(h: BotHarness, text: string, count: number): Promise<void> {
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${text}`,
  });
  await h.discord.waitFor(
    () => h.llm.chatRequests().length >= count && said(h).length >= count,
    10_000,
    `reply ${count}`,
  );
}

async function commandAs(
  h: BotHarness,
  userId: string,
  name: string,
  options: { name: string; value: string }[] = [],
) {
  const sent = h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: name,
    options,
    userId,
  });
  return await h.discord.waitFor(
    () =>
      h.discord.messagesIn(CHANNEL).find((m) =>
        m.interactionId === sent.id && m.content !== ""
      ),
    10_000,
    `the /${name} response`,
  );
}

Deno.test("a denied user's /reset, /persona, autocomplete and messages are refused and change nothing", async () => {
  await using h = await startHarness({
    fake: { users: USERS },
    // Continues the harness's `access:` mapping.
    configExtra: `  deny_users: ["${MALLORY}"]\n`,
  });
  await ask(h, "remember plums", 1);

  const reset = await commandAs(h, MALLORY, "reset");
  assert.equal(reset.ephemeral, true);
  assert.match(reset.content, /don't have access/);
  const persona = await commandAs(h, MALLORY, "persona", [{
    name: "name",
    value: "pirate",
  }]);
  assert.equal(persona.ephemeral, true);
  assert.match(persona.content, /don't have access/);

  const typed = h.discord.sendAutocomplete({
    channelId: CHANNEL,
    commandName: "persona",
    options: [{ name: "name", value: "", focused: true }],
    userId: MALLORY,
  });
  const answered = await h.discord.waitFor(
    () => h.discord.interaction(typed.id)?.response ?? undefined,
    10_000,
    "the autocomplete answer",
  );
  assert.deepEqual(answered.data, { choices: [] });

  for (let i = 0; i < 10; i++) {
    h.discord.sendUserMessage({
      channelId: CHANNEL,
      content: `<@${h.discord.botId}> spam ${i}`,
      authorId: MALLORY,
    });
  }
  await ask(h, "what fruit?", 2);
  // Mallory's reset did nothing and the persona stayed: Alice's history and Helper remain.
  assert.deepEqual(h.llmMessages(1).map((m) => m.content), [
    "You are Helper.",
    "alice: remember plums",
    h.llmMessages(1)[2]!.content,
    "alice: what fruit?",
  ]);
  assert.equal(h.llm.chatRequests().length, 2, "no request for Mallory");
  assert.deepEqual(said(h), [
    "echo: alice: remember plums",
    "echo: alice: what fruit?",
  ], "no notice for Mallory");
});

Deno.test("a rate-limited burst gets one notice and takes no queue place from others", async () => {
  await using h = await startHarness({ fake: { users: USERS } });
  await h.stop();
  const file = `${h.dir}/bot.config.yaml`;
  const config = await Deno.readTextFile(file);
  await Deno.writeTextFile(
    file,
    config.replace("per_user: 1000/minute", "per_user: 1/minute"),
  );
  await h.start();
  for (let i = 0; i < 15; i++) {
    h.discord.sendUserMessage({
      channelId: CHANNEL,
      content: `<@${h.discord.botId}> burst ${i}`,
      authorId: MALLORY,
    });
  }
  // Alice is answered at once; by her answer every burst message has been judged.
  await ask(h, "hello", 2);
  await h.discord.waitFor(
    () =>
      said(h).some((c) => c.includes("faster than I can answer")) &&
      said(h).filter((c) => c.startsWith("echo:")).length === 2,
    10_000,
    "the notice and both answers",
  );
  const all = said(h);
  const notices = all.filter((c) => c.includes("faster than I can answer"));
  assert.equal(notices.length, 1, all.join("\n---\n"));
  assert.equal(all.length, 3, "Mallory's answer, one notice, Alice's answer");
  assert.equal(h.llm.chatRequests().length, 2);
});

Deno.test("a DM is judged by the sender's roles in the bound servers", async () => {
  const DM_ALICE = "600000000000000001";
  const DM_MALLORY = "600000000000000002";
  await using h = await startHarness({
    fake: {
      users: USERS,
      dmChannels: [
        { id: DM_ALICE, recipientId: ALICE },
        { id: DM_MALLORY, recipientId: MALLORY },
      ],
    },
    // Alice holds the admin role in the server; here that role is denied.
    configExtra: `  deny_roles: ["${ADMIN_ROLE}"]\n`,
  });
  await h.stop();
  const file = `${h.dir}/bot.config.yaml`;
  const config = await Deno.readTextFile(file);
  await Deno.writeTextFile(
    file,
    config.replace(
      "  commands: global\n",
      "  commands: global\n  dm: { enabled: true, persona: helper }\n",
    ),
  );
  await h.start();
  h.discord.sendUserMessage({
    channelId: DM_ALICE,
    content: "hello from a denied role",
    authorId: ALICE,
  });
  h.discord.sendUserMessage({
    channelId: DM_MALLORY,
    content: "hello from nobody special",
    authorId: MALLORY,
  });
  await h.discord.waitFor(
    () => botMessages(h, DM_MALLORY).length >= 1,
    10_000,
    "the answer to Mallory",
  );
  // Alice's DM came first; its refusal needed one member lookup, then nothing.
  await h.discord.waitFor(
    () =>
      h.discord.requestsTo("GET /guilds/{guild}/members/{user}").some((r) =>
        r.path.endsWith(`/${ALICE}`)
      ),
    10_000,
    "the member lookup for Alice",
  );
  assert.equal(h.llm.chatRequests().length, 1);
  assert.deepEqual(botMessages(h, DM_ALICE), []);
  assert.equal(
    h.llmMessages(0).at(-1)?.content,
    "mallory: hello from nobody special",
  );
});
