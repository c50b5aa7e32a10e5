/**
 * `/reset` and `/persona`, shared by every transport (Discord's slash
 * commands and the terminal chat). They follow CONFIG.md: in a shared
 * conversation `/reset` is for everyone unless the binding says
 * `reset: admins`; in per-user conversations it resets the caller's own, and
 * an admin may reset the whole channel with `target: channel`. `/persona`
 * sets the caller's own persona, or, for an admin with `target: channel`,
 * the channel's default. Choices and resets are stored, so they survive
 * restarts. Every command, and the autocomplete, first passes the one
 * access decision (`AccessGate`): a refused caller gets `ACCESS_REFUSED` and
 * nothing changes.
 *
 * @module
 */

import type { Config } from "../../config/config_types.ts";
import type { Store } from "../../store/store.ts";
import { ACCESS_REFUSED, AccessGate } from "../access/access_gate.ts";
import { effectivePersona } from "../persona_choice.ts";
import { resolveRoute } from "../route.ts";
import type { Place, Route } from "../route.ts";

/** Who runs a command, and where. */
export interface CommandCaller extends Place {
  /** The caller's role ids in this server; empty in a DM. */
  role_ids: string[];
}

/** What the commands need. */
export interface CommandDeps {
  store: Store;
  config: () => Config;
  now(): number;
  /** The access decision shared with messages (default: one over `config`, no DM role lookup). */
  access?: AccessGate;
}

/**
 * The access decision for a command caller — the one function every
 * command entry point (slash commands, autocomplete, buttons, the terminal
 * chat) calls first. True when the caller may go on.
 */
export async function callerAllowed(
  deps: CommandDeps,
  caller: CommandCaller,
): Promise<boolean> {
  const gate = deps.access ??
    new AccessGate({ config: deps.config, now: deps.now });
  const verdict = await gate.decide({
    user_id: caller.user_id,
    guild_id: caller.guild_id,
    role_ids: caller.role_ids,
  });
  return verdict.allowed;
}

/** Said where no binding applies. */
export const NOT_BOUND =
  "I don't answer in this channel, so there is nothing to reset or switch here.";

/** True when the caller is an admin: a role in `access.admin_roles`; nobody in a DM. */
export function isAdmin(caller: CommandCaller, config: Config): boolean {
  if (caller.guild_id === "") return false;
  return caller.role_ids.some((role) =>
    config.access.admin_roles.includes(role)
  );
}

function displayName(config: Config, persona: string): string {
  return config.personas[persona]?.display_name ?? persona;
}

/** The personas allowed in a route, for messages: **Name** (`key`), … */
export function listPersonas(config: Config, route: Route): string {
  return route.binding.personas.map((p) =>
    `**${displayName(config, p)}** (\`${p}\`)`
  ).join(", ");
}

/** `/reset [target:channel]`: returns the text to show the caller. */
export async function resetCommand(
  deps: CommandDeps,
  caller: CommandCaller,
  target: "channel" | undefined,
): Promise<string> {
  if (!(await callerAllowed(deps, caller))) return ACCESS_REFUSED;
  const config = deps.config();
  const route = resolveRoute(caller, config);
  if (route === null) return NOT_BOUND;
  const admin = isAdmin(caller, config);
  const now = deps.now();
  if (route.binding.scope === "channel") {
    if (route.binding.reset === "admins" && !admin) {
      return "Only admins can reset this channel's conversation.";
    }
    await deps.store.resetConversation(route.conversation, now);
    return "🧹 Fresh start: the conversation in this channel has been reset for everyone.";
  }
  if (target === "channel") {
    if (!admin) {
      return "Only admins can reset everyone's conversations in this channel.";
    }
    const count = await deps.store.resetChannel(caller.channel_id, now);
    return `🧹 Fresh start for everyone: ${count} conversation${
      count === 1 ? "" : "s"
    } in this channel reset.`;
  }
  await deps.store.resetConversation(route.conversation, now);
  return "🧹 Fresh start: your conversation here has been reset.";
}

/** `/persona [name] [target:channel]`: shows or switches the persona; returns the text to show. */
export async function personaCommand(
  deps: CommandDeps,
  caller: CommandCaller,
  name: string | undefined,
  target: "channel" | undefined,
): Promise<string> {
  if (!(await callerAllowed(deps, caller))) return ACCESS_REFUSED;
  const config = deps.config();
  const route = resolveRoute(caller, config);
  if (route === null) return NOT_BOUND;
  const key = route.binding.key;
  if (name === undefined || name.trim() === "") {
    const current = await effectivePersona(
      deps.store,
      route.binding,
      caller.user_id,
    );
    const why = {
      request: "your choice",
      user: "your choice",
      channel: "this channel's default",
      binding: "the default here",
    }[
      current.source
    ];
    return `🎭 Answering you here: **${
      displayName(config, current.persona)
    }** (${why}).\nAvailable: ${listPersonas(config, route)}.`;
  }
  const wanted = resolvePersonaName(config, route, name.trim());
  if (wanted === null) {
    // Discord options may hold 6,000 characters; a reply holds 2,000.
    const shown = name.trim().length > 100
      ? `${name.trim().slice(0, 100)}…`
      : name.trim();
    return `There is no persona "${shown}" here. Available: ${
      listPersonas(config, route)
    }.`;
  }
  if (target === "channel") {
    if (!isAdmin(caller, config)) {
      return "Only admins can change this channel's default persona.";
    }
    await deps.store.setPersonaChoice(
      { binding_key: key, user_id: "" },
      wanted,
      deps.now(),
    );
    return `🎭 This channel's default persona is now **${
      displayName(config, wanted)
    }**.`;
  }
  await deps.store.setPersonaChoice(
    { binding_key: key, user_id: caller.user_id },
    wanted,
    deps.now(),
  );
  return `🎭 You are now talking to **${displayName(config, wanted)}** here.`;
}

/** Persona names allowed at the caller's place that match `typed` (autocomplete); none for a refused caller. */
export async function personaSuggestions(
  deps: CommandDeps,
  caller: CommandCaller,
  typed: string,
): Promise<{ name: string; value: string }[]> {
  if (!(await callerAllowed(deps, caller))) return [];
  const config = deps.config();
  const route = resolveRoute(caller, config);
  if (route === null) return [];
  const needle = typed.trim().toLowerCase();
  return route.binding.personas
    .filter((p) =>
      p.toLowerCase().includes(needle) ||
      displayName(config, p).toLowerCase().includes(needle)
    )
    .slice(0, 25)
    .map((p) => ({ name: displayName(config, p), value: p }));
}

/** Accepts a persona key or its display name, case-insensitively; null when not allowed here. */
/** The persona key a typed name (key or display name, any case) means in a route, or null. */
export function resolvePersonaName(
  config: Config,
  route: Route,
  name: string,
): string | null {
  const lower = name.toLowerCase();
  return route.binding.personas.find((p) =>
    p.toLowerCase() === lower || displayName(config, p).toLowerCase() === lower
  ) ?? null;
}
