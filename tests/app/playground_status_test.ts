/** The playground's status numbers come from the bot's own metrics. */
import assert from "node:assert/strict";
import { metricsStatusSource } from "../../src/app/playground_status.ts";
import { createBotMetrics } from "../../src/observability/bot_metrics.ts";

Deno.test("metricsStatusSource() reads turns, first-token times, failures and reconnects from BotMetrics", async () => {
  const metrics = createBotMetrics();
  metrics.turnEnded("answered");
  metrics.turnEnded("answered");
  metrics.turnEnded("failed");
  metrics.turnEnded("ignored");
  metrics.turnEnded("unrouted");
  metrics.llmReply("local", 0.25, 1, 10, 5);
  metrics.llmReply("local", 0.75, 2, 10, 5);
  metrics.llmFailed("backup", "timeout");
  metrics.gatewayReconnect();
  const source = metricsStatusSource({
    read: (name) => metrics.read(name),
    endpoints: () => ["local", "backup"],
    queue: () => ({ local: { active: 1, waiting: 2 } }),
    connected: () => true,
    shards: () => [{ id: 0, up: true }, { id: 1, up: false }],
  });
  const snapshot = await source.snapshot();
  assert.equal(
    snapshot.turns_total,
    3,
    "ignored and unrouted messages are not turns",
  );
  assert.deepEqual(snapshot.gateway, {
    state: "connected (READY)",
    shards: [{ id: 0, state: "ready" }, { id: 1, state: "down" }],
    reconnects: 1,
  });
  assert.deepEqual(snapshot.endpoints, [
    {
      name: "local",
      replies_total: 2,
      errors_total: 0,
      active: 1,
      waiting: 2,
      first_token_count: 2,
      first_token_sum_seconds: 1,
    },
    {
      name: "backup",
      replies_total: 0,
      errors_total: 1,
      active: 0,
      waiting: 0,
      first_token_count: 0,
      first_token_sum_seconds: 0,
    },
  ]);
});
