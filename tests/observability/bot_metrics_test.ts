import assert from "node:assert/strict";
import {
  createBotMetrics,
  normalizeRoute,
} from "../../src/observability/bot_metrics.ts";

function fixedProcess() {
  return {
    residentMemoryBytes: () => 52_428_800,
    uptimeSeconds: () => 12.5,
    startTimeSeconds: 1_700_000_000,
  };
}

/** The sample lines of one metric family, without HELP and TYPE. */
function samples(page: string, prefix: string): string[] {
  return page.split("\n").filter((line) =>
    line.startsWith(prefix) && !line.startsWith("#")
  );
}

Deno.test("turnEnded() and rateLimited() count per label, rate limit kinds start at 0", async () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.turnEnded("replied");
  metrics.turnEnded("replied");
  metrics.turnEnded("error");
  metrics.rateLimited("user");
  const page = await metrics.render();
  assert.deepEqual(samples(page, "bot_turns_total"), [
    'bot_turns_total{outcome="replied"} 2',
    'bot_turns_total{outcome="error"} 1',
  ]);
  assert.deepEqual(samples(page, "bot_rate_limited_turns_total"), [
    'bot_rate_limited_turns_total{kind="user"} 1',
    'bot_rate_limited_turns_total{kind="channel"} 0',
  ]);
});

Deno.test("llmReply() records first token, total time and tokens in and out per endpoint", async () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.llmReply("local", 0.4, 3.2, 120, 45);
  metrics.llmReply("local", null, 1, null, null);
  const page = await metrics.render();
  assert.deepEqual(
    samples(page, "bot_llm_time_to_first_token_seconds_")
      .filter((line) => !line.includes("_bucket")),
    [
      'bot_llm_time_to_first_token_seconds_sum{endpoint="local"} 0.4',
      'bot_llm_time_to_first_token_seconds_count{endpoint="local"} 1',
    ],
  );
  assert.ok(
    page.includes(
      'bot_llm_time_to_first_token_seconds_bucket{le="0.5",endpoint="local"} 1\n',
    ),
  );
  assert.ok(
    page.includes(
      'bot_llm_time_to_first_token_seconds_bucket{le="0.25",endpoint="local"} 0\n',
    ),
  );
  assert.deepEqual(
    samples(page, "bot_llm_request_duration_seconds_")
      .filter((line) => !line.includes("_bucket")),
    [
      'bot_llm_request_duration_seconds_sum{endpoint="local"} 4.2',
      'bot_llm_request_duration_seconds_count{endpoint="local"} 2',
    ],
  );
  assert.deepEqual(samples(page, "bot_llm_tokens_total"), [
    'bot_llm_tokens_total{endpoint="local",direction="in"} 120',
    'bot_llm_tokens_total{endpoint="local",direction="out"} 45',
  ]);
});

Deno.test("stageObserved() counts a negative duration as 0 and drops NaN without throwing", async () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.stageObserved("context", -0.002);
  metrics.stageObserved("context", NaN);
  metrics.stageObserved("context", 0.0003);
  const page = await metrics.render();
  assert.ok(
    page.includes(
      'bot_stage_duration_seconds_bucket{le="0.0001",stage="context"} 1\n',
    ),
  );
  assert.ok(
    page.includes('bot_stage_duration_seconds_count{stage="context"} 2\n'),
  );
  assert.ok(
    page.includes('bot_stage_duration_seconds_sum{stage="context"} 0.0003\n'),
  );
});

Deno.test("bot_llm_queue_depth is read from the queue status at each scrape", async () => {
  let status = { local: { active: 2, waiting: 5 } };
  const metrics = createBotMetrics({
    ...fixedProcess(),
    queueStatus: () => status,
  });
  assert.deepEqual(samples(await metrics.render(), "bot_llm_queue_depth"), [
    'bot_llm_queue_depth{endpoint="local",state="active"} 2',
    'bot_llm_queue_depth{endpoint="local",state="waiting"} 5',
  ]);
  status = { local: { active: 0, waiting: 0 } };
  assert.deepEqual(samples(await metrics.render(), "bot_llm_queue_depth"), [
    'bot_llm_queue_depth{endpoint="local",state="active"} 0',
    'bot_llm_queue_depth{endpoint="local",state="waiting"} 0',
  ]);
  metrics.setQueueStatus(() => ({ backup: { active: 1, waiting: 0 } }));
  assert.deepEqual(samples(await metrics.render(), "bot_llm_queue_depth"), [
    'bot_llm_queue_depth{endpoint="backup",state="active"} 1',
    'bot_llm_queue_depth{endpoint="backup",state="waiting"} 0',
  ]);
});

Deno.test("a failing queue status leaves bot_llm_queue_depth empty and reports the error", async () => {
  const errors: string[] = [];
  const metrics = createBotMetrics({
    ...fixedProcess(),
    queueStatus: () => {
      throw new Error("client gone");
    },
    onCollectError: (metric) => errors.push(metric),
  });
  const page = await metrics.render();
  assert.deepEqual(samples(page, "bot_llm_queue_depth"), []);
  assert.ok(page.includes("process_uptime_seconds 12.5\n"));
  assert.deepEqual(errors, ["bot_llm_queue_depth"]);
});

