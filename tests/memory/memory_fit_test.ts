import assert from "node:assert/strict";
import { fitMemory } from "../../src/memory/memory_fit.ts";

/** One token per word: easy to reason about. */
const words = (text: string) =>
  text.split(/\s+/).filter((w) => w !== "").length;

const SECTIONS = {
  preferences: "Ada's preferences: Answer in French.",
  notes: ["oldest note here", "middle note here", "newest note here"],
  user_name: "Ada",
  summary: "one two three four five six seven eight nine ten",
  summary_tokens: 400,
};

Deno.test("fitMemory() sends preferences, notes and the summary when they fit, in that order", () => {
  const fitted = fitMemory(SECTIONS, 1_000, words);
  assert.equal(fitted.trimmed, false);
  assert.equal(fitted.notes_used, 3);
  assert.equal(
    fitted.text,
    [
      "Ada's preferences: Answer in French.",
      "Notes Ada asked you to remember about them:\n- oldest note here\n- middle note here\n- newest note here",
      "Summary of the earlier conversation (older messages are not shown):\none two three four five six seven eight nine ten",
    ].join("\n\n"),
  );
  assert.ok(fitted.tokens <= 1_000);
});

Deno.test("fitMemory() never spends more than the room: the summary goes first, then the oldest notes", async (t) => {
  for (const room of [0, 5, 12, 20, 25, 30, 40, 60]) {
    await t.step(`room ${room}`, () => {
      const fitted = fitMemory(SECTIONS, room, words);
      assert.ok(
        words(fitted.text) + (fitted.text === "" ? 0 : 2) <= room + 2,
        `${words(fitted.text)} words in ${room}`,
      );
      assert.ok(fitted.tokens <= room);
      if (fitted.notes_used > 0 && fitted.notes_used < 3) {
        assert.match(fitted.text, /newest note here/);
        assert.doesNotMatch(fitted.text, /oldest note here/);
      }
      if (room < 60) assert.equal(fitted.trimmed, true);
    });
  }
});

Deno.test("fitMemory() cuts the summary to summary_tokens without calling it trimmed", () => {
  const fitted = fitMemory({ ...SECTIONS, summary_tokens: 4 }, 1_000, words);
  assert.equal(fitted.trimmed, false);
  assert.ok(words(fitted.summary) <= 4);
});
