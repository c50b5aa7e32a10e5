/**
 * Loads `bot.config.yaml`: parse the YAML keeping positions, resolve
 * `${VAR}` references, validate against the schema, check
 * cross-references, and report every problem at once as a `ConfigError`.
 *
 * @module
 */

import type { z } from "zod";
import { ConfigError } from "./config_error.ts";
import type { ConfigProblem } from "./config_error.ts";
import type { Config } from "./config_types.ts";
import { checkCrossReferences } from "./cross_references.ts";
import { interpolateEnv } from "./interpolate_env.ts";
import { resolveConfig } from "./resolve_config.ts";
import { configJsonSchema, knownKeysAt } from "./json_schema.ts";
import type { JsonSchema } from "./json_schema.ts";
import { configSchema } from "./schema.ts";
import { didYouMean } from "./suggest.ts";
import { parseYamlSource } from "./yaml_source.ts";
import type { ConfigPath, YamlSource } from "./yaml_source.ts";

/** Looks up an environment variable; `undefined` when unset. */
export type EnvLookup = (name: string) => string | undefined;

/** Reads and checks a config file. Throws `ConfigError` listing every problem. */
export async function loadConfig(
  file: string,
  env: EnvLookup,
): Promise<Config> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "the file does not exist; copy bot.config.yaml from the project or set BOT_CONFIG"
      : `the file cannot be read: ${
        error instanceof Error ? error.message : String(error)
      }`;
    throw new ConfigError(file, [{ path: [], message: reason }], "", {
      cause: error,
    });
  }
  return parseConfig(text, file, env);
}

/** Checks config text; `file` is only used in messages. Throws `ConfigError` listing every problem. */
export function parseConfig(
  text: string,
  file: string,
  env: EnvLookup,
): Config {
  const source = parseYamlSource(text);
  const fail = (problems: ConfigProblem[]) =>
    new ConfigError(file, problems, text);
  if (source.syntaxProblems.length > 0) {
    throw fail(source.syntaxProblems);
  }
  if (source.value === undefined || source.value === null) {
    throw fail([{
      path: [],
      message:
        "the file is empty: a config needs at least version, discord, endpoints and personas",
      position: { line: 1, col: 1, length: 1 },
    }]);
  }
  if (typeof source.value !== "object" || Array.isArray(source.value)) {
    const found = Array.isArray(source.value)
      ? "a list"
      : `a ${typeof source.value}`;
    throw fail([{
      path: [],
      message:
        `expected a mapping of keys (version, discord, endpoints, personas, …), found ${found}`,
      position: source.locate([], "value"),
    }]);
  }

  const problems: ConfigProblem[] = [];
  const secrets: string[] = [];
  const value = interpolateTree(source.value, [], env, problems, secrets);
  const located = (
    path: ConfigPath,
    message: string,
    target: "key" | "value" = "value",
  ) => ({
    path,
    message,
    position: source.locate(path, target),
  });
  const envPaths = new Set(problems.map((p) => JSON.stringify(p.path)));
  const result = configSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (envPaths.has(JSON.stringify(issue.path))) continue;
      problems.push(...describeIssue(issue, source));
    }
  }
  for (const problem of checkCrossReferences(value)) {
    problems.push(located(problem.path, problem.message));
  }
  const positioned = problems.map((p) =>
    p.position === undefined
      ? { ...p, position: source.locate(p.path, "value") }
      : p
  );
  if (positioned.length > 0 || !result.success) throw fail(positioned);
  return resolveConfig(result.data, secrets);
}

