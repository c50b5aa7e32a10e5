/**
 * Fills the system prompt's variables: `{{date}}`, `{{time}}`, `{{user}}`,
 * `{{channel}}`, `{{server}}`, `{{persona}}` and `{{preferences}}` (the
 * speaker's /settings as an instruction; "" when they set none). Unknown
 * `{{names}}` are left as written, so a prompt that talks about templates is
 * not mangled. The user-controlled values (user, channel, server) go in
 * through `safeName`: one line, length-capped, no control characters and no
 * braces.
 *
 * @module
 */

import { safeName } from "../llm/safe_name.ts";

/** The values a system prompt can use. */
export interface PromptVariables {
  user: string;
  channel: string;
  server: string;
  persona: string;
  /** The speaker's preferences note ("" for none). */
  preferences?: string;
  /** The current time, epoch ms (from the injected clock). */
  now: number;
}

/** The prompt with its variables replaced. Dates and times are in UTC. */
export function renderSystemPrompt(
  template: string,
  vars: PromptVariables,
): string {
  const { date, time } = clockText(vars.now);
  const values: Record<string, string> = {
    date,
    time,
    user: safeName(vars.user),
    channel: safeName(vars.channel, "this channel"),
    server: safeName(vars.server, "this server"),
    persona: safeName(vars.persona, "the assistant"),
    preferences: vars.preferences ?? "",
  };
  return template.replace(
    /\{\{\s*([a-z]+)\s*\}\}/g,
    (whole, name: string) => values[name] ?? whole,
  );
}

// Turns in the same minute show the same date and time: formatted once.
let clock = { minute: NaN, date: "", time: "" };

function clockText(now: number): { date: string; time: string } {
  const minute = Math.floor(now / 60_000);
  if (minute !== clock.minute) {
    const iso = new Date(now).toISOString();
    clock = {
      minute,
      date: iso.slice(0, 10),
      time: `${iso.slice(11, 16)} UTC`,
    };
  }
  return clock;
}

/** True when the prompt places the preferences itself with `{{preferences}}`. */
export function placesPreferences(template: string): boolean {
  return /\{\{\s*preferences\s*\}\}/.test(template);
}
