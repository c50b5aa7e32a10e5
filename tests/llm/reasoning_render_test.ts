import assert from "node:assert/strict";
import {
  ReasoningRenderer,
  renderReply,
  type ReplyPiece,
} from "../../src/llm/reasoning_render.ts";

Deno.test("renderReply() shows reasoning as each persona setting asks", async (t) => {
  const reasoning = "First, greet.\nThen answer.\n";
  const text = "Hello!";
  const cases: Array<[string, "hide" | "show" | "spoiler", string]> = [
    ["hide shows the answer only", "hide", "Hello!"],
    [
      "show quotes the reasoning above the answer",
      "show",
      "> 💭 First, greet.\n> Then answer.\n\nHello!",
    ],
    [
      "spoiler hides the reasoning behind ||…||",
      "spoiler",
      "💭 ||First, greet.\nThen answer.||\n\nHello!",
    ],
  ];
  for (const [name, mode, expected] of cases) {
    await t.step(
      name,
      () => assert.equal(renderReply(text, reasoning, mode), expected),
    );
  }
});

Deno.test("renderReply() without reasoning is the answer alone in every mode", () => {
  for (const mode of ["hide", "show", "spoiler"] as const) {
    assert.equal(renderReply("Just this.", "", mode), "Just this.");
    assert.equal(renderReply("Just this.", " \n", mode), "Just this.");
  }
});

Deno.test("renderReply() escapes bars so the reasoning cannot close its spoiler early", () => {
  assert.equal(
    renderReply("ok", "a || b", "spoiler"),
    "💭 ||a \\|\\| b||\n\nok",
  );
});

Deno.test("ReasoningRenderer only appends, and streamed equals whole", async (t) => {
  const pieces: ReplyPiece[] = [
    { type: "reasoning", text: "\nStep one" },
    { type: "reasoning", text: ".\n" },
    { type: "reasoning", text: "\n" },
    { type: "reasoning", text: "Step two.\n" },
    { type: "text", text: "\n\nThe" },
    { type: "text", text: " answer." },
  ];
  for (const mode of ["hide", "show", "spoiler"] as const) {
    await t.step(mode, () => {
      const renderer = new ReasoningRenderer(mode);
      let streamed = "";
      for (const piece of pieces) streamed += renderer.push(piece);
      streamed += renderer.end();
      const whole = renderReply(
        "The answer.",
        "Step one.\n\nStep two.\n",
        mode,
      );
      assert.equal(streamed, whole);
    });
  }
});

Deno.test("ReasoningRenderer closes a spoiler at the end when no answer follows", () => {
  const renderer = new ReasoningRenderer("spoiler");
  assert.equal(
    renderer.push({ type: "reasoning", text: "thinking…\n" }),
    "💭 ||thinking…",
  );
  assert.equal(renderer.end(), "||");
});
