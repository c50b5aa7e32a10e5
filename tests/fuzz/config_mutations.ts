/**
 * Mutations of config text for the loader's fuzz test: line edits
 * (delete, duplicate, swap, re-indent, truncate), type flips of a value
 * (number ↔ string ↔ list ↔ mapping), random unicode, tabs, `${VAR}`
 * references, and YAML features users hit by accident (anchors, aliases,
 * tags, flow collections, documents, merge keys).
 *
 * @module
 */

import { chance, hostileString, int, pick } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";

/** Values a flipped `key: value` line may get. */
const FLIPPED_VALUES: readonly string[] = [
  "0",
  "-1",
  "1.5",
  "1e999",
  "-.inf",
  ".nan",
  "0x1F",
  "123456789012345678901234567890",
  "true",
  "no",
  "null",
  "~",
  '""',
  "''",
  '"text"',
  "plain text",
  "[]",
  "[a, 1, [2]]",
  "{}",
  "{ a: 1, b: [x] }",
  "- item",
  "|\n  block",
  ">-\n  folded",
  "!!binary aGVsbG8=",
  "!!str 12",
  "!!int abc",
  "!custom x",
  "*undefined_alias",
  "&anchor value",
  "2024-01-01",
  "24h",
  "6/minute",
  "guild:123",
  "__proto__",
  "{ __proto__: { polluted: true } }",
  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
];

/** Lines that may be inserted anywhere. */
const INSERTED_LINES: readonly string[] = [
  "---",
  "...",
  "%YAML 1.2",
  "%TAG ! tag:example.com,2000:",
  "<<: *base",
  "base: &base { endpoint: local }",
  "? [complex, key]",
  ": value",
  "__proto__: { polluted: true }",
  "constructor: 1",
  "toString: 2",
  "- loose item",
  "key without colon",
  "\t tabbed: 1",
  "#: comment-ish",
  "a: b: c",
  "'unterminated: 1",
  '"unterminated: 1',
  "{ unclosed: 1",
  "[unclosed",
  "ref: ${",
  "ref: ${UNSET_VARIABLE}",
  "ref: $${LITERAL}",
  "aliases: [*a, *a, *a]",
  "anchors: &a [1, 2]",
  "version: 2",
  "version: 1",
  "bindings: []",
  "personas: {}",
];

/** `${…}` references, set and unset, with and without defaults, malformed. */
const REFERENCES: readonly string[] = [
  "${DISCORD_TOKEN}",
  "${SET_VAR}",
  "${EMPTY_VAR}",
  "${UNSET_VAR}",
  "${UNSET_VAR:-fallback}",
  "${UNSET_VAR:-}",
  "${SET_VAR:-x}",
  "${EMPTY_VAR:-http://localhost:1/v1}",
  "${HOSTILE_VAR}",
  "${LONG_VAR}",
  "${",
  "${}",
  "${1BAD}",
  "${A-B}",
  "$${SET_VAR}",
  "$$$${UNSET_VAR}",
  "${UNSET_VAR:-${SET_VAR}}",
  "${UNSET_VAR:-}}",
];

/** The environment the mutated configs are read with. */
export function fuzzEnv(name: string): string | undefined {
  switch (name) {
    case "DISCORD_TOKEN":
      return "abc.def.ghi";
    case "SET_VAR":
      return "value";
    case "EMPTY_VAR":
      return "";
    case "HOSTILE_VAR":
      return "a: b\n- c\t${SET_VAR}\u202e\ud83d";
    case "LONG_VAR":
      return "x".repeat(10_000);
    default:
      return undefined;
  }
}

function flipValue(random: Random, line: string): string {
  const match = /^(\s*(?:- )?[^:#\s][^:#]*:)(\s.*)?$/.exec(line);
  if (match === null) return `${line} ${pick(random, FLIPPED_VALUES)}`;
  return `${match[1]} ${pick(random, FLIPPED_VALUES)}`;
}

function reindent(random: Random, line: string): string {
  const body = line.trimStart();
  const indent = line.length - body.length;
  const next = Math.max(0, indent + pick(random, [-4, -2, -1, 1, 2, 4, 8]));
  return chance(random, 0.2) ? `\t${body}` : " ".repeat(next) + body;
}

function insertAt(random: Random, line: string, piece: string): string {
  const at = int(random, 0, line.length);
  return line.slice(0, at) + piece + line.slice(at);
}

/** Applies one random mutation to `text`. */
export function mutateConfig(random: Random, text: string): string {
  const lines = text.split("\n");
  const at = int(random, 0, lines.length - 1);
  const line = lines[at] ?? "";
  switch (int(random, 0, 10)) {
    case 0:
      lines.splice(at, 1);
      break;
    case 1:
      lines.splice(at, 0, line);
      break;
    case 2: {
      const other = int(random, 0, lines.length - 1);
      lines[at] = lines[other] ?? "";
      lines[other] = line;
      break;
    }
    case 3:
      lines[at] = reindent(random, line);
      break;
    case 4:
      lines[at] = flipValue(random, line);
      break;
    case 5:
      lines[at] = insertAt(
        random,
        line,
        hostileString(random, int(random, 1, 6)),
      );
      break;
    case 6:
      lines[at] = insertAt(random, line, "\t");
      break;
    case 7:
      return text.slice(0, int(random, 0, text.length));
    case 8:
      lines[at] = insertAt(random, line, pick(random, REFERENCES));
      break;
    case 9:
      lines.splice(
        at,
        0,
        " ".repeat(int(random, 0, 4)) + pick(random, INSERTED_LINES),
      );
      break;
    default: {
      // A whole-line value swapped for a `${VAR}` reference.
      const match = /^(\s*[^:#\s][^:#]*:)\s.*$/.exec(line);
      lines[at] = match === null
        ? line
        : `${match[1]} ${pick(random, REFERENCES)}`;
    }
  }
  return lines.join(chance(random, 0.05) ? "\r\n" : "\n");
}
