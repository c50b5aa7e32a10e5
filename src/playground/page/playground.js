// The persona playground page: plain browser JavaScript modules, no build step.
// Talks to the playground server: GET /api/state, POST /api/line (answers as
// server-sent events), GET /api/events (config and status changes).
import { $, clock, el, readEvents } from "./dom.js";
import { showInspection } from "./inspector.js";
import {
  addRow,
  loadHistory,
  markReset,
  messageRow,
  showChunk,
  syncPersona,
  systemLine,
} from "./messages.js";
import { currentPlace, personaName, state } from "./state.js";
import { showStatus } from "./status_panel.js";

// The access token rides in a cookie after the first load: take it out of the address bar.
if (location.search.includes("token=")) {
  history.replaceState(null, "", location.pathname);
}

// ---- config and pickers ----------------------------------------------------

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
  showPersonaInfo();
}

function showPersonaInfo() {
  const persona = state.view?.personas.find((p) =>
    p.name === $("persona").value
  );
  $("persona-info").textContent = persona
    ? [
      `${persona.display_name}: ${persona.model} on ${persona.endpoint}`,
      `temperature ${persona.temperature ?? "server default"}`,
      `max_tokens ${persona.max_tokens ?? "the budget's reserve"}`,
      `reasoning ${persona.reasoning}`,
      persona.stream ? "streaming" : "not streaming",
    ].join(" · ")
    : "";
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
          ...(data.html === undefined
            ? { text: data.text }
            : { html: data.html }),
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
      if (/^\/persona\s+\S/.test(turn.text.trim())) {
        syncPersona().then(showPersonaInfo);
      }
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
  const refresh = () => loadHistory().then(showPersonaInfo);
  $("place").addEventListener("change", () => {
    fillPersonas();
    refresh();
  });
  $("user-id").addEventListener("change", refresh);
  $("persona").addEventListener("change", () => {
    showPersonaInfo();
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
  await loadHistory();
  showPersonaInfo();
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
