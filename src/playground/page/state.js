// The page's state, shared by its modules.
import { $ } from "./dom.js";

/** What the page knows: the config view, the turns, the last bot message. */
export const state = {
  view: null,
  config: null,
  turns: [],
  lastBotId: "",
  busy: false,
  lastAuthor: "",
};

/** The place picked in "Where", or null. */
export function currentPlace() {
  const value = $("place").value;
  if (!state.view) return null;
  return state.view.places.find((p) => String(p.place) === value) ?? null;
}

/** The display name of the picked persona. */
export function personaName() {
  const name = $("persona").value;
  const persona = state.view?.personas.find((p) => p.name === name);
  return persona?.display_name ?? name ?? "Bot";
}
