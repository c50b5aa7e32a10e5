/**
 * `deno task schema`: writes `config/bot.config.schema.json` and the README's
 * config reference from the zod schema. Tests fail when either is stale.
 *
 * @module
 */

import {
  REFERENCE_END,
  REFERENCE_START,
  renderConfigReference,
} from "../config/config_reference.ts";
import {
  configJsonSchema,
  renderConfigJsonSchema,
} from "../config/json_schema.ts";

/** Where the generated schema is committed. */
export const SCHEMA_FILE = new URL(
  "../../config/bot.config.schema.json",
  import.meta.url,
);
/** The README holding the generated config reference. */
export const README_FILE = new URL("../../README.md", import.meta.url);

/** The README with its config reference section replaced by a fresh one. */
export function withFreshReference(readme: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start === -1 || end < start) {
    throw new Error(
      `Cannot update the README: markers ${REFERENCE_START} … ${REFERENCE_END} are missing`,
    );
  }
  const table = renderConfigReference(configJsonSchema());
  return `${readme.slice(0, start)}${REFERENCE_START}\n\n${table}\n\n${
    readme.slice(end)
  }`;
}

if (import.meta.main) {
  await Deno.writeTextFile(SCHEMA_FILE, renderConfigJsonSchema());
  await Deno.writeTextFile(
    README_FILE,
    withFreshReference(await Deno.readTextFile(README_FILE)),
  );
  console.log(
    `wrote ${SCHEMA_FILE.pathname} and the config reference in ${README_FILE.pathname}`,
  );
}
