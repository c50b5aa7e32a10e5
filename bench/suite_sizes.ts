/**
 * How big each benchmark run is. `FULL` is what `deno task bench` measures
 * and what the README quotes (about two minutes on 2 cores); `QUICK`
 * (`--quick`) is a rough check in under a minute; `SMOKE` only proves the
 * harness works (the test suite runs it).
 *
 * @module
 */

/** One history group of the overhead measurement. */
export interface HistoryGroupSize {
  /** Stored messages per conversation. */
  history: number;
  channels: number;
  samples: number;
}

/** Every size knob of a suite run. */
export interface SuiteSize {
  name: string;
  overhead: {
    /** The conversations `overhead_p50_ms` / `overhead_p99_ms` are measured in (10,000 messages). */
    main: HistoryGroupSize;
    /** The small and large ends of `history_scaling_ratio` (100 and 100,000 messages). */
    small: HistoryGroupSize;
    large: HistoryGroupSize;
    warmup_turns: number;
    pace_ms: number;
    gap_ms: number;
  };
  first_text: {
    channels: number;
    history: number;
    samples: number;
    /** Samples of the variant whose first token leaves with the response headers. */
    instant_samples: number;
    warmup_turns: number;
    pace_ms: number;
    gap_ms: number;
  };
  throughput: {
    channels: number;
    history: number;
    warmup_ms: number;
    window_ms: number;
  };
  /** The idle bot (`rss_mb_idle`), then one long conversation in it (`prefix_reuse`). */
  idle: {
    /** How long the bot sits connected and unused before its memory is read. */
    idle_ms: number;
    /** Turns of the long conversation, under a 2,048-token budget. */
    prefix_turns: number;
  };
  chunker: { bytes: number; repeats: number };
  timeout_ms: number;
}

/** The figures `deno task bench` reports. */
export const FULL: SuiteSize = {
  name: "full",
  overhead: {
    main: { history: 10_000, channels: 16, samples: 300 },
    small: { history: 100, channels: 10, samples: 80 },
    large: { history: 100_000, channels: 3, samples: 80 },
    warmup_turns: 20,
    // ≤ 5 sends per 5 s per channel, counted from when each finishes.
    pace_ms: 1_150,
    // ≤ 15 turns/s: two requests each stay well inside the bot's 45/s.
    gap_ms: 66,
  },
  first_text: {
    channels: 40,
    history: 100,
    samples: 150,
    instant_samples: 40,
    warmup_turns: 10,
    // A streamed reply takes a send and an edit in its channel, and the next
    // turn takes the buttons off it (a third write): one turn per channel in
    // any 5 s keeps Discord's 5 writes per 5 s from delaying the send.
    pace_ms: 5_200,
    // ≤ 8 turns/s: typing, send, edit and taking the buttons off (32/s) stay inside 45/s.
    gap_ms: 125,
  },
  // Run with DISCORD_PACING=off: the bot's Discord pacing (45 requests/s)
  // would otherwise be the limit, not the bot.
  throughput: {
    channels: 200,
    history: 20,
    warmup_ms: 3_000,
    window_ms: 6_000,
  },
  idle: { idle_ms: 10_000, prefix_turns: 120 },
  chunker: { bytes: 10_000_000, repeats: 2 },
  timeout_ms: 60_000,
};

/** A rough check: same scenarios, fewer conversations and samples. */
export const QUICK: SuiteSize = {
  name: "quick",
  overhead: {
    ...FULL.overhead,
    main: { history: 10_000, channels: 6, samples: 100 },
    small: { history: 100, channels: 4, samples: 30 },
    large: { history: 100_000, channels: 1, samples: 20 },
    warmup_turns: 10,
  },
  first_text: {
    ...FULL.first_text,
    channels: 20,
    samples: 50,
    instant_samples: 15,
    warmup_turns: 5,
  },
  throughput: {
    channels: 200,
    history: 20,
    warmup_ms: 2_000,
    window_ms: 3_000,
  },
  idle: { idle_ms: 10_000, prefix_turns: 80 },
  chunker: { bytes: 2_000_000, repeats: 1 },
  timeout_ms: 60_000,
};

/** Proves the harness end to end in a few seconds; the figures mean nothing. */
export const SMOKE: SuiteSize = {
  name: "smoke",
  overhead: {
    main: { history: 300, channels: 2, samples: 2 },
    small: { history: 20, channels: 1, samples: 2 },
    large: { history: 1_000, channels: 1, samples: 2 },
    warmup_turns: 1,
    pace_ms: 0,
    gap_ms: 0,
  },
  first_text: {
    channels: 2,
    history: 10,
    samples: 2,
    instant_samples: 1,
    warmup_turns: 0,
    pace_ms: 0,
    gap_ms: 0,
  },
  throughput: { channels: 4, history: 5, warmup_ms: 200, window_ms: 800 },
  idle: { idle_ms: 200, prefix_turns: 6 },
  chunker: { bytes: 50_000, repeats: 1 },
  timeout_ms: 20_000,
};