function interpolateTree(
  value: unknown,
  path: (string | number)[],
  env: EnvLookup,
  problems: ConfigProblem[],
  secrets: string[],
): unknown {
  if (typeof value === "string") {
    const result = interpolateEnv(value, env);
    for (const name of result.missing) {
      problems.push({
        path,
        env_variable: name,
        message:
          `environment variable ${name} is not set; set it (or put it in .env), or write \${${name}:-default}`,
      });
    }
    if (isSecretPath(path)) {
      secrets.push(result.value);
      for (const name of result.referenced) {
        const raw = env(name);
        if (raw !== undefined) secrets.push(raw);
      }
    }
    return result.value;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) =>
      interpolateTree(item, [...path, i], env, problems, secrets)
    );
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map((
        [key, item],
      ) => [
        key,
        interpolateTree(item, [...path, key], env, problems, secrets),
      ]),
    );
  }
  return value;
}

function isSecretPath(path: readonly (string | number)[]): boolean {
  const last = path[path.length - 1];
  return (path[0] === "discord" && last === "token") ||
    (path[0] === "endpoints" && (last === "api_key" || path[2] === "headers"));
}

function describeIssue(
  issue: z.core.$ZodIssue,
  source: YamlSource,
): ConfigProblem[] {
  const path = issue.path.filter((p): p is string | number =>
    typeof p !== "symbol"
  );
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(configJsonSchema(), path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}"${didYouMean(key, known)}${
        known.length > 0 && didYouMean(key, known) === ""
          ? `; expected one of: ${known.join(", ")}`
          : ""
      }`,
      position: source.locate([...path, key], "key"),
    }));
  }
  if (
    (issue.code === "invalid_type" || issue.code === "invalid_value") &&
    issue.input === undefined
  ) {
    const key = String(path[path.length - 1]);
    const description = describedAt(path);
    return [{
      path,
      message: `missing key "${key}"${description ? ` (${description})` : ""}`,
      position: source.locate(path, "value"),
    }];
  }
  // A secret's value is never quoted, whatever its type.
  const found = (input: unknown) =>
    isSecretPath(path) ? describeType(input) : describeValue(input);
  let message = issue.message;
  if (issue.code === "invalid_type" && /^Invalid input/.test(issue.message)) {
    message = `expected ${withArticle(issue.expected)}, found ${
      found(issue.input)
    }`;
  } else if (issue.code === "invalid_value") {
    message = `expected ${oneOf(issue.values)}, found ${found(issue.input)}`;
  } else if (issue.code === "invalid_key") {
    // The name is what must change: point at the key, not its value.
    return [{
      path,
      message: `invalid name: ${issue.issues[0]?.message ?? issue.message}`,
      position: source.locate(path, "key"),
    }];
  } else if (issue.code === "invalid_union") {
    // A list whose type matched (e.g. `trigger: [mention, replay]`): name its bad items.
    const inner = issue.errors.find((branch) =>
      branch.length > 0 && branch.every((sub) => sub.path.length > 0)
    );
    if (inner !== undefined) {
      return inner.flatMap((sub) =>
        describeIssue(
          { ...sub, path: [...issue.path, ...sub.path] } as z.core.$ZodIssue,
          source,
        )
      );
    }
    const first = issue.errors.flat()[0];
    message = first?.code === "invalid_value"
      ? `expected ${oneOf(first.values)} (or a list of them), found ${
        found(issue.input)
      }`
      : first?.message ?? issue.message;
  }
  return [{ path, message, position: source.locate(path, "value") }];
}

function describedAt(path: readonly (string | number)[]): string {
  let node: JsonSchema | undefined = configJsonSchema();
  for (const segment of path) {
    const object: JsonSchema | undefined = node?.anyOf?.find((b) =>
      b.properties
    ) ?? node;
    node = typeof segment === "number"
      ? object?.items
      : object?.properties?.[segment] ??
        (typeof object?.additionalProperties === "object"
          ? object.additionalProperties
          : undefined);
  }
  return node?.description ?? "";
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function oneOf(values: readonly unknown[]): string {
  const written = values.map((v) => JSON.stringify(v));
  return written.length === 1
    ? written[0] ?? ""
    : `${written.slice(0, -1).join(", ")} or ${written[written.length - 1]}`;
}

function describeType(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return withArticle(typeof value);
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    return `the text ${
      JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    }`;
  }
  return `${typeof value} ${String(value)}`;
}
