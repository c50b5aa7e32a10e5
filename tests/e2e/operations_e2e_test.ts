/**
 * End to end: health, readiness and metrics of the running bot (a resumed
 * gateway connection counts as a reconnect), and hot reload of its config
 * file.
 */
import assert from "node:assert/strict";
import {
  botMessages,
  CHANNEL,
  eventually,
  harnessConfig,
  startHarness,
} from "./bot_harness.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function get(
  url: string,
): Promise<{ status: number; text: string; type: string }> {
  const response = await fetch(url);
  return {
    status: response.status,
    text: await response.text(),
    type: response.headers.get("content-type") ?? "",
  };
}

Deno.test("/healthz, /readyz and /metrics describe the running bot", async () => {
  const port = freePort();
  await using h = await startHarness({ env: { HEALTH_PORT: String(port) } });
  const base = `http://127.0.0.1:${port}`;
  assert.equal((await get(`${base}/healthz`)).status, 200);
  await eventually(
    async () => (await get(`${base}/readyz`)).status === 200,
    10_000,
    "ready",
  );
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> count me`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).some((m) => m.content.startsWith("echo:")),
    10_000,
    "reply",
  );
  const metrics = await eventually(
    async () => {
      const page = await get(`${base}/metrics`);
      return page.text.includes('bot_turns_total{outcome="answered"} 1')
        ? page
        : undefined;
    },
    10_000,
    "the turn in /metrics",
  );
  assert.match(metrics.type, /^text\/plain; version=0\.0\.4/);
  assert.match(
    metrics.text,
    /bot_stage_duration_seconds_count\{stage="context"\} 1/,
  );
  assert.match(
    metrics.text,
    /bot_llm_time_to_first_token_seconds_count\{endpoint="local"\} 1/,
  );
  assert.match(
    metrics.text,
    /bot_llm_tokens_total\{endpoint="local",direction="out"\} \d+/,
  );
  // The reply's send, and Discordeno's own requests (the start-up's GET /users/@me).
  assert.match(
    metrics.text,
    /bot_discord_requests_total\{method="POST",status="200"\} [1-9]/,
  );
  assert.match(
    metrics.text,
    /bot_discord_requests_total\{method="GET",status="200"\} [1-9]/,
  );
  assert.match(
    metrics.text,
    /bot_llm_queue_wait_seconds_count\{endpoint="local"\} 1/,
  );
  for (
    const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_p99_seconds",
    ]
  ) {
    const value = Number(
      new RegExp(`^${name} (\\S+)$`, "m").exec(metrics.text)?.[1],
    );
    assert.ok(
      value >= 0 && (name.includes("lag") || value > 0),
      `${name}: ${value}`,
    );
  }

  await h.discord.gateway.vanish();
  h.discord.gateway.closeConnections(1001);
  const notReady = await eventually(
    async () => {
      const page = await get(`${base}/readyz`);
      return page.status === 503 ? page : undefined;
    },
    10_000,
    "not ready",
  );
  assert.match(notReady.text, /^gateway: /m);
  h.discord.gateway.restore();
});

Deno.test("a config edit applies without a restart; a broken edit is rejected and the bot keeps working", async () => {
  await using h = await startHarness();
  const file = `${h.dir}/bot.config.yaml`;
  const registrations = () =>
    h.discord.requestsTo("PUT /applications/{application}/commands").length;
  const before = registrations();
  await Deno.writeTextFile(
    file,
    harnessConfig(h.llm.url).replace(
      "personas:\n",
      'personas:\n  poet: { display_name: Poet, endpoint: local, model: test-model, system_prompt: "You are a poet." }\n',
    ).replace(
      "    persona: helper\n    personas: [helper, pirate]",
      "    persona: poet\n    personas: [poet, helper, pirate]",
    ),
  );
  await h.discord.waitFor(
    () => h.output().includes("Config reloaded"),
    10_000,
    "the reload",
  );
  await h.discord.waitFor(
    () => registrations() > before,
    10_000,
    "commands refreshed",
  );
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> a verse`,
  });
  await h.discord.waitFor(
    () => h.llm.chatRequests().length === 1,
    10_000,
    "the request",
  );
  assert.equal(h.llmMessages(0)[0]?.content, "You are a poet.");

  await Deno.writeTextFile(file, "version: 1\npersonas: [oops\n");
  await h.discord.waitFor(
    () => h.output().includes("Config change rejected"),
    10_000,
    "the rejection",
  );
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> still there?`,
  });
  await h.discord.waitFor(
    () => h.llm.chatRequests().length === 2,
    10_000,
    "the next request",
  );
  assert.equal(h.llmMessages(1)[0]?.content, "You are a poet.");
});

Deno.test("a dropped gateway connection that the bot resumes counts in bot_gateway_reconnects_total", async () => {
  const port = freePort();
  await using h = await startHarness({ env: { HEALTH_PORT: String(port) } });
  const base = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (await get(`${base}/readyz`)).status === 200 || undefined,
    10_000,
    "ready",
  );
  h.discord.gateway.closeConnections(4000);
  await h.discord.waitFor(
    () => h.discord.gateway.resumes.length >= 1,
    15_000,
    "the bot to resume",
  );
  await eventually(
    async () => (await get(`${base}/readyz`)).status === 200 || undefined,
    10_000,
    "ready again",
  );
  const page = (await get(`${base}/metrics`)).text;
  const value = Number(
    /^bot_gateway_reconnects_total (\S+)$/m.exec(page)?.[1],
  );
  assert.equal(value, 1, `bot_gateway_reconnects_total is ${value}`);
});
