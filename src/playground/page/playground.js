// The persona playground page: plain browser JavaScript, no build step.
// Talks to the playground server: GET /api/state, POST /api/line (answers as
// server-sent events), GET /api/events (config and status changes).
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  view: null,
  config: null,
  turns: [],
  lastBotId: "",
  busy: false,
  lastAuthor: "",
};

// The access token rides in a cookie after the first load: take it out of the address bar.
if (location.search.includes("token=")) {
  history.replaceState(null, "", location.pathname);
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "html") node.innerHTML = value; // server-rendered, escaped
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function clock(ms = Date.now()) {
  return new Date(ms).toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
  });
}

function fmtMs(ms) {
  if (ms === null || ms === undefined) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

// ---- config and pickers ----------------------------------------------------

function currentPlace() {
  const value = $("place").value;
  if (!state.view) return null;
  return state.view.places.find((p) => String(p.place) === value) ?? null;
}

function fillPickers() {
  const view = state.view;
  const place = $("place");
  const before = place.value;
  place.replaceChildren(
    ...view.places.map((p) =>
      el("option", { value: String(p.place), text: p.label })
    ),
  );
  if ([...place.options].some((o) => o.value === before)) place.value = before;
  fillPersonas();
}

function fillPersonas(chosen) {
  const place = currentPlace();
  const select = $("persona");
  const previous = chosen ?? select.dataset.chosen ?? "";
  select.replaceChildren();
  if (!place) {
    $("place-info").textContent =
      "No binding and DMs off: nothing answers in this config.";
    return;
  }
  for (const name of place.personas) {
    const persona = state.view.personas.find((p) => p.name === name);
    select.append(
      el("option", {
        value: name,
        text: persona ? `${persona.display_name} (${name})` : name,
      }),
    );
  }
  select.value = place.personas.includes(previous) ? previous : place.persona;
  const admin = state.view.admins_configured
    ? ""
    : " · no admin roles configured, so Admin changes nothing";
  $("place-info").textContent = `Trigger: ${
    place.trigger.join(", ")
  } · scope: ${place.scope} · budget: ${place.budget}${admin}`;
}

function showConfig(config) {
  state.config = config;
  const badge = $("config-badge");
  const name = config.file.split("/").pop();
  badge.className = `badge ${config.ok ? "ok" : "bad"}`;
  badge.textContent = config.ok
    ? `✓ ${name} is valid`
    : `✗ ${name} has problems — the last good config keeps running`;
  $("config-state").textContent = config.ok
    ? `${config.file}: ${config.summary} (checked ${clock(config.checked_at)})`
    : `Rejected at ${clock(config.checked_at)}. Running: ${config.summary}`;
  const report = $("config-report");
  report.hidden = config.ok;
  report.textContent = config.ok ? "" : config.report;
}

// ---- messages --------------------------------------------------------------

function addRow(row) {
  const list = $("messages");
  list.append(row);
  list.scrollTop = list.scrollHeight;
  return row;
}

function messageRow({ author, bot, html, continued, info }) {
  const content = el("div", { class: "content", html });
  const meta = el("div", { class: "meta" }, [
    el("span", { class: "author", text: author }),
    ...(bot ? [el("span", { class: "tag", text: "BOT" })] : []),
    el("span", { class: "when", text: clock() }),
    ...(info ? [info] : []),
  ]);
  const row = el("li", { class: `message${continued ? " continued" : ""}` }, [
    el("div", {
      class: `avatar${bot ? "" : " user"}`,
      "aria-hidden": "true",
      text: author.slice(0, 1).toUpperCase(),
    }),
    el("div", {}, [meta, content]),
  ]);
  return row;
}

function systemLine(text, kind = "") {
  return addRow(el("li", { class: `system-line ${kind}`, text }));
}

function personaName() {
  const name = $("persona").value;
  const persona = state.view?.personas.find((p) => p.name === name);
  return persona?.display_name ?? name ?? "Bot";
}

// ---- one line --------------------------------------------------------------

async function sendLine(text) {
  const place = currentPlace();
  if (!place || state.busy) return;
  state.busy = true;
  $("send").disabled = true;
  const turn = { inspection: null, text, rows: [], started: Date.now() };
  const body = {
    place: place.place,
    user_id: $("user-id").value.trim(),
    user_name: $("user-name").value.trim(),
    admin: $("admin").checked,
    text,
    reply_to: state.lastBotId,
  };
  const isCommand = /^\/(reset|persona)\b/.test(text.trim());
  if (isCommand) {
    systemLine(`${body.user_name || "You"} used ${text.trim()}`, "command");
  }
  $("turn-status").textContent = "Sending…";
  try {
    const response = await fetch("/api/line", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      systemLine(`Not sent: ${(await response.text()).slice(0, 300)}`);
      return;
    }
    await readEvents(
      response.body,
      (event, data) => onTurnEvent(turn, event, data),
    );
  } catch (error) {
    systemLine(`Connection problem: ${error.message}`);
  } finally {
    state.busy = false;
    $("send").disabled = false;
  }
}

async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut = buffer.indexOf("\n\n");
    while (cut !== -1) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (data !== "") onEvent(event, JSON.parse(data));
      cut = buffer.indexOf("\n\n");
    }
  }
}

