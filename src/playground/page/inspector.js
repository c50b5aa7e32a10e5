// The inspector panel: what the model was sent for one turn, the budget,
// what was left out, the raw stream and the timings.
import { $, clock, el, fmtMs } from "./dom.js";

/** Shows one turn's inspection record. */
export function showInspection(turn) {
  const data = turn.inspection;
  if (!data) return;
  $("inspector-empty").hidden = true;
  $("inspector").hidden = false;
  $("inspector-turn").textContent = `Turn “${
    turn.text.slice(0, 60)
  }” · persona ${data.persona} · ${data.endpoint} · ${data.model}`;
  const stages = data.stages.map((s) => [`stage ${s.name}`, fmtMs(s.ms)]);
  const tokens = data.usage
    ? `${data.usage.prompt_tokens} prompt · ${data.usage.completion_tokens} reply`
    : "not reported";
  const rows = [
    ["time to first token", fmtMs(data.first_token_ms)],
    [
      "tokens per second",
      data.tokens_per_second === null
        ? "—"
        : `${data.tokens_estimated ? "≈ " : ""}${data.tokens_per_second}`,
    ],
    ["LLM total", fmtMs(data.total_ms)],
    ["waited for a slot", fmtMs(data.queued_ms)],
    ["tokens (server)", tokens],
    ["finish reason", data.finish_reason ?? "—"],
    ...stages,
    ["turn total", fmtMs(data.stages.reduce((n, s) => n + s.ms, 0))],
  ];
  $("timings").replaceChildren(
    ...rows.flatMap((
      [k, v],
    ) => [el("dt", { text: k }), el("dd", { text: String(v) })]),
  );
  for (const line of data.events) {
    $("timings").append(el("dt", { text: "event" }), el("dd", { text: line }));
  }
  showBudget(data.budget);
  $("request-messages").replaceChildren(
    ...data.messages.map((m) =>
      el("li", { class: `kind-${m.kind}` }, [
        el("div", { class: "head" }, [
          el("span", {
            text: `${
              m.kind === "current" ? "new message" : m.kind
            } · ${m.role}`,
          }),
          el("span", { text: `${m.tokens} tokens` }),
        ]),
        el("pre", { text: m.content }),
      ])
    ),
  );
  const leftOut = data.left_out;
  $("left-out-title").textContent = `Left out (${leftOut.length}${
    data.reset_at ? ", and everything before the last /reset" : ""
  })`;
  const reasons = {
    age: "older than max_age",
    count: "beyond max_messages",
    budget: "no room in the budget",
    reset: "before /reset",
  };
  $("left-out").replaceChildren(...leftOut.map((m) =>
    el("li", {}, [
      el("div", { class: "head" }, [
        el("span", {
          text: `${m.role} · ${m.author_name} · ${clock(m.created_at)}`,
        }),
        el("span", { text: reasons[m.reason] ?? m.reason }),
      ]),
      el("pre", { text: m.content }),
    ])
  ));
  if (data.reset_at) {
    $("left-out").append(
      el("li", {}, [
        el("pre", {
          text: `Everything before the /reset at ${
            clock(data.reset_at)
          } (reason: reset).`,
        }),
      ]),
    );
  }
  $("raw-reasoning").hidden = data.raw_reasoning === "";
  $("raw-reasoning").textContent = data.raw_reasoning
    ? `<reasoning>\n${data.raw_reasoning}\n</reasoning>`
    : "";
  $("raw-text").textContent = data.raw_text || "(no text)";
  $("request-body").textContent = JSON.stringify(data.body, null, 2);
}

function showBudget(budget) {
  const bar = $("budget");
  const legend = $("budget-legend");
  if (!budget) {
    bar.replaceChildren();
    legend.replaceChildren();
    return;
  }
  const parts = [
    ["system", "System prompt", budget.system],
    ["memory", "Memory (summary, notes)", budget.memory],
    ["history", "History", budget.history],
    ["current", "New message", budget.current],
    ["reserve", "Reserve for the reply", budget.reserve_tokens],
  ];
  const total = budget.context_tokens;
  bar.replaceChildren(
    ...parts.filter(([, , n]) => n > 0).map(([key, label, n]) => {
      const segment = el("span", {
        class: `seg-${key}`,
        title: `${label}: ${n} tokens`,
      });
      segment.style.width = `${(n / total * 100).toFixed(2)}%`;
      return segment;
    }),
  );
  const used = budget.system + budget.memory + budget.history + budget.current;
  bar.setAttribute(
    "aria-label",
    `Budget: ${used} of ${total} context tokens used by the prompt, ${budget.reserve_tokens} reserved for the reply`,
  );
  legend.replaceChildren(
    ...parts.map(([key, label, n]) =>
      el("li", {}, [
        el("i", { class: `seg-${key}`, "aria-hidden": "true" }),
        `${label} ${n}`,
      ])
    ),
    el("li", {
      text: `${
        budget.configured_context_tokens !== budget.context_tokens
          ? `the server serves ${budget.context_tokens} of the configured ${budget.configured_context_tokens} · `
          : ""
      }free ${
        Math.max(0, total - used - budget.reserve_tokens)
      } · context_tokens ${total} · max_tokens sent ${budget.max_tokens}`,
    }),
  );
}
