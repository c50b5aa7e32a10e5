/**
 * The store contract: token calibrations are kept per endpoint and model
 * and replaced on update (issue 10, item 14).
 *
 * @module
 */

import assert from "node:assert/strict";
import type { StoreBackend } from "../store_backends.ts";

/** Registers the calibration contract tests for one backend. */
export function calibrationContract(backend: StoreBackend): void {
  backend.test("setTokenCalibration() keeps one calibration per endpoint and model", async () => {
    await using store = await backend.open();
    assert.deepEqual(await store.getTokenCalibrations(), []);
    await store.setTokenCalibration({
      endpoint: "local",
      model: "m1",
      ratio: 1.25,
      samples: 3,
      updated_at: 1_000,
    });
    await store.setTokenCalibration({
      endpoint: "local",
      model: "m2",
      ratio: 0.8,
      samples: 1,
      updated_at: 1_000,
    });
    await store.setTokenCalibration({
      endpoint: "local",
      model: "m1",
      ratio: 1.5,
      samples: 4,
      updated_at: 2_000,
    });
    assert.deepEqual(await store.getTokenCalibrations(), [
      {
        endpoint: "local",
        model: "m1",
        ratio: 1.5,
        samples: 4,
        updated_at: 2_000,
      },
      {
        endpoint: "local",
        model: "m2",
        ratio: 0.8,
        samples: 1,
        updated_at: 1_000,
      },
    ]);
  });
}
