/**
 * A settled token calibration is not written to the store on every reply
 * (issue 16): only when its ratio has moved by `CALIBRATION_SAVE_STEP`.
 */
import assert from "node:assert/strict";
import {
  CALIBRATION_SAVE_STEP,
  createBotServices,
} from "../../src/pipeline/bot_services.ts";
import type { TokenCalibration } from "../../src/store/store.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, testConfig } from "../support/test_config.ts";

Deno.test("token calibrations are saved when the ratio moves, not on every reply", async () => {
  await using server = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const saved: TokenCalibration[] = [];
  const save = store.setTokenCalibration.bind(store);
  store.setTokenCalibration = (calibration) => {
    saved.push(calibration);
    return save(calibration);
  };
  const services = createBotServices({
    config: testConfig(server.url),
    store,
    bot_user_id: () => BOT_ID,
  });
  await services.calibrationsLoaded;
  const turns = 30;
  for (let i = 0; i < turns; i++) {
    await services.runner.dispatch(
      message({ text: `the same kind of question, number ${i}` }),
      new RecordingReply(),
    );
  }
  await services.runner.shutdown(1000);
  assert.ok(saved.length > 0, "the calibration was saved");
  assert.ok(
    saved.length < turns / 2,
    `${saved.length} saves for ${turns} replies`,
  );
  for (let i = 1; i < saved.length; i++) {
    const step = Math.abs(saved[i]!.ratio - saved[i - 1]!.ratio);
    assert.ok(step >= saved[i - 1]!.ratio * CALIBRATION_SAVE_STEP);
  }
});
