/**
 * The YAML adapter: the only config file that imports `yaml`. It parses the
 * text into plain data and keeps the node ranges, so every later problem can
 * be reported at the line and column the user must edit.
 *
 * @module
 */

import { isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { Document, Node } from "yaml";

/** A key path into the config, e.g. `["bindings", 0, "persona"]`. */
export type ConfigPath = readonly (string | number)[];

/** A place in the file, 1-based, with the length of the text to underline. */
export interface SourcePosition {
  line: number;
  col: number;
  length: number;
}

/** A YAML syntax problem (bad indentation, duplicate key, tab…). */
export interface SyntaxProblem {
  /** The deepest key path written at the problem's place (may be empty). */
  path: ConfigPath;
  message: string;
  position: SourcePosition;
}

/** What the config loader needs from a parsed YAML file. */
export interface YamlSource {
  /** The document as plain data; `undefined` for an empty file. */
  value: unknown;
  /** Syntax problems; when there are any, `value` should not be trusted. */
  syntaxProblems: SyntaxProblem[];
  /**
   * Finds where a path is written. `target: "key"` points at the key itself
   * (for unknown keys), `"value"` at its value. When the path does not exist,
   * the nearest parent that does is returned.
   */
  locate(path: ConfigPath, target: "key" | "value"): SourcePosition;
}

/** Integers this long are Discord ids: kept as strings so no digit is lost. */
const LONG_INTEGER = /^[0-9]{16,}$/;

/** Parses YAML text, keeping positions for error reports. */
export function parseYamlSource(text: string): YamlSource {
  const doc = parseDocument(text, {
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    // Warnings (e.g. a mapping used as a key) would go to stderr past our logging.
    logLevel: "error",
  });
  // LineCounter misses lines inside tokens of a broken document: count them here.
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  }
  const linePos = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - (lineStarts[low] ?? 0) + 1 };
  };
  const position = (
    range: readonly number[] | null | undefined,
  ): SourcePosition => {
    const start = range?.[0] ?? 0;
    const end = range?.[1] ?? start;
    const { line, col } = linePos(start);
    const lineEnd = text.indexOf("\n", start);
    const limit = lineEnd === -1 ? text.length : lineEnd;
    return { line, col, length: Math.max(1, Math.min(end, limit) - start) };
  };
  const syntaxProblems: SyntaxProblem[] = [];
  const linesWithProblems = new Set<number>();
  for (const error of doc.errors) {
    const at = position(error.pos);
    // A YAML mistake often cascades into more errors on the same line: show the first.
    if (linesWithProblems.has(at.line)) continue;
    linesWithProblems.add(at.line);
    const path = pathAt(doc.contents, error.pos[0]);
    if (error.code === "DUPLICATE_KEY") {
      at.length = Math.max(
        1,
        /^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trimEnd().length ?? 1,
      );
    }
    syntaxProblems.push({
      path,
      message: describeYamlError(error.code, error.message),
      position: at,
    });
  }
  keepLongIntegersAsText(doc);
  // toJS() throws on an alias to a missing anchor (a ReferenceError): report it.
  let value: unknown;
  if (doc.contents !== null && syntaxProblems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      syntaxProblems.push({
        path: [],
        message: `YAML error: ${
          error instanceof Error ? error.message : String(error)
        }`,
        position: position(doc.contents.range),
      });
    }
  }
  return {
    value,
    syntaxProblems,
    locate: (path, target) => position(findRange(doc, path, target)),
  };
}

function keepLongIntegersAsText(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (
        typeof node.value === "number" && LONG_INTEGER.test(node.source ?? "")
      ) {
        node.value = node.source;
      }
    },
  });
}

function findRange(
  doc: Document,
  path: ConfigPath,
  target: "key" | "value",
): readonly number[] | undefined {
  let node: unknown = doc.contents;
  let nearest: readonly number[] | undefined =
    (doc.contents as Node | null)?.range ?? undefined;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) =>
        isPair(item) && isScalar(item.key) &&
        String(item.key.value) === String(segment)
      );
      if (pair === undefined) return nearest;
      const keyRange = isScalar(pair.key)
        ? pair.key.range ?? undefined
        : undefined;
      const valueNode = pair.value as Node | null;
      const valueRange = valueNode?.range ?? undefined;
      const hasValue = valueRange !== undefined &&
        valueRange[1] > valueRange[0];
      if (last) {
        return target === "key" || !hasValue ? keyRange ?? nearest : valueRange;
      }
      nearest = keyRange ?? nearest;
      node = valueNode;
    } else if (isSeq(node)) {
      const item = typeof segment === "number"
        ? node.items[segment] as Node | undefined
        : undefined;
      if (item?.range == null) return nearest;
      nearest = item.range;
      node = item;
      if (last) return item.range;
    } else {
      return nearest;
    }
  }
  return nearest;
}

/** The key path of the deepest node whose range holds `offset`. */
function pathAt(node: unknown, offset: number): (string | number)[] {
  const contains = (range: readonly number[] | null | undefined) =>
    range != null && (range[0] ?? 0) <= offset &&
    offset < (range[2] ?? range[1] ?? 0);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const keyNode = pair.key as Node;
      const valueNode = pair.value as Node | null;
      if (contains(keyNode.range)) return [key];
      if (valueNode !== null && contains(valueNode.range)) {
        return [key, ...pathAt(valueNode, offset)];
      }
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      if (contains((item as Node).range)) {
        return [index, ...pathAt(item, offset)];
      }
    }
  }
  return [];
}

function describeYamlError(code: string, message: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "duplicate key: this key is already set above in the same mapping";
    case "TAB_AS_INDENT":
      return "tab used for indentation: YAML indents with spaces only";
    default:
      return `YAML syntax error: ${
        message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")
      }`;
  }
}
