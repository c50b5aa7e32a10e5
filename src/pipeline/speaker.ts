/**
 * Which persona answers a turn. In order: the persona that answered before,
 * for a rerun; the persona the message names (`webhooks: true` bindings,
 * see `addressed_persona.ts`); there, too, the persona whose message the
 * user replies to; then the one asked for with the message (`/ask
 * persona:`), the user's own `/persona` choice, the channel's
 * default, and the binding's persona. A persona no longer allowed in the
 * binding (a config reload) is skipped.
 *
 * @module
 */

import type { Store } from "../store/store.ts";
import { effectivePersona } from "./persona_choice.ts";
import type { TurnContext } from "./turn_context.ts";

/** The persona (key) that answers this turn; see the module doc. */
export async function chooseSpeaker(
  ctx: TurnContext,
  store: Store,
): Promise<string> {
  const { binding } = ctx.route;
  const usable = (name: string | null | undefined): name is string =>
    typeof name === "string" && binding.personas.includes(name) &&
    ctx.config.personas[name] !== undefined;
  if (usable(ctx.rerun?.persona)) return ctx.rerun.persona;
  if (usable(ctx.route.addressed)) return ctx.route.addressed;
  const reply = ctx.message.reply_to;
  if (
    binding.webhooks && reply !== null && reply.author_id === ctx.bot_user_id
  ) {
    const replied = await store.findMessageByExternalId(reply.message_id);
    if (replied?.role === "assistant" && usable(replied.persona)) {
      return replied.persona;
    }
  }
  // One persona to choose from: the stored choices cannot change the answer.
  if (onlyPersona(binding.personas, binding.persona)) return binding.persona;
  return (await effectivePersona(
    store,
    binding,
    ctx.message.author.id,
    ctx.message.persona,
  )).persona;
}

function onlyPersona(personas: readonly string[], persona: string): boolean {
  for (const name of personas) if (name !== persona) return false;
  return true;
}
