-- 0004_token_calibrations (PostgreSQL): see 0004_token_calibrations.sql. The
-- calibrated token estimate per endpoint and model, kept across restarts.
CREATE TABLE token_calibrations (
  endpoint TEXT NOT NULL CHECK (endpoint <> ''),
  model TEXT NOT NULL CHECK (model <> ''),
  ratio DOUBLE PRECISION NOT NULL CHECK (ratio > 0),
  samples BIGINT NOT NULL CHECK (samples >= 0),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (endpoint, model)
);
