import assert from "node:assert/strict";
import {
  chooseBlock,
  HistoryAnchors,
} from "../../src/pipeline/history_blocks.ts";

/** Positions of `turns` question/answer pairs, newest first (an answer shares its question's position). */
function pairs(from: number, turns: number): number[] {
  const out: number[] = [];
  for (let t = from + turns - 1; t >= from; t--) out.push(t * 10, t * 10);
  return out;
}

Deno.test("chooseBlock() keeps the anchor while everything from it fits, then drops half at once", async (t) => {
  await t.step("the first request sends all that fits", () => {
    assert.deepEqual(chooseBlock(pairs(1, 8), 10, false, undefined), {
      keep: 10,
      anchor: 40,
    });
  });
  await t.step(
    "a later one starts at the anchor though older ones would fit",
    () => {
      assert.deepEqual(chooseBlock(pairs(1, 9), 16, false, 50), {
        keep: 10,
        anchor: 50,
      });
    },
  );
  await t.step("when it overflows, the newest half of what fits stays", () => {
    assert.deepEqual(chooseBlock(pairs(1, 12), 10, false, 30), {
      keep: 5 - 1,
      anchor: 110,
    });
  });
  await t.step(
    "a gone anchor with the rest fitting (summary, reset) keeps all",
    () => {
      assert.deepEqual(chooseBlock(pairs(5, 3), 10, false, 30), {
        keep: 6,
        anchor: 50,
      });
    },
  );
  await t.step(
    "a gone anchor cut off by max_messages drops to a new block",
    () => {
      assert.deepEqual(chooseBlock(pairs(5, 5), 10, true, 30), {
        keep: 4,
        anchor: 80,
      });
    },
  );
  await t.step("never starts with an answer whose question is left out", () => {
    const choice = chooseBlock(pairs(1, 10), 7, false, 10);
    assert.equal(choice.keep % 2, 0);
  });
});

Deno.test("HistoryAnchors keeps a long conversation's prompt prefix for many turns", () => {
  const anchors = new HistoryAnchors();
  const conversation = { channel_id: "1", guild_id: "2", user_id: "" };
  const fit = 20; // messages the budget holds
  let cold = 0;
  let previousOldest = -1;
  for (let turn = 1; turn <= 100; turn++) {
    const candidates = pairs(1, turn - 1);
    const keep = anchors.choose(conversation, candidates, fit, false);
    assert.ok(keep <= fit);
    const oldest = keep === 0 ? -1 : candidates[keep - 1]!;
    if (turn > 1 && oldest !== previousOldest) cold++;
    previousOldest = oldest;
  }
  // Dropping one message a turn would change the start on every turn once
  // the window is full (90 times); in blocks of half the window it changes
  // once every 5–6 turns.
  assert.ok(cold <= 18, `${cold} cold prompts`);
  assert.equal(anchors.size, 1);
});

Deno.test("HistoryAnchors forgets the least recently used conversation past its size", () => {
  const anchors = new HistoryAnchors(2);
  for (const channel_id of ["1", "2", "3"]) {
    anchors.choose(
      { channel_id, guild_id: "", user_id: "" },
      [10, 10],
      2,
      false,
    );
  }
  assert.equal(anchors.size, 2);
});

Deno.test("HistoryAnchors.peek() tells where a conversation's history starts", () => {
  const anchors = new HistoryAnchors();
  const conversation = { channel_id: "1", guild_id: "2", user_id: "3" };
  assert.equal(anchors.peek(conversation), undefined);
  anchors.choose(conversation, pairs(1, 3), 10, false);
  assert.equal(anchors.peek(conversation), 10);
  assert.equal(anchors.peek({ ...conversation, user_id: "" }), undefined);
});
