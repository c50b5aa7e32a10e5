/**
 * End to end: with `OTEL_DENO=true` the running bot sends each turn as one
 * trace to an OTLP/HTTP collector — the turn, a span per pipeline stage,
 * the LLM request with its figures, the Discord requests and the store
 * calls — and the log lines written during a turn carry its trace id, on
 * stdout and as OpenTelemetry log records.
 */
import assert from "node:assert/strict";
import { startFakeOtlpCollector } from "../fakes/fake_otlp_collector.ts";
import type { ReceivedSpan } from "../fakes/fake_otlp_collector.ts";
import {
  botMessages,
  CHANNEL,
  eventually,
  startHarness,
} from "./bot_harness.ts";

function traceOf(spans: ReceivedSpan[], root: ReceivedSpan): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === root.traceId);
}

Deno.test("one turn arrives at the collector as one trace with its stages, LLM request, Discord requests and store calls", async () => {
  await using collector = startFakeOtlpCollector();
  await using h = await startHarness({
    env: {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_SERVICE_NAME: "discord-bot-e2e",
    },
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> trace me`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).some((m) => m.content.startsWith("echo:")),
    10_000,
    "reply",
  );
  const spans = await collector.waitFor((all) => {
    const turn = all.find((s) => s.name === "turn");
    return turn !== undefined &&
      traceOf(all, turn).some((s) => s.name === "llm chat") &&
      traceOf(all, turn).some((s) => s.name === "discord.send");
  }, 15_000);
  const turn = spans.find((s) => s.name === "turn")!;
  assert.equal(turn.parentSpanId, "");
  assert.equal(turn.service, "discord-bot-e2e");
  assert.equal(turn.attributes["bot.outcome"], "answered");
  assert.equal(turn.attributes["bot.channel_id"], CHANNEL);
  const trace = traceOf(spans, turn);
  const names = new Set(trace.map((s) => s.name));
  for (
    const stage of ["auth", "context", "generation", "chunking"]
  ) {
    assert.ok(names.has(`stage ${stage}`), `no span for stage ${stage}`);
  }
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const stage = (name: string) =>
    trace.find((s) => s.name === `stage ${name}`)!;
  assert.equal(stage("auth").parentSpanId, turn.spanId);
  for (const name of ["context", "generation", "chunking"]) {
    const parent = byId.get(stage(name).parentSpanId)?.name ?? "";
    assert.match(parent, /^stage /, `stage ${name} runs inside ${parent}`);
  }

  const llm = trace.find((s) => s.name === "llm chat")!;
  assert.equal(byId.get(llm.parentSpanId)?.name, "stage generation");
  assert.equal(llm.attributes["bot.llm.endpoint"], "local");
  assert.equal(llm.attributes["gen_ai.request.model"], "test-model");
  assert.equal(
    typeof llm.attributes["bot.llm.time_to_first_token_ms"],
    "number",
  );
  assert.ok(Number(llm.attributes["gen_ai.usage.input_tokens"]) > 0);
  assert.ok(Number(llm.attributes["gen_ai.usage.output_tokens"]) > 0);
  assert.ok(llm.events.includes("first token"));

  assert.ok(names.has("discord.send"), "no span for the Discord send");
  const storeCalls = trace.filter((s) => s.name.startsWith("store."));
  assert.ok(
    storeCalls.some((s) => s.name === "store.addMessage"),
    `store spans: ${storeCalls.map((s) => s.name).join(", ")}`,
  );
  assert.ok(
    spans.filter((s) => s.name === "turn").length === 1,
    "one trace for one turn",
  );
});

Deno.test("a log line written during a turn carries the turn's trace id", async () => {
  await using collector = startFakeOtlpCollector();
  await using h = await startHarness({
    env: {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BLRP_SCHEDULE_DELAY: "200",
    },
  });
  h.llm.script({ status: 500 });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> fail me`,
  });
  const spans = await collector.waitFor(
    (all) => all.some((s) => s.name === "turn"),
    15_000,
  );
  const turn = spans.find((s) => s.name === "turn")!;
  const lines = h.output().split("\n").filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
  const failed = lines.find((l) =>
    String(l.message).startsWith("Reply failed")
  );
  assert.ok(failed, `no "Reply failed" line in:\n${h.output()}`);
  assert.equal(failed.properties.trace_id, turn.traceId);
  assert.match(failed.properties.span_id, /^[0-9a-f]{16}$/);
  const outside = lines.find((l) => String(l.message).startsWith("Loaded"));
  assert.equal(outside?.properties?.trace_id, undefined);

  const record = await eventually(
    () =>
      Promise.resolve(
        collector.logs().find((r) => r.body.includes("Reply failed")),
      ),
    10_000,
    "the log record at the collector",
  );
  assert.equal(record.traceId, turn.traceId);
  assert.equal(JSON.parse(record.body).properties.trace_id, turn.traceId);
});
