import assert from "node:assert/strict";
import {
  stoppedOnRequest,
  TurnControls,
  TurnStopped,
} from "../../../src/pipeline/controls/turn_controls.ts";

Deno.test("TurnControls stops a running turn with a TurnStopped reason, and nothing once it ended", () => {
  const controls = new TurnControls();
  const signal = controls.start("42", "alice");
  assert.equal(controls.askerOf("42"), "alice");
  assert.equal(stoppedOnRequest(signal), false);
  assert.equal(controls.stop("42", "admin"), true);
  assert.ok(signal.reason instanceof TurnStopped);
  assert.equal((signal.reason as TurnStopped).by_user_id, "admin");
  assert.equal(stoppedOnRequest(signal), true);
  controls.finish("42");
  assert.equal(controls.askerOf("42"), undefined);
  assert.equal(controls.stop("42", "alice"), false);
});

Deno.test("stoppedOnRequest() is false for a shutdown abort", () => {
  const controller = new AbortController();
  controller.abort(new Error("The bot is shutting down"));
  assert.equal(stoppedOnRequest(controller.signal), false);
});
