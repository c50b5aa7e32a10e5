/**
 * deploy/compose.yaml: PostgreSQL, one REST proxy and gateway processes
 * from the Containerfile. The gateways' shard ranges must split 0..TOTAL-1
 * between them with one TOTAL, every gateway must reach the proxy and the
 * database, and every command must be a task of deno.json.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { parseShardRange } from "../../src/config/shard_range.ts";

const ROOT = new URL("../../", import.meta.url);
const compose = parse(
  Deno.readTextFileSync(new URL("deploy/compose.yaml", ROOT)),
  { merge: true },
) as {
  services: Record<string, {
    build?: { context: string; dockerfile: string };
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, unknown>;
  }>;
};
const tasks = Object.keys(
  JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))).tasks,
);

const gateways = Object.entries(compose.services).filter(([name]) =>
  name.startsWith("gateway")
);

Deno.test("compose runs PostgreSQL, the REST proxy and at least two gateways built from the Containerfile", () => {
  assert.ok(compose.services["postgres"]);
  assert.deepEqual(compose.services["rest"]?.command, ["deno", "task", "rest"]);
  assert.ok(gateways.length >= 2);
  for (
    const [name, service] of [
      ["rest", compose.services["rest"]!],
      ...gateways,
    ] as const
  ) {
    assert.equal(service.build?.dockerfile, "Containerfile", name);
    const dockerfile = new URL(
      `deploy/${service.build?.context}/Containerfile`,
      ROOT,
    );
    assert.ok(Deno.statSync(dockerfile).isFile, name);
    const task = service.command?.[2] ?? "";
    assert.ok(tasks.includes(task), `${name}: deno task ${task} exists`);
  }
});

Deno.test("the gateways split the shards 0..TOTAL-1 between them and share the proxy and the database", () => {
  const ranges = gateways.map(([name, service]) => {
    const range = parseShardRange(
      service.environment?.["DISCORD_SHARDS"] ?? "",
    );
    assert.ok(typeof range !== "string", `${name}: ${range}`);
    return range;
  }).sort((a, b) => a.first - b.first);
  const total = ranges[0]?.total ?? 0;
  let next = 0;
  for (const range of ranges) {
    assert.equal(range.total, total, "one TOTAL for every process");
    assert.equal(range.first, next, "no gap and no overlap");
    next = range.last + 1;
  }
  assert.equal(next, total, "every shard is owned");
  const restPort = compose.services["rest"]?.environment?.["REST_PORT"];
  for (const [name, service] of gateways) {
    const env = service.environment ?? {};
    assert.equal(env["DISCORD_REST_URL"], `http://rest:${restPort}`, name);
    assert.equal(
      env["DISCORD_REST_SECRET"],
      compose.services["rest"]?.environment?.["DISCORD_REST_SECRET"],
      name,
    );
    assert.match(
      env["DATABASE_URL"] ?? "",
      /^postgres:\/\/.*@postgres:5432\//,
      name,
    );
    assert.ok(
      service.depends_on?.["postgres"] && service.depends_on["rest"],
      name,
    );
  }
});

Deno.test("every gateway gets each variable the shipped bot.config.yaml reads (compose passes only what it names)", () => {
  const shipped = Deno.readTextFileSync(new URL("bot.config.yaml", ROOT));
  const read = [...shipped.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) =>
    m[1]!
  );
  assert.ok(read.includes("LLM_API_URL"));
  for (const [name, service] of gateways) {
    for (const variable of read) {
      assert.ok(
        service.environment?.[variable] !== undefined,
        `${name} gets ${variable}`,
      );
    }
  }
});