function onTurnEvent(turn, event, data) {
  const status = $("turn-status");
  switch (event) {
    case "user":
      addRow(
        messageRow({
          author: $("user-name").value || "You",
          bot: false,
          html: data.html,
        }),
      );
      break;
    case "typing":
      status.textContent = data.typing
        ? `${personaName()} is typing…`
        : "Streaming…";
      break;
    case "chunks":
      for (const message of data.messages) showChunk(turn, message, data.count);
      if (data.done) status.textContent = "Answer complete.";
      break;
    case "notice":
      addRow(
        messageRow({
          author: personaName(),
          bot: true,
          html: data.html ?? data.text,
        }),
      )
        .classList.add("notice");
      break;
    case "command": {
      const row = addRow(
        messageRow({ author: personaName(), bot: true, html: data.html }),
      );
      row.classList.add("notice");
      if (/reset/i.test(turn.text) && !/^⛔|not/i.test(data.text)) markReset();
      const chosen = /^\/persona\s+(\S+)/.exec(turn.text.trim());
      if (chosen) $("persona").dataset.chosen = chosen[1];
      break;
    }
    case "inspection":
      turn.inspection = data;
      state.turns.push(turn);
      showInspection(turn);
      break;
    case "end":
      if (!["answered", "command", "failed"].includes(data.outcome)) {
        systemLine(
          `Not answered: ${data.outcome}${
            data.detail ? ` (${data.detail})` : ""
          }`,
        );
      }
      if (status.textContent.endsWith("…")) status.textContent = "";
      break;
  }
}

function showChunk(turn, message, count) {
  let row = turn.rows[message.index];
  const info = el("span", { class: "chunk-info" });
  if (!row) {
    row = messageRow({
      author: personaName(),
      bot: true,
      html: message.html,
      continued: message.index > 0,
      info,
    });
    const button = el("button", {
      class: "quiet",
      type: "button",
      text: "Inspect",
    });
    button.addEventListener("click", () => showInspection(turn));
    row.querySelector(".meta").append(button);
    turn.rows[message.index] = row;
    addRow(row);
    state.lastBotId = message.id;
  } else {
    row.querySelector(".content").innerHTML = message.html;
  }
  row.dataset.updates = String(Number(row.dataset.updates ?? "0") + 1);
  row.querySelector(".chunk-info").textContent = `message ${message.index + 1}${
    count > 1 ? ` of ${count}` : ""
  } · ${message.chars} chars`;
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

function markReset() {
  for (const row of $("messages").querySelectorAll(".message")) {
    row.classList.add("before-reset");
  }
  addRow(el("li", { class: "reset-line", "aria-label": "Conversation reset" }));
  state.lastBotId = "";
}

// ---- inspector -------------------------------------------------------------

function showInspection(turn) {
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
    ["tokens per second", data.tokens_per_second ?? "—"],
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
      text: `free ${
        Math.max(0, total - used - budget.reserve_tokens)
      } · context_tokens ${total} · max_tokens sent ${budget.max_tokens}`,
    }),
  );
}

// ---- status ----------------------------------------------------------------

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

function showStatus(report) {
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

// ---- start -----------------------------------------------------------------

function wire() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("composer-text").value;
    if (text.trim() === "") return;
    $("composer-text").value = "";
    sendLine(text);
  });
  $("composer-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("place").addEventListener("change", () => {
    state.lastBotId = "";
    fillPersonas();
  });
  $("persona").addEventListener("change", () => {
    sendLine(`/persona ${$("persona").value}`);
  });
  $("identity").addEventListener("submit", (event) => event.preventDefault());
  const toggle = (target) => {
    const spoiler = target.closest(".spoiler");
    if (!spoiler) return;
    spoiler.classList.toggle("revealed");
    spoiler.setAttribute(
      "aria-expanded",
      String(spoiler.classList.contains("revealed")),
    );
  };
  $("messages").addEventListener("click", (event) => toggle(event.target));
  $("messages").addEventListener("keydown", (event) => {
    if (
      (event.key === "Enter" || event.key === " ") &&
      event.target.closest(".spoiler")
    ) {
      event.preventDefault();
      toggle(event.target);
    }
  });
}

async function start() {
  wire();
  const response = await fetch("/api/state");
  if (!response.ok) {
    $("config-badge").textContent =
      "Not authorised: open the URL printed in the terminal.";
    return;
  }
  const data = await response.json();
  state.view = data.view;
  fillPickers();
  showConfig(data.config);
  showStatus(data.status);
  const events = new EventSource("/api/events");
  events.addEventListener("config", (event) => {
    const { state: config, view } = JSON.parse(event.data);
    state.view = view;
    fillPickers();
    showConfig(config);
  });
  events.addEventListener(
    "status",
    (event) => showStatus(JSON.parse(event.data)),
  );
}

start();
