/**
 * `deno task schema`: writes `config/bot.config.schema.json` from the zod
 * schema. A test fails when the committed file is stale.
 *
 * @module
 */

import { renderConfigJsonSchema } from "../config/json_schema.ts";

/** Where the generated schema is committed. */
export const SCHEMA_FILE = new URL("../../config/bot.config.schema.json", import.meta.url);

if (import.meta.main) {
  await Deno.writeTextFile(SCHEMA_FILE, renderConfigJsonSchema());
  console.log(`wrote ${SCHEMA_FILE.pathname}`);
}
