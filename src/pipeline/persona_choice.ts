/**
 * Which persona answers: the one asked for with the message (`/ask
 * persona:`) when the binding allows it, else the caller's own choice in this binding, else the
 * channel default an admin set, else the binding's `persona`. A stored
 * choice the config no longer allows is skipped, never an error.
 *
 * @module
 */

import type { Store } from "../store/store.ts";
import type { ResolvedBinding } from "./route.ts";

/** Where the effective persona came from. */
export type PersonaSource = "request" | "user" | "channel" | "binding";

/** The effective persona for one user in one binding, and where it came from. */
export async function effectivePersona(
  store: Store,
  binding: ResolvedBinding,
  user_id: string,
  requested?: string,
): Promise<{ persona: string; source: PersonaSource }> {
  if (requested !== undefined && binding.personas.includes(requested)) {
    return { persona: requested, source: "request" };
  }
  const own = await store.getPersonaChoice({
    binding_key: binding.key,
    user_id,
  });
  if (own !== null && binding.personas.includes(own)) {
    return { persona: own, source: "user" };
  }
  const channel = await store.getPersonaChoice({
    binding_key: binding.key,
    user_id: "",
  });
  if (channel !== null && binding.personas.includes(channel)) {
    return { persona: channel, source: "channel" };
  }
  return { persona: binding.persona, source: "binding" };
}
