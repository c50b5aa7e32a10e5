-- 0004_token_calibrations: the calibrated token estimate per endpoint and
-- model (see src/llm/token_counter.ts), kept so a restart does not start
-- again from an uncalibrated estimate. ratio: the learned factor applied to
-- the raw estimate (0.3 to 3); samples: how many server counts taught it.
--
-- Applied by src/store/migrations.ts in one transaction together with
-- `PRAGMA user_version = 4`.
CREATE TABLE token_calibrations (
  endpoint TEXT NOT NULL CHECK (endpoint <> ''),
  model TEXT NOT NULL CHECK (model <> ''),
  ratio REAL NOT NULL CHECK (ratio > 0),
  samples INTEGER NOT NULL CHECK (samples >= 0),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (endpoint, model)
) STRICT, WITHOUT ROWID;
