import assert from "node:assert/strict";
import { createBotMetrics } from "../../src/observability/bot_metrics.ts";
import {
  type HealthServerOptions,
  healthSettingsFromEnv,
  startHealthServer,
} from "../../src/observability/health_server.ts";

function start(
  options: Omit<HealthServerOptions, "port" | "hostname"> = {},
) {
  const server = startHealthServer({
    port: "ephemeral",
    hostname: "127.0.0.1",
    ...options,
  });
  assert.ok(server !== null);
  return server;
}

async function get(
  url: string,
  method = "GET",
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(url, { method });
  return {
    status: response.status,
    body: await response.text(),
    headers: response.headers,
  };
}

Deno.test("/healthz answers 200 ok as soon as the server listens", async () => {
  await using server = start({ checks: { gateway: () => false } });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(server.port > 0);
  const response = await get(`${server.url}/healthz`);
  assert.equal(response.status, 200);
  assert.equal(response.body, "ok\n");
  assert.equal(
    response.headers.get("content-type"),
    "text/plain; charset=utf-8",
  );
  assert.equal(response.headers.get("cache-control"), "no-store");
});

Deno.test("/readyz answers 503 with the reason until the gateway is ready", async () => {
  let gatewayReady = false;
  let databaseReady = false;
  await using server = start({
    checks: {
      gateway: () => gatewayReady || "not connected (waiting for READY)",
      database: () => Promise.resolve(databaseReady),
      config: () => true,
    },
  });
  const before = await get(`${server.url}/readyz`);
  assert.equal(before.status, 503);
  assert.equal(
    before.body,
    "gateway: not connected (waiting for READY)\ndatabase: not ready\n",
  );
  gatewayReady = true;
  const half = await get(`${server.url}/readyz`);
  assert.equal(half.status, 503);
  assert.equal(half.body, "database: not ready\n");
  databaseReady = true;
  const after = await get(`${server.url}/readyz`);
  assert.equal(after.status, 200);
  assert.equal(after.body, "ready\n");
});

Deno.test("/readyz names a check that throws or does not answer in time", async () => {
  let release = () => {};
  const hanging = new Promise<boolean>((resolve) => {
    release = () => resolve(true);
  });
  await using server = start({
    checkTimeoutMs: 20,
    checks: {
      database: () => {
        throw new Error("disk I/O error\nat line 2");
      },
      store: () => hanging,
    },
  });
  const response = await get(`${server.url}/readyz`);
  release();
  assert.equal(response.status, 503);
  assert.equal(
    response.body,
    "database: check failed: disk I/O error at line 2\n" +
      "store: no answer within 20 ms\n",
  );
});

Deno.test("/readyz with no checks is ready", async () => {
  await using server = start();
  const response = await get(`${server.url}/readyz`);
  assert.equal(response.status, 200);
  assert.equal(response.body, "ready\n");
});

