/**
 * The JSON Schema of `bot.config.yaml`, generated from the zod schema. Editors
 * use it (through the `$schema` comment on the first line of the file) for
 * completion and hover help; the loader uses it to list the keys that are
 * allowed where a user wrote an unknown one.
 *
 * @module
 */

import { z } from "zod";
import { configSchema } from "./schema.ts";

/** A JSON Schema object, loosely typed: only the parts we walk are named. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
}

let cached: JsonSchema | undefined;

/** The config's JSON Schema (input form: what a user writes), built once. */
export function configJsonSchema(): JsonSchema {
  cached ??= {
    ...z.toJSONSchema(configSchema, {
      io: "input",
      target: "draft-2020-12",
    }) as JsonSchema,
    title: "bot.config.yaml",
  };
  return cached;
}

/** The schema text as committed in `config/bot.config.schema.json`. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** The keys allowed in the object at `path` (record entries resolve to their value schema). */
export function knownKeysAt(
  schema: JsonSchema,
  path: readonly (string | number)[],
): string[] {
  let node: JsonSchema | undefined = schema;
  for (const segment of path) {
    node = node === undefined ? undefined : childSchema(node, segment);
  }
  return Object.keys(objectBranch(node)?.properties ?? {});
}

function objectBranch(node: JsonSchema | undefined): JsonSchema | undefined {
  if (node === undefined) return undefined;
  if (
    node.properties !== undefined ||
    typeof node.additionalProperties === "object"
  ) return node;
  return node.anyOf?.map(objectBranch).find((branch) => branch !== undefined);
}

function childSchema(
  node: JsonSchema,
  segment: string | number,
): JsonSchema | undefined {
  if (typeof segment === "number") {
    return node.items ??
      node.anyOf?.map((b) => b.items).find((b) => b !== undefined);
  }
  const object = objectBranch(node);
  const property = object?.properties?.[segment];
  if (property !== undefined) return property;
  return typeof object?.additionalProperties === "object"
    ? object.additionalProperties
    : undefined;
}
