/**
 * deploy/grafana-dashboard.json: every metric a panel queries is on the
 * running bot's /metrics page (a histogram's `_bucket` series included),
 * every label a panel groups by is on that metric's samples, and the panels
 * the README promises are there, each importable (a data source variable, no
 * hard-coded data source).
 */
import assert from "node:assert/strict";
import {
  botMessages,
  CHANNEL,
  eventually,
  startHarness,
} from "../e2e/bot_harness.ts";

const DASHBOARD = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../deploy/grafana-dashboard.json", import.meta.url),
  ),
);

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string; refId: string; datasource?: { uid?: string } }[];
}

const panels: Panel[] = DASHBOARD.panels.filter((p: Panel) => p.type !== "row");
const queries: string[] = [
  ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...DASHBOARD.templating.list
    .filter((v: { type: string }) => v.type === "query")
    .map((v: { definition: string }) => v.definition),
];

/** The metric names a PromQL expression reads. */
function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/\b((?:bot|process|nodejs)_[a-z0-9_]+)\b/g)].map(
    (m) => m[1]!,
  );
}

/** The labels an expression groups by. */
function groupLabelsOf(expr: string): string[] {
  return [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) =>
    m[1]!.split(",").map((l) => l.trim())
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("the dashboard has the promised panels, each on the data source variable", () => {
  const titles = panels.map((p) => p.title);
  for (
    const title of [
      "Turns by outcome",
      "Latency by stage (p95)",
      "Time to first token by endpoint",
      "LLM queue depth",
      "429s and refused turns",
      "Gateway reconnects",
    ]
  ) {
    assert.ok(titles.includes(title), `no panel "${title}"`);
  }
  const ids = DASHBOARD.panels.map((p: Panel) => p.id);
  assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
  for (const panel of panels) {
    assert.equal(panel.datasource?.uid, "${datasource}", panel.title);
    for (const target of panel.targets ?? []) {
      assert.equal(target.datasource?.uid, "${datasource}", panel.title);
    }
  }
  assert.ok(
    DASHBOARD.templating.list.some((v: { type: string; name: string }) =>
      v.type === "datasource" && v.name === "datasource"
    ),
  );
});

Deno.test("every metric and grouping label the dashboard queries is on the running bot's /metrics", async () => {
  const port = freePort();
  await using h = await startHarness({ env: { HEALTH_PORT: String(port) } });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> fill the dashboard`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).some((m) => m.content.startsWith("echo:")),
    10_000,
    "reply",
  );
  const page = await eventually(
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`))
        .text();
      return text.includes("bot_turns_total{") ? text : undefined;
    },
    10_000,
    "the turn in /metrics",
  );
  const samples = page.split("\n").filter((l) =>
    l !== "" && !l.startsWith("#")
  );
  const types = new Map(
    [...page.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const labelsOn = (metric: string) =>
    new Set(
      samples.filter((l) => l.startsWith(`${metric}{`)).flatMap((l) =>
        [...l.matchAll(/([a-z_]+)="/g)].map((m) => m[1]!)
      ),
    );
  assert.ok(queries.length >= 10);
  for (const expr of queries) {
    const metrics = metricsOf(expr);
    assert.ok(metrics.length > 0, `no metric in ${expr}`);
    for (const metric of metrics) {
      const family = metric.replace(/_(bucket|sum|count)$/, "");
      assert.ok(
        types.has(metric) ||
          (types.get(family) === "histogram" && family !== metric),
        `${metric} (queried by ${expr}) is not on /metrics`,
      );
    }
    for (const label of groupLabelsOf(expr)) {
      if (label === "instance") continue; // added by Prometheus at scrape
      const seen = metrics.filter((m) => labelsOn(m).size > 0);
      for (const metric of seen) {
        assert.ok(
          labelsOn(metric).has(label),
          `${metric} has no label "${label}" (grouped by in ${expr})`,
        );
      }
    }
  }
});
