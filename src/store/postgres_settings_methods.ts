/**
 * The PostgreSQL store's settings layer: persona choices, rate-limit
 * counters and token calibrations, with their pruning. Part of
 * {@link PostgresStore}.
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
import * as queries from "./postgres_queries.ts";
import { int, rateLimitFromRow, text } from "./sqlite_rows.ts";
import { PostgresStoreBase } from "./postgres_store_base.ts";

/** Persona choices, rate limits and token calibrations in PostgreSQL. */
export abstract class PostgresSettingsMethods extends PostgresStoreBase {
  /** The persona chosen for this key, or null. */
  getPersonaChoice(key: PersonaChoiceKey): Promise<string | null> {
    return this.run(
      `read the persona choice for ${key.binding_key}`,
      async () => {
        const [row] = await queries.run(this.sql, "getPersona", [
          key.binding_key,
          key.user_id,
        ]);
        return row === undefined ? null : text(row, "persona");
      },
    );
  }

  /** Records a persona choice, or clears it with `null`. */
  setPersonaChoice(
    key: PersonaChoiceKey,
    persona: string | null,
    at: number,
  ): Promise<void> {
    return this.run(
      `save the persona choice for ${key.binding_key}`,
      async () => {
        const params = [key.binding_key, key.user_id];
        if (persona === null) {
          await queries.run(this.sql, "deletePersona", params);
        } else {
          await queries.run(this.sql, "setPersona", [...params, persona, at]);
        }
      },
    );
  }

  /** Reads a rate-limit counter, or null. */
  getRateLimit(key: string): Promise<RateLimitWindow | null> {
    return this.run(`read rate limit ${key}`, async () => {
      const [row] = await queries.run(this.sql, "getRateLimit", [key]);
      return row === undefined ? null : rateLimitFromRow(row);
    });
  }

  /** Writes a rate-limit counter. */
  setRateLimit(key: string, window: RateLimitWindow): Promise<void> {
    return this.run(`save rate limit ${key}`, async () => {
      await queries.run(this.sql, "setRateLimit", [
        key,
        window.count,
        window.window_start,
        window.notified,
      ]);
    });
  }

  /**
   * Counts a hit against every limit or none (see `rate_limit_hits.ts`):
   * one atomic statement per limit, outside any transaction, so no lock is
   * held between round trips.
   */
  hitRateLimits(
    hits: readonly RateLimitHit[],
    now: number,
  ): Promise<RateLimitVerdict> {
    return this.run(
      `count a hit against ${hits[0]?.key ?? "no limit"}`,
      async () => {
        checkHits(hits);
        const counted: CountedHit[] = [];
        for (const hit of hits) {
          const [found] = await queries.run(this.sql, "hitRateLimit", [
            hit.key,
            hit.limit,
            hit.window_ms,
            now,
          ]);
          const row: HitRow | undefined = found === undefined ? undefined : {
            window_start: int(found, "window_start"),
            notified: int(found, "notified") === 1,
          };
          if (wasCounted(row)) {
            counted.push({ hit, window_start: row.window_start });
            continue;
          }
          for (const back of counted) {
            await queries.run(this.sql, "unhitRateLimit", [
              back.hit.key,
              back.hit.window_ms,
              back.window_start,
              now,
            ]);
          }
          const [stored] = row === undefined
            ? await queries.run(this.sql, "getRateLimit", [hit.key])
            : [];
          return refusal(
            hit,
            row,
            stored === undefined ? undefined : int(stored, "window_start"),
            now,
          );
        }
        return { allowed: true } as const;
      },
    );
  }

  /** Every stored token calibration. */
  getTokenCalibrations(): Promise<TokenCalibration[]> {
    return this.run("read the token calibrations", async () => {
      const rows = await queries.run(this.sql, "getTokenCalibrations", []);
      return rows.map((row) => ({
        endpoint: String(row["endpoint"]),
        model: String(row["model"]),
        ratio: Number(row["ratio"]),
        samples: Number(row["samples"]),
        updated_at: Number(row["updated_at"]),
      }));
    });
  }

  /** Stores the calibration of one endpoint and model. */
  setTokenCalibration(calibration: TokenCalibration): Promise<void> {
    return this.run(
      `save the token calibration of ${calibration.endpoint}`,
      async () => {
        await queries.run(this.sql, "setTokenCalibration", [
          calibration.endpoint,
          calibration.model,
          calibration.ratio,
          calibration.samples,
          calibration.updated_at,
        ]);
      },
    );
  }

  /** Deletes rate-limit windows that started before `before`; returns how many. */
  pruneRateLimits(before: number): Promise<number> {
    return this.run("prune old rate-limit windows", async () => {
      const { count } = await queries.run(this.sql, "pruneRateLimits", [
        before,
      ]);
      return count;
    });
  }

  /** Deletes persona choices naming a persona not in `personas`; returns how many. */
  prunePersonaChoices(
    personas: readonly string[],
    before = Number.MAX_SAFE_INTEGER,
  ): Promise<number> {
    return this.run("prune persona choices", async () => {
      const { count } = await queries.run(this.sql, "prunePersonaChoices", [
        JSON.stringify(personas),
        before,
      ]);
      return count;
    });
  }
}
