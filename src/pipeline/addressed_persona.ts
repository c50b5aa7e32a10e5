/**
 * Speaking to one character by name. Where a binding lets several personas
 * speak under their own names (`webhooks: true`), a message that starts with
 * one of its personas' display names — "Pirate, where's the gold?",
 * "@Pirate: hi", "pirate! hey", "@Bot Pirate, hi" — is addressed to that persona: it is a turn
 * (like a mention) and that persona answers it. A longer name wins over a
 * shorter one that starts it ("Captain Pirate" over "Captain").
 *
 * @module
 */

import type { BindingConfig, Config } from "../config/config_types.ts";

/** The persona (key) a message is addressed to by name, or null. */
export function addressedPersona(
  content: string,
  binding: Pick<BindingConfig, "personas" | "webhooks">,
  config: Pick<Config, "personas">,
): string | null {
  if (!binding.webhooks) return null;
  // A leading mention (of the bot) may come first: "@Bot Pirate, hi".
  const text = content.replace(/^(?:\s*<@!?\d+>[\s,:]*)+/, "").trimStart()
    .replace(/^@/, "").toLowerCase();
  let best: { key: string; length: number } | null = null;
  for (const key of binding.personas) {
    const name = config.personas[key]?.display_name.trim().toLowerCase();
    if (!name || !text.startsWith(name)) continue;
    // The name must end where a word ends: "Pirate," yes, "Pirates" no.
    const after = text.slice(name.length, name.length + 1);
    if (after !== "" && /[\p{L}\p{N}_]/u.test(after)) continue;
    if (best === null || name.length > best.length) {
      best = { key, length: name.length };
    }
  }
  return best?.key ?? null;
}