Deno.test("Discord and gateway events land in their counters, routes without snowflakes", async () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.discord429("POST /channels/123456789012345678/messages");
  metrics.discord429("POST /channels/223456789012345678/messages");
  metrics.discordRequest("patch", 200);
  metrics.discordRequest("PATCH", 200);
  metrics.discordRequest("POST", 429);
  metrics.gatewayReconnect();
  metrics.llmFailed("local", "timeout");
  metrics.llmQueueWait("local", 0.02);
  metrics.configReload("rejected");
  const page = await metrics.render();
  assert.deepEqual(samples(page, "bot_discord_rate_limited_total"), [
    'bot_discord_rate_limited_total{route="POST /channels/:id/messages"} 2',
  ]);
  assert.deepEqual(samples(page, "bot_discord_requests_total"), [
    'bot_discord_requests_total{method="PATCH",status="200"} 2',
    'bot_discord_requests_total{method="POST",status="429"} 1',
  ]);
  assert.deepEqual(samples(page, "bot_gateway_reconnects_total"), [
    "bot_gateway_reconnects_total 1",
  ]);
  assert.deepEqual(samples(page, "bot_llm_errors_total"), [
    'bot_llm_errors_total{endpoint="local",kind="timeout"} 1',
  ]);
  assert.ok(
    page.includes('bot_llm_queue_wait_seconds_count{endpoint="local"} 1\n'),
  );
  assert.deepEqual(samples(page, "bot_config_reloads_total"), [
    'bot_config_reloads_total{result="applied"} 0',
    'bot_config_reloads_total{result="rejected"} 1',
  ]);
});

Deno.test("process gauges come from their sources at scrape time", async () => {
  const metrics = createBotMetrics(fixedProcess());
  const page = await metrics.render();
  assert.ok(page.includes("process_resident_memory_bytes 52428800\n"));
  assert.ok(page.includes("process_uptime_seconds 12.5\n"));
  assert.ok(page.includes("process_start_time_seconds 1700000000\n"));
});

Deno.test("the default process gauges read this process's memory and uptime", async () => {
  const page = await createBotMetrics().render();
  const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(page)?.[1]);
  const uptime = Number(/^process_uptime_seconds (\S+)$/m.exec(page)?.[1]);
  assert.ok(rss > 1_000_000, `rss ${rss}`);
  assert.ok(uptime > 0 && uptime < 3600, `uptime ${uptime}`);
});

Deno.test("every metric family has HELP and TYPE lines and the page ends with a newline", async () => {
  const page = await createBotMetrics(fixedProcess()).render();
  const types = [...page.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]);
  const helps = [...page.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]);
  assert.deepEqual(helps, types);
  assert.equal(new Set(types).size, types.length);
  assert.ok(types.includes("bot_llm_queue_depth"));
  assert.ok(page.endsWith("\n"));
});

Deno.test("normalizeRoute() replaces snowflakes and keeps the rest", () => {
  assert.equal(
    normalizeRoute(
      "PATCH /channels/123456789012345678/messages/1234567890123456789",
    ),
    "PATCH /channels/:id/messages/:id",
  );
  assert.equal(normalizeRoute("GET /gateway/bot"), "GET /gateway/bot");
});

Deno.test("read() gives a metric's current samples as data, histograms as _bucket, _sum and _count", async () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.turnEnded("replied");
  metrics.turnEnded("replied");
  metrics.stageObserved("context", 0.2);
  assert.deepEqual(await metrics.read("bot_turns_total"), [
    { name: "bot_turns_total", labels: { outcome: "replied" }, value: 2 },
  ]);
  const stage = await metrics.read("bot_stage_duration_seconds");
  assert.deepEqual(
    stage.filter((s) => !s.name.endsWith("_bucket")),
    [
      {
        name: "bot_stage_duration_seconds_sum",
        labels: { stage: "context" },
        value: 0.2,
      },
      {
        name: "bot_stage_duration_seconds_count",
        labels: { stage: "context" },
        value: 1,
      },
    ],
  );
  assert.deepEqual(
    stage.find((s) => s.labels.le === "0.25"),
    {
      name: "bot_stage_duration_seconds_bucket",
      labels: { le: "0.25", stage: "context" },
      value: 1,
    },
  );
  assert.deepEqual(await metrics.read("process_uptime_seconds"), [
    { name: "process_uptime_seconds", labels: {}, value: 12.5 },
  ]);
  assert.deepEqual(await metrics.read("no_such_metric"), []);
  assert.ok(metrics.names().includes("bot_llm_queue_depth"));
});

Deno.test("every bounded wait list reports its length and what it refused", async () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.setWaitLists(() => ({ conversation_queue: 4, channel_throttle: 2 }));
  metrics.waitListRefused("channel_throttle");
  const page = await metrics.render();
  assert.deepEqual(samples(page, "bot_wait_list_length"), [
    'bot_wait_list_length{list="conversation_queue"} 4',
    'bot_wait_list_length{list="channel_throttle"} 2',
  ]);
  assert.deepEqual(samples(page, "bot_wait_list_refused_total"), [
    'bot_wait_list_refused_total{list="conversation_queue"} 0',
    'bot_wait_list_refused_total{list="channel_throttle"} 1',
  ]);
});
