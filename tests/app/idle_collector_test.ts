import assert from "node:assert/strict";
import { idleLook } from "../../src/app/idle_collector.ts";

function rig() {
  const state = { busy: true, activity: 0, collected: 0 };
  const looker = idleLook({
    busy: () => state.busy,
    activity: () => state.activity,
    collect: () => state.collected++,
  });
  return { state, looker };
}

Deno.test("idleLook() collects once when start-up is over, then not while nothing happens", () => {
  const { state, looker } = rig();
  assert.equal(looker.look(), false, "still connecting: no pause");
  state.busy = false;
  assert.equal(
    looker.look(),
    true,
    "the first quiet look collects start-up's garbage",
  );
  assert.equal(looker.look(), false);
  assert.equal(looker.look(), false);
  assert.equal(state.collected, 1);
});

Deno.test("idleLook() collects again after work, once the bot is quiet, never during it", () => {
  const { state, looker } = rig();
  state.busy = false;
  looker.look();
  state.activity = 3;
  assert.equal(looker.look(), false, "messages taken since the last look");
  state.busy = true;
  assert.equal(looker.look(), false, "turns running");
  state.busy = false;
  assert.equal(looker.look(), true);
  assert.equal(looker.look(), false);
  assert.equal(state.collected, 2);
});

Deno.test("idleLook() does nothing when V8 does not expose gc() (no --expose-gc)", () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
  const looker = idleLook({ busy: () => false, activity: () => 0 });
  assert.equal(looker.look(), false);
  assert.equal(looker.collections, 0);
});
