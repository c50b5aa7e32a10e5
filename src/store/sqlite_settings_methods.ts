/**
 * The SQLite store's settings layer: persona choices, rate-limit counters
 * and token calibrations, with their pruning. Part of {@link SqliteStore}.
 *
 * @module
 */

import type {
  PersonaChoiceKey,
  RateLimitHit,
  RateLimitVerdict,
  RateLimitWindow,
  TokenCalibration,
} from "./store.ts";
import {
  checkHits,
  type CountedHit,
  type HitRow,
  refusal,
  wasCounted,
} from "./rate_limit_hits.ts";
import {
  int,
  personaKeyParams,
  rateLimitFromRow,
  rateLimitParams,
  text,
} from "./sqlite_rows.ts";
import { SqliteStoreBase } from "./sqlite_store_base.ts";

/** Persona choices, rate limits and token calibrations in SQLite. */
export abstract class SqliteSettingsMethods extends SqliteStoreBase {
  /** The persona chosen for this key, or null. */
  getPersonaChoice(key: PersonaChoiceKey): Promise<string | null> {
    return this.run(`read the persona choice for ${key.binding_key}`, () => {
      const row = this.connection.statements.getPersona.get(
        personaKeyParams(key),
      );
      return row === undefined ? null : text(row, "persona");
    }, "read");
  }

  /** Records a persona choice, or clears it with `null`. */
  setPersonaChoice(
    key: PersonaChoiceKey,
    persona: string | null,
    at: number,
  ): Promise<void> {
    return this.run(`save the persona choice for ${key.binding_key}`, () => {
      const params = personaKeyParams(key);
      if (persona === null) {
        this.connection.statements.deletePersona.run(params);
      } else {this.connection.statements.setPersona.run({
          ...params,
          persona,
          updated_at: at,
        });}
    });
  }

  /** Reads a rate-limit counter, or null. */
  getRateLimit(key: string): Promise<RateLimitWindow | null> {
    return this.run(`read rate limit ${key}`, () => {
      const row = this.connection.statements.getRateLimit.get({ key });
      return row === undefined ? null : rateLimitFromRow(row);
    }, "read");
  }

  /** Writes a rate-limit counter. */
  setRateLimit(key: string, window: RateLimitWindow): Promise<void> {
    return this.run(`save rate limit ${key}`, () => {
      this.connection.statements.setRateLimit.run(
        rateLimitParams(key, window),
      );
    });
  }

  /** Counts a hit against every limit or none (see `rate_limit_hits.ts`). */
  hitRateLimits(
    hits: readonly RateLimitHit[],
    now: number,
  ): Promise<RateLimitVerdict> {
    return this.run(`count a hit against ${hits[0]?.key ?? "no limit"}`, () => {
      checkHits(hits);
      const s = this.connection.statements;
      const counted: CountedHit[] = [];
      for (const hit of hits) {
        const params = {
          key: hit.key,
          limit: hit.limit,
          window_ms: hit.window_ms,
          now,
        };
        const found = s.hitRateLimit.get(params);
        const row: HitRow | undefined = found === undefined ? undefined : {
          window_start: int(found, "window_start"),
          notified: int(found, "notified") === 1,
        };
        if (wasCounted(row)) {
          counted.push({ hit, window_start: row.window_start });
          continue;
        }
        for (const back of counted) {
          s.unhitRateLimit.run({
            key: back.hit.key,
            window_ms: back.hit.window_ms,
            window_start: back.window_start,
            now,
          });
        }
        const stored = row === undefined
          ? s.getRateLimit.get({ key: hit.key })
          : undefined;
        return refusal(
          hit,
          row,
          stored === undefined ? undefined : int(stored, "window_start"),
          now,
        );
      }
      return { allowed: true } as const;
    });
  }

  /** Every stored token calibration. */
  getTokenCalibrations(): Promise<TokenCalibration[]> {
    return this.run(
      "read the token calibrations",
      () =>
        this.connection.statements.getTokenCalibrations.all().map((row) => ({
          endpoint: String(row.endpoint),
          model: String(row.model),
          ratio: Number(row.ratio),
          samples: Number(row.samples),
          updated_at: Number(row.updated_at),
        })),
      "read",
    );
  }

  /** Stores the calibration of one endpoint and model. */
  setTokenCalibration(calibration: TokenCalibration): Promise<void> {
    return this.run(
      `save the token calibration of ${calibration.endpoint}`,
      () => {
        this.connection.statements.setTokenCalibration.run({
          endpoint: calibration.endpoint,
          model: calibration.model,
          ratio: calibration.ratio,
          samples: calibration.samples,
          updated_at: calibration.updated_at,
        });
      },
    );
  }

  /** Deletes rate-limit windows that started before `before`; returns how many. */
  pruneRateLimits(before: number): Promise<number> {
    return this.run(
      "prune old rate-limit windows",
      () =>
        Number(
          this.connection.statements.pruneRateLimits.run({ before }).changes,
        ),
    );
  }

  /** Deletes persona choices naming a persona not in `personas`; returns how many. */
  prunePersonaChoices(
    personas: readonly string[],
    before = Number.MAX_SAFE_INTEGER,
  ): Promise<number> {
    return this.run(
      "prune persona choices",
      () =>
        Number(
          this.connection.statements.prunePersonaChoices.run({
            personas: JSON.stringify(personas),
            before,
          }).changes,
        ),
    );
  }
}
