/**
 * The small pieces of the Prometheus text exposition format 0.0.4: how names
 * are spelled, how label values and help texts are escaped, how numbers are
 * written. The registry uses them to render; nothing here keeps state.
 *
 * @module
 */

/** The `Content-Type` of a `/metrics` answer in the text format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE =
  "text/plain; version=0.0.4; charset=utf-8";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether `name` is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Whether `name` is a valid label name that is not reserved (`__` prefix). */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith("__");
}

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`);
}

/** Escapes a `# HELP` text: backslash and newline. */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => c === "\n" ? "\\n" : "\\\\");
}

/** Writes a sample value: `+Inf`, `-Inf`, `NaN`, or the shortest decimal form. */
export function formatValue(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/**
 * Writes a label set as `{a="x",b="y"}` from parallel lists of names and
 * values, or `""` when there are no labels.
 */
export function formatLabels(
  names: readonly string[],
  values: readonly string[],
): string {
  if (names.length === 0) return "";
  const pairs = names.map((name, i) =>
    `${name}="${escapeLabelValue(values[i] ?? "")}"`
  );
  return `{${pairs.join(",")}}`;
}

/** The `# HELP` and `# TYPE` lines that open a metric family. */
export function familyHeader(
  name: string,
  help: string,
  type: "counter" | "gauge" | "histogram",
): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}
