/**
 * The error the metrics modules throw when a metric is declared or used in a
 * way the Prometheus format forbids (a bad name, a wrong number of label
 * values, a counter going down). These are programming mistakes.
 *
 * @module
 */

/** Thrown when a metric is declared or used in a way the format forbids. */
export class MetricsError extends TypeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MetricsError";
  }
}
