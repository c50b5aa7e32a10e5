/**
 * Whether an update of a question asks it anew: the binding says
 * `on_edit: regenerate`, the asker made it, and the text changed. Discord
 * also sends updates for a link preview it adds or a thread started on the
 * message: same text, nothing to answer again.
 *
 * @module
 */

import type { Config } from "../../config/config_types.ts";
import type { IncomingMessage } from "../../pipeline/incoming_message.ts";
import { resolveRoute } from "../../pipeline/route.ts";
import {
  isEmptyMessage,
  withoutBotMention,
} from "../../pipeline/stages/auth_stage.ts";

/** True when `update` of the question `asked` is to be answered again; see the module doc. */
export function editAsksAnew(
  asked: IncomingMessage,
  update: IncomingMessage,
  config: Config,
  bot_user_id: string,
): boolean {
  if (update.author.id !== asked.author.id) return false;
  const route = resolveRoute({ ...asked, user_id: update.author.id }, config);
  if (route?.binding.on_edit !== "regenerate") return false;
  return withoutBotMention(update.content, bot_user_id) !==
      withoutBotMention(asked.content, bot_user_id) &&
    !isEmptyMessage(update, bot_user_id);
}
