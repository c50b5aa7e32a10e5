import assert from "node:assert/strict";
import { scaleOutFromEnv } from "../../src/app/scale_out.ts";
import type { Config } from "../../src/config/config_types.ts";

function config(shards?: string): Config {
  return { discord: { shards } } as unknown as Config;
}

function env(vars: Record<string, string>) {
  return (name: string) => vars[name];
}

Deno.test("scaleOutFromEnv(): DISCORD_SHARDS wins over discord.shards; absent: all shards", () => {
  assert.deepEqual(scaleOutFromEnv(env({}), config()), {
    shards: undefined,
    rest_proxy: undefined,
    label: "all",
  });
  assert.deepEqual(scaleOutFromEnv(env({}), config("0-1/4")), {
    shards: { first: 0, last: 1, total: 4 },
    rest_proxy: undefined,
    label: "0-1/4",
  });
  const fromEnv = scaleOutFromEnv(
    env({ DISCORD_SHARDS: "2-3/4" }),
    config("0-1/4"),
  );
  assert.equal(typeof fromEnv !== "string" && fromEnv.label, "2-3/4");
  assert.match(
    String(scaleOutFromEnv(env({ DISCORD_SHARDS: "4-5/4" }), config())),
    /^Cannot use DISCORD_SHARDS: FIRST \(4\) is above|^Cannot use DISCORD_SHARDS: LAST/,
  );
});

Deno.test("scaleOutFromEnv(): DISCORD_REST_URL needs DISCORD_REST_SECRET, and never prints it", () => {
  assert.match(
    String(
      scaleOutFromEnv(env({ DISCORD_REST_URL: "http://rest:8090" }), config()),
    ),
    /DISCORD_REST_SECRET is not/,
  );
  const ok = scaleOutFromEnv(
    env({
      DISCORD_REST_URL: "http://rest:8090",
      DISCORD_REST_SECRET: "s3cret",
    }),
    config(),
  );
  assert.deepEqual(typeof ok !== "string" && ok.rest_proxy, {
    url: "http://rest:8090",
    secret: "s3cret",
  });
});
