/**
 * Config problems and the report that shows them. Each problem names the
 * file, line, column and dotted path, with the source line and a caret under
 * the part to edit, so a user can fix every mistake in one pass.
 *
 * @module
 */

import { redactSecretLines } from "./redact_source.ts";
import type { ConfigPath, SourcePosition } from "./yaml_source.ts";

/** One thing wrong with a config file. */
export interface ConfigProblem {
  /** Where in the document, e.g. `["bindings", 0, "persona"]`; empty for the whole file. */
  path: ConfigPath;
  /** What is wrong and, where possible, how to fix it. */
  message: string;
  /** Where in the file; absent when the problem is not about a place (e.g. unreadable file). */
  position?: SourcePosition | undefined;
  /** For an unset `${VAR}`: the variable's name. */
  env_variable?: string | undefined;
}

/** Thrown when a config cannot be used; carries every problem found, not just the first. */
export class ConfigError extends Error {
  /** The path of the config file as the user gave it. */
  readonly file: string;
  /** Every problem, in file order. */
  readonly problems: readonly ConfigProblem[];
  /** The file's text, for snippets; "" when it could not be read. */
  readonly source: string;

  constructor(
    file: string,
    problems: ConfigProblem[],
    source: string,
    options?: ErrorOptions,
  ) {
    const count = problems.length === 1
      ? "1 problem"
      : `${problems.length} problems`;
    super(`Cannot use config ${file}: ${count} found`, options);
    this.name = "ConfigError";
    this.file = file;
    this.source = source;
    this.problems = [...problems].sort((a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.col ?? 0) - (b.position?.col ?? 0)
    );
  }

  /** The full report: one block per problem and a closing count. Secret values are never quoted. */
  format(): string {
    const lines = redactSecretLines(this.source.split("\n"));
    const blocks = this.problems.map((problem) =>
      formatProblem(this.file, problem, lines)
    );
    return `${blocks.join("\n")}\n${this.message}\n`;
  }
}

/** Writes a path the way users read it: `bindings[0].persona`. */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) {
      out += out === "" ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function formatProblem(
  file: string,
  problem: ConfigProblem,
  lines: string[],
): string {
  const where = problem.position
    ? `${file}:${problem.position.line}:${problem.position.col}`
    : file;
  const head = `${where}  ${formatPath(problem.path)}  ${problem.message}`;
  if (problem.position === undefined) return head;
  const { line, col, length } = problem.position;
  const text = (lines[line - 1] ?? "").replace(/\r$/, "");
  const gutter = String(line).padStart(5);
  const pad = " ".repeat(gutter.length);
  const visible = text.replace(/\t/g, "→");
  const underline = " ".repeat(Math.max(0, col - 1)) +
    "^".repeat(Math.max(1, Math.min(length, visible.length - col + 1)));
  return `${head}\n${gutter} | ${visible}\n${pad} | ${underline}`;
}
