/**
 * The histogram bucket bounds of the bot's metrics, in seconds. Prometheus
 * can only answer quantile questions at these bounds, so they are spread
 * over the range each measurement really has on self-hosted hardware.
 *
 * @module
 */

/** Stage times: from 0.1 ms (a lookup) to 5 min (a whole generation). */
export const STAGE_BUCKETS: readonly number[] = [
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  120,
  300,
];

/** Time to first token: a warm server in tens of ms, a model loading in minutes. */
export const FIRST_TOKEN_BUCKETS: readonly number[] = [
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2,
  3,
  5,
  7.5,
  10,
  15,
  20,
  30,
  45,
  60,
  90,
  120,
  180,
  300,
];

/** Whole LLM requests: up to the default 5 min total timeout and beyond. */
export const REQUEST_BUCKETS: readonly number[] = [
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  15,
  20,
  30,
  45,
  60,
  90,
  120,
  180,
  240,
  300,
  600,
];

/** Waits for an endpoint slot: none at all to minutes behind a long queue. */
export const QUEUE_WAIT_BUCKETS: readonly number[] = [
  0.001,
  0.005,
  0.01,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  120,
  300,
];
