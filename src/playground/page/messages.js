// The conversation as Discord shows it: message rows, streamed chunks,
// resets, and the stored history of a place.
import { $, clock, el } from "./dom.js";
import { showInspection } from "./inspector.js";
import { currentPlace, personaName, state } from "./state.js";

/** Appends a row to the message list and scrolls to it. */
export function addRow(row) {
  const list = $("messages");
  list.append(row);
  list.scrollTop = list.scrollHeight;
  return row;
}

/** A message row: avatar, author, time, the rendered content. */
export function messageRow(
  { author, bot, html, text, continued, info, when },
) {
  // Server-rendered Markdown as markup; anything else only ever as text.
  const content = el(
    "div",
    html === undefined
      ? { class: "content", text }
      : { class: "content", html },
  );
  const meta = el("div", { class: "meta" }, [
    el("span", { class: "author", text: author }),
    ...(bot ? [el("span", { class: "tag", text: "BOT" })] : []),
    el("span", { class: "when", text: clock(when) }),
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

/** A line from the playground itself (not a Discord message). */
export function systemLine(text, kind = "") {
  return addRow(el("li", { class: `system-line ${kind}`, text }));
}

/** Shows one Discord message of a streamed reply, adding or updating its row. */
export function showChunk(turn, message, count) {
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

/** Greys out what a /reset left behind. */
export function markReset() {
  for (const row of $("messages").querySelectorAll(".message")) {
    row.classList.add("before-reset");
  }
  addRow(el("li", { class: "reset-line", "aria-label": "Conversation reset" }));
  state.lastBotId = "";
}

/** Sets the persona picker to the persona that answers this user here now. */
export async function syncPersona() {
  const place = currentPlace();
  if (!place) return;
  const query = new URLSearchParams({
    place: String(place.place),
    user_id: $("user-id").value.trim(),
    limit: "0",
  });
  const response = await fetch(`/api/history?${query}`);
  if (!response.ok) return;
  const { persona } = await response.json();
  if (persona) {
    $("persona").dataset.chosen = persona;
    $("persona").value = persona;
  }
}

/** Shows the place's stored conversation (the playground's own, since the last /reset). */
export async function loadHistory() {
  const place = currentPlace();
  $("messages").replaceChildren();
  state.lastBotId = "";
  if (!place) return;
  const query = new URLSearchParams({
    place: String(place.place),
    user_id: $("user-id").value.trim(),
  });
  const response = await fetch(`/api/history?${query}`);
  if (!response.ok) return;
  const { persona, messages: entries } = await response.json();
  if (persona) {
    $("persona").dataset.chosen = persona;
    $("persona").value = persona;
  }
  if (entries.length > 0) {
    systemLine(
      `The stored conversation here (${entries.length} messages since the last /reset):`,
    );
  }
  for (const entry of entries) {
    const bot = entry.role === "assistant";
    addRow(
      messageRow({
        author: entry.author_name || (bot ? "Bot" : "User"),
        bot,
        html: entry.html,
        when: entry.created_at,
      }),
    );
    if (bot && entry.id) state.lastBotId = entry.id;
  }
}
