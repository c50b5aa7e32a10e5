// The status panel (served by `deno task start`): gateway, endpoints and
// small live charts from the same numbers as /metrics.
import { $, el, fmtMs } from "./dom.js";

function spark(svg, values, label) {
  const numbers = values.map((v) => (v === null || v === undefined ? 0 : v));
  const max = Math.max(1, ...numbers);
  const step = numbers.length > 1 ? 120 / (numbers.length - 1) : 120;
  const points = numbers.map((v, i) =>
    `${(i * step).toFixed(1)},${(29 - (v / max) * 27).toFixed(1)}`
  ).join(" ");
  svg.innerHTML = "";
  const line = document.createElementNS(
    "http://www.w3.org/2000/svg",
    "polyline",
  );
  line.setAttribute("points", points || "0,29 120,29");
  svg.append(line);
  const last = numbers.at(-1) ?? 0;
  svg.setAttribute(
    "aria-label",
    `${label}: now ${last}, highest ${max} over the last ${numbers.length} samples`,
  );
}

/** Shows a status report. */
export function showStatus(report) {
  if (!report) return;
  $("status-panel").hidden = false;
  const gateway = report.gateway;
  $("gateway").textContent = gateway
    ? `Gateway: ${gateway.state} · ${gateway.reconnects} reconnects${
      gateway.shards.length
        ? ` · shards ${
          gateway.shards.map((s) => `${s.id} ${s.state}`).join(", ")
        }`
        : ""
    }`
    : "Gateway: not connected to Discord";
  $("endpoints").replaceChildren(...report.endpoints.map((e) =>
    el("tr", {}, [
      el("td", { text: e.name }),
      el("td", {
        text: e.healthy === null ? "unknown" : e.healthy ? "✓ ok" : "✗ failing",
      }),
      el("td", { text: String(e.active) }),
      el("td", { text: String(e.waiting) }),
      el("td", { text: fmtMs(e.recent_first_token_ms) }),
    ])
  ));
  const points = report.points;
  spark(
    $("chart-turns"),
    points.map((p) => p.turns_per_minute),
    "Turns per minute",
  );
  spark($("chart-queue"), points.map((p) => p.queue_depth), "Queue depth");
  spark(
    $("chart-ttft"),
    points.map((p) => {
      const values = Object.values(p.first_token_ms).filter((v) => v !== null);
      return values.length ? Math.max(...values) : null;
    }),
    "Time to first token in ms",
  );
}
