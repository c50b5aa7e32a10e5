/**
 * The buttons under a reply: Stop while it streams, Regenerate once it is
 * the conversation's latest answer. Their ids name the action and the turn
 * (the id of the message that asked); see `custom_id.ts`.
 *
 * @module
 */

import type { ReplyButton } from "../discord_port.ts";
import { customId } from "./custom_id.ts";

/** The Stop button of a turn. */
export function stopButton(turn_id: string): ReplyButton {
  return {
    custom_id: customId("stop", turn_id),
    label: "Stop",
    style: "danger",
    emoji: "⏹️",
  };
}

/** The Regenerate button of a turn. */
export function regenerateButton(turn_id: string): ReplyButton {
  return {
    custom_id: customId("regen", turn_id),
    label: "Regenerate",
    style: "secondary",
    emoji: "🔄",
  };
}
