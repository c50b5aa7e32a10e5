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

Deno.test("turnEnded() and rateLimited() count per label, rate limit kinds start at 0", () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.turnEnded("replied");
  metrics.turnEnded("replied");
  metrics.turnEnded("error");
  metrics.rateLimited("user");
  const page = metrics.render();
  assert.deepEqual(samples(page, "bot_turns_total"), [
    'bot_turns_total{outcome="replied"} 2',
    'bot_turns_total{outcome="error"} 1',
  ]);
  assert.deepEqual(samples(page, "bot_rate_limited_turns_total"), [
    'bot_rate_limited_turns_total{kind="user"} 1',
    'bot_rate_limited_turns_total{kind="channel"} 0',
  ]);
});

Deno.test("llmReply() records first token, total time and tokens in and out per endpoint", () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.llmReply("local", 0.4, 3.2, 120, 45);
  metrics.llmReply("local", null, 1, null, null);
  const page = metrics.render();
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
      'bot_llm_time_to_first_token_seconds_bucket{endpoint="local",le="0.5"} 1\n',
    ),
  );
  assert.ok(
    page.includes(
      'bot_llm_time_to_first_token_seconds_bucket{endpoint="local",le="0.25"} 0\n',
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

Deno.test("stageObserved() counts a negative duration as 0 and drops NaN without throwing", () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.stageObserved("context", -0.002);
  metrics.stageObserved("context", NaN);
  metrics.stageObserved("context", 0.0003);
  const page = metrics.render();
  assert.ok(
    page.includes(
      'bot_stage_duration_seconds_bucket{stage="context",le="0.0001"} 1\n',
    ),
  );
  assert.ok(
    page.includes('bot_stage_duration_seconds_count{stage="context"} 2\n'),
  );
  assert.ok(
    page.includes('bot_stage_duration_seconds_sum{stage="context"} 0.0003\n'),
  );
});

Deno.test("bot_llm_queue_depth is read from the queue status at each scrape", () => {
  let status = { local: { active: 2, waiting: 5 } };
  const metrics = createBotMetrics({
    ...fixedProcess(),
    queueStatus: () => status,
  });
  assert.deepEqual(samples(metrics.render(), "bot_llm_queue_depth"), [
    'bot_llm_queue_depth{endpoint="local",state="active"} 2',
    'bot_llm_queue_depth{endpoint="local",state="waiting"} 5',
  ]);
  status = { local: { active: 0, waiting: 0 } };
  assert.deepEqual(samples(metrics.render(), "bot_llm_queue_depth"), [
    'bot_llm_queue_depth{endpoint="local",state="active"} 0',
    'bot_llm_queue_depth{endpoint="local",state="waiting"} 0',
  ]);
  metrics.setQueueStatus(() => ({ backup: { active: 1, waiting: 0 } }));
  assert.deepEqual(samples(metrics.render(), "bot_llm_queue_depth"), [
    'bot_llm_queue_depth{endpoint="backup",state="active"} 1',
    'bot_llm_queue_depth{endpoint="backup",state="waiting"} 0',
  ]);
});

Deno.test("a failing queue status leaves bot_llm_queue_depth empty and reports the error", () => {
  const errors: string[] = [];
  const metrics = createBotMetrics({
    ...fixedProcess(),
    queueStatus: () => {
      throw new Error("client gone");
    },
    onCollectError: (metric) => errors.push(metric),
  });
  const page = metrics.render();
  assert.deepEqual(samples(page, "bot_llm_queue_depth"), []);
  assert.ok(page.includes("process_uptime_seconds 12.5\n"));
  assert.deepEqual(errors, ["bot_llm_queue_depth"]);
});

Deno.test("Discord and gateway events land in their counters, routes without snowflakes", () => {
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
  const page = metrics.render();
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

Deno.test("process gauges come from their sources at scrape time", () => {
  const metrics = createBotMetrics(fixedProcess());
  const page = metrics.render();
  assert.ok(page.includes("process_resident_memory_bytes 52428800\n"));
  assert.ok(page.includes("process_uptime_seconds 12.5\n"));
  assert.ok(page.includes("process_start_time_seconds 1700000000\n"));
});

Deno.test("the default process gauges read this process's memory and uptime", () => {
  const page = createBotMetrics().render();
  const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(page)?.[1]);
  const uptime = Number(/^process_uptime_seconds (\S+)$/m.exec(page)?.[1]);
  assert.ok(rss > 1_000_000, `rss ${rss}`);
  assert.ok(uptime > 0 && uptime < 3600, `uptime ${uptime}`);
});

Deno.test("every metric family has HELP and TYPE lines and the page ends with a newline", () => {
  const page = createBotMetrics(fixedProcess()).render();
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

Deno.test("every bounded wait list reports its length and what it refused", () => {
  const metrics = createBotMetrics(fixedProcess());
  metrics.setWaitLists(() => ({ conversation_queue: 4, channel_throttle: 2 }));
  metrics.waitListRefused("channel_throttle");
  const page = metrics.render();
  assert.deepEqual(samples(page, "bot_wait_list_length"), [
    'bot_wait_list_length{list="conversation_queue"} 4',
    'bot_wait_list_length{list="channel_throttle"} 2',
  ]);
  assert.deepEqual(samples(page, "bot_wait_list_refused_total"), [
    'bot_wait_list_refused_total{list="conversation_queue"} 0',
    'bot_wait_list_refused_total{list="channel_throttle"} 1',
  ]);
});