Deno.test("/metrics serves the text format 0.0.4 with what was recorded", async () => {
  const metrics = createBotMetrics({
    residentMemoryBytes: () => 1024,
    uptimeSeconds: () => 3,
    queueStatus: () => ({ local: { active: 1, waiting: 4 } }),
  });
  metrics.turnEnded("replied");
  metrics.llmReply("local", 0.3, 2, 100, 20);
  metrics.gatewayReconnect();
  await using server = start({ metrics });
  const response = await get(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(
    response.headers.get("content-type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  for (
    const line of [
      "# TYPE bot_turns_total counter",
      'bot_turns_total{outcome="replied"} 1',
      'bot_llm_tokens_total{endpoint="local",direction="in"} 100',
      'bot_llm_tokens_total{endpoint="local",direction="out"} 20',
      'bot_llm_request_duration_seconds_count{endpoint="local"} 1',
      'bot_llm_queue_depth{endpoint="local",state="waiting"} 4',
      "bot_gateway_reconnects_total 1",
      "process_resident_memory_bytes 1024",
      "process_uptime_seconds 3",
    ]
  ) {
    assert.ok(response.body.split("\n").includes(line), `missing: ${line}`);
  }
  const ours = (page: string) =>
    page.split("\n").filter((line) => line.startsWith("bot_"));
  assert.deepEqual(ours(response.body), ours(await metrics.render()));
});

Deno.test("/metrics answers a short 500 when rendering fails and reports the error", async () => {
  const errors: unknown[] = [];
  await using server = start({
    metrics: {
      render() {
        throw new Error("boom");
      },
    },
    onError: (error) => errors.push(error),
  });
  const response = await get(`${server.url}/metrics`);
  assert.equal(response.status, 500);
  assert.equal(response.body, "cannot render metrics\n");
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, "boom");
});

Deno.test("unknown paths are 404, and /metrics is 404 without a registry", async () => {
  await using server = start();
  for (const path of ["/", "/health", "/metrics", "/healthz/extra"]) {
    const response = await get(`${server.url}${path}`);
    assert.equal(response.status, 404, path);
    assert.equal(response.body, "not found\n");
  }
});

Deno.test("HEAD answers like GET with the same headers and no body", async () => {
  const metrics = createBotMetrics({ uptimeSeconds: () => 1 });
  await using server = start({ metrics, checks: { gateway: () => false } });
  for (const [path, status] of [["/healthz", 200], ["/readyz", 503]] as const) {
    const got = await get(`${server.url}${path}`);
    const head = await get(`${server.url}${path}`, "HEAD");
    assert.equal(head.status, status, path);
    assert.equal(head.body, "");
    assert.equal(
      head.headers.get("content-length"),
      String(new TextEncoder().encode(got.body).byteLength),
    );
  }
  const head = await get(`${server.url}/metrics`, "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body, "");
  assert.equal(
    head.headers.get("content-type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  assert.equal((await get(`${server.url}/nope`, "HEAD")).status, 404);
});

Deno.test("other methods are 405 with Allow on known paths", async () => {
  await using server = start();
  const response = await get(`${server.url}/healthz`, "POST");
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "GET, HEAD");
  assert.equal((await get(`${server.url}/other`, "DELETE")).status, 404);
});

Deno.test("port 0 disables the server and close() may be called twice", async () => {
  assert.equal(startHealthServer({ port: 0, hostname: "127.0.0.1" }), null);
  const server = start();
  await server.close();
  await server.close();
  await assert.rejects(fetch(`${server.url}/healthz`));
});

Deno.test("a port in use is refused with a message naming the address and HEALTH_PORT", async () => {
  await using first = start();
  assert.throws(
    () => startHealthServer({ port: first.port, hostname: "127.0.0.1" }),
    (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.equal(error.name, "HealthServerError");
      assert.match(
        error.message,
        new RegExp(
          `^Cannot start the health server on 127\\.0\\.0\\.1:${first.port}: .+\\. Set HEALTH_PORT to a free port, or to 0 to disable it$`,
        ),
      );
      return true;
    },
  );
});

Deno.test("healthSettingsFromEnv() reads HEALTH_PORT and HEALTH_HOST", async (t) => {
  const cases: [string, Record<string, string>, number, string][] = [
    ["defaults", {}, 8080, "127.0.0.1"],
    [
      "empty values count as unset",
      {
        HEALTH_PORT: "",
        HEALTH_HOST: " ",
      },
      8080,
      "127.0.0.1",
    ],
    ["0 disables", { HEALTH_PORT: "0" }, 0, "127.0.0.1"],
    [
      "a port and a host",
      {
        HEALTH_PORT: " 9100 ",
        HEALTH_HOST: "0.0.0.0",
      },
      9100,
      "0.0.0.0",
    ],
    ["the highest port", { HEALTH_PORT: "65535" }, 65535, "127.0.0.1"],
  ];
  for (const [name, env, port, hostname] of cases) {
    await t.step(name, () => {
      assert.deepEqual(healthSettingsFromEnv((key) => env[key]), {
        port,
        hostname,
      });
    });
  }
  for (const bad of ["abc", "-1", "65536", "80.5", "1e3", "8080x"]) {
    await t.step(`"${bad}" is refused naming HEALTH_PORT`, () => {
      assert.throws(
        () => healthSettingsFromEnv((key) => ({ HEALTH_PORT: bad })[key]),
        {
          name: "HealthServerError",
          message:
            `HEALTH_PORT must be a port number from 1 to 65535, or 0 to disable the health server; got "${bad}"`,
        },
      );
    });
  }
});
