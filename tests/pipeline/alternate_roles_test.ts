import assert from "node:assert/strict";
import { alternateRoles } from "../../src/pipeline/alternate_roles.ts";
import { containsChunk } from "../../src/pipeline/stages/context_stage.ts";
import type { ChatMessage } from "../../src/llm/chat_types.ts";

const m = (role: ChatMessage["role"], content: string): ChatMessage => ({
  role,
  content,
});

Deno.test("alternateRoles() starts after the system prompt with a user message and merges same-role neighbours", async (t) => {
  const cases: [string, ChatMessage[], [string, string][]][] = [
    ["already alternating", [
      m("system", "s"),
      m("user", "a"),
      m("assistant", "b"),
      m("user", "c"),
    ], [["system", "s"], ["user", "a"], ["assistant", "b"], ["user", "c"]]],
    ["an assistant first is dropped", [
      m("system", "s"),
      m("assistant", "x"),
      m("user", "a"),
    ], [["system", "s"], ["user", "a"]]],
    ["two user messages merge", [
      m("system", "s"),
      m("user", "a"),
      m("user", "b"),
    ], [["system", "s"], ["user", "a\n\nb"]]],
    ["two assistant messages merge", [
      m("user", "a"),
      m("assistant", "b"),
      m("assistant", "c"),
      m("user", "d"),
    ], [["user", "a"], ["assistant", "b\n\nc"], ["user", "d"]]],
    ["leading assistants all dropped", [
      m("system", "s"),
      m("assistant", "x"),
      m("assistant", "y"),
      m("user", "a"),
    ], [["system", "s"], ["user", "a"]]],
  ];
  for (const [name, input, want] of cases) {
    await t.step(name, () => {
      assert.deepEqual(
        alternateRoles(input).map((x) => [x.role, x.content]),
        want,
      );
    });
  }
});

Deno.test("containsChunk() finds a later chunk of a split reply in the stored reply, fences and all", () => {
  const stored =
    `Intro line.\n\n\`\`\`ts\nconst answer = computeTheAnswer(42);\nconsole.log(answer);\n\`\`\``;
  assert.ok(
    containsChunk(
      stored,
      "```ts\nconst answer = computeTheAnswer(42);\nconsole.log(answer);\n```",
    ),
  );
  assert.ok(!containsChunk(stored, "something the bot never said at all"));
  assert.ok(!containsChunk(stored, ""));
});
