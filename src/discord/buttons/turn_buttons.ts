/**
 * The Stop and Regenerate buttons of a reply (`v1:stop:<turn>`,
 * `v1:regen:<turn>`). Only the person who asked, or an admin, may press
 * them; anyone else gets an ephemeral refusal (the access decision has run
 * before, in the router). Stop ends the running answer and keeps its text;
 * Regenerate answers the same question again over the conversation's latest
 * reply. A button that no longer applies says so and is taken off.
 *
 * @module
 */

import type { Config } from "../../config/config_types.ts";
import type { Logger } from "../../log/logging.ts";
import type { TurnControls } from "../../pipeline/controls/turn_controls.ts";
import type { DiscordTurns } from "../turns/discord_turns.ts";
import type { ButtonPress, ButtonRouter } from "./button_router.ts";

/** Said to someone who did not ask and is not an admin. */
export const NOT_YOURS =
  "Only the person who asked (or an admin) can use this button.";
/** Said when Stop comes after the answer ended. */
export const ALREADY_DONE = "This answer has already finished.";
/** Said when Regenerate is pressed on a reply that is no longer the latest. */
export const NOT_LATEST = "Only the latest answer here can be regenerated.";
/** Said when Regenerate is pressed while the answer is still being written. */
export const STILL_RUNNING = "This answer is still being written.";

/** What the buttons need. */
export interface TurnButtonsDeps {
  turns: DiscordTurns;
  controls: TurnControls;
  config: () => Config;
  logger: Logger;
}

function mayControl(
  press: ButtonPress,
  asker_id: string,
  config: Config,
): boolean {
  if (press.user_id === asker_id) return true;
  return press.guild_id !== "" &&
    press.role_ids.some((role) => config.access.admin_roles.includes(role));
}

/** Waits for `settled`, or `ms` at most. */
async function settledWithin(
  settled: Promise<void>,
  ms: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    settled,
    new Promise<void>((resolve) => timer = setTimeout(resolve, ms)),
  ]);
  clearTimeout(timer);
}

/** Registers the `stop` and `regen` actions on the router. */
export function registerTurnButtons(
  router: ButtonRouter,
  deps: TurnButtonsDeps,
): void {
  router.on("stop", async (press, respond) => {
    const turn_id = press.custom_id.args[0] ?? "";
    const asker = deps.controls.askerOf(turn_id);
    if (asker === undefined) return await respond.ephemeral(ALREADY_DONE);
    if (!mayControl(press, asker, deps.config())) {
      return await respond.ephemeral(NOT_YOURS);
    }
    await respond.acknowledge();
    deps.controls.stop(turn_id, press.user_id);
  });

  router.on("regen", async (press, respond) => {
    const turn_id = press.custom_id.args[0] ?? "";
    if (deps.controls.askerOf(turn_id) !== undefined) {
      return await respond.ephemeral(STILL_RUNNING);
    }
    // A turn that just ended is being remembered: wait a moment (Discord wants an answer within 3 s).
    await settledWithin(deps.turns.settled(turn_id), 1_500);
    // Remembered since the start, or (after a restart) read back from the store.
    const shown = await deps.turns.current(turn_id) ??
      await deps.turns.restore(turn_id, {
        message_id: press.message_id,
        webhook_id: press.message_webhook_id,
        role_ids: press.role_ids,
        user_id: press.user_id,
      });
    // A newer turn of the conversation is on its way: this reply is about to be an older one.
    if (shown === undefined || deps.turns.newerTurnPending(shown)) {
      await respond.ephemeral(NOT_LATEST);
      return;
    }
    if (!mayControl(press, shown.asker_id, deps.config())) {
      return await respond.ephemeral(NOT_YOURS);
    }
    await respond.acknowledge();
    deps.logger.info("Regenerating the answer to {turn}", { turn: turn_id });
    await deps.turns.rerun(shown);
  });
}
