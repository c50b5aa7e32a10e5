import assert from "node:assert/strict";
import { splitThinking, ThinkSplitter } from "../../src/llm/think_splitter.ts";

function splitInPieces(pieces: string[]) {
  const splitter = new ThinkSplitter();
  let text = "";
  let reasoning = "";
  for (
    const piece of [...pieces.map((p) => splitter.push(p)), splitter.end()]
  ) {
    text += piece.text;
    reasoning += piece.reasoning;
  }
  return { text, reasoning };
}

Deno.test("splitThinking() separates reasoning from the answer", async (t) => {
  const cases: Array<[string, string, { text: string; reasoning: string }]> = [
    ["no tags", "Just an answer.", { text: "Just an answer.", reasoning: "" }],
    ["think block first", "<think>\nLet me see.\n</think>\n\nAnswer.", {
      text: "Answer.",
      reasoning: "Let me see.\n",
    }],
    ["<thinking> tags", "<thinking>hmm</thinking>Yes", {
      text: "Yes",
      reasoning: "hmm",
    }],
    ["a block that never closes", "<think>still thinking", {
      text: "",
      reasoning: "still thinking",
    }],
    ["a stray closing tag", "thoughts</think>\n\nAnswer", {
      text: "thoughts\n\nAnswer",
      reasoning: "",
    }],
    ["a lone < that is no tag", "a < b and <thin ice>", {
      text: "a < b and <thin ice>",
      reasoning: "",
    }],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, () => assert.deepEqual(splitThinking(input), expected));
  }
});

Deno.test("ThinkSplitter gives the same result at every split point of the stream", () => {
  const input = "<think>Plan: say hi.</think>\n\nHello <b>there</b>!";
  const whole = splitThinking(input);
  assert.deepEqual(whole, {
    text: "Hello <b>there</b>!",
    reasoning: "Plan: say hi.",
  });
  for (let i = 0; i <= input.length; i++) {
    for (const j of [i, Math.min(input.length, i + 3)]) {
      const pieces = [input.slice(0, i), input.slice(i, j), input.slice(j)];
      assert.deepEqual(splitInPieces(pieces), whole, `split at ${i} and ${j}`);
    }
  }
});

Deno.test("ThinkSplitter holds back a possible tag start and nothing more", () => {
  const splitter = new ThinkSplitter();
  assert.deepEqual(splitter.push("Hello <thi"), {
    text: "Hello ",
    reasoning: "",
  });
  assert.deepEqual(splitter.push("s is"), { text: "<this is", reasoning: "" });
  assert.deepEqual(splitter.end(), { text: "", reasoning: "" });
});
