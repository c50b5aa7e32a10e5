/**
 * Routes button presses (Discord component interactions) to their handlers
 * by the action in the `custom_id` (see `custom_id.ts`). Before any handler
 * runs, the presser goes through the bot's access decision; a refused
 * presser, a button of an unknown action or version, and a handler that
 * fails all get a short ephemeral answer, so no press is left "failed" in
 * the user's client. Handlers acknowledge the press themselves (within
 * Discord's 3 seconds) through the responder.
 *
 * @module
 */

import type { Logger } from "../../log/logging.ts";
import { CUSTOM_ID_VERSION, parseCustomId } from "./custom_id.ts";
import type { ParsedCustomId } from "./custom_id.ts";

/** One press of one of the bot's buttons. */
export interface ButtonPress {
  interaction_id: string;
  token: string;
  custom_id: ParsedCustomId;
  /** Who pressed it. */
  user_id: string;
  /** The presser's roles in this server; empty in a DM. */
  role_ids: string[];
  /** "" in a DM. */
  guild_id: string;
  channel_id: string;
  /** The message the button is on. */
  message_id: string;
  /** Set when that message was posted by a webhook (a persona's). */
  message_webhook_id?: string | undefined;
}

/** How a handler answers a press. */
export interface ButtonResponder {
  /** Acknowledges the press without changing the message yet (Discord: deferred update). */
  acknowledge(): Promise<void>;
  /** Answers the presser alone (Discord: an ephemeral message). */
  ephemeral(text: string): Promise<void>;
  /** Replaces the pressed message's text and removes its buttons (Discord: update message). */
  update(text: string): Promise<void>;
}

/** Handles the presses of one action. */
export type ButtonHandler = (
  press: ButtonPress,
  respond: ButtonResponder,
) => Promise<void>;

/** Whether a presser may use the bot at all (the one access decision). */
export type ButtonAccess = (
  press: ButtonPress,
) => Promise<{ allowed: boolean }>;

/** Said for a button of an action or version this bot does not know. */
export const STALE_BUTTON_NOTICE = "This button no longer works.";

/** Said to a presser the access lists keep out. */
export const BUTTON_ACCESS_REFUSED =
  "⛔ You don't have access to this bot here.";

/** Said when a handler failed. */
export const BUTTON_FAILED_NOTICE =
  "⚠️ Something went wrong on my side. Please try again.";

/** Presses by action; see the module doc. */
export class ButtonRouter {
  readonly #handlers = new Map<string, ButtonHandler>();
  readonly #access: ButtonAccess;
  readonly #logger: Logger;

  constructor(options: { access: ButtonAccess; logger: Logger }) {
    this.#access = options.access;
    this.#logger = options.logger;
  }

  /** Registers the handler of an action; one handler per action. */
  on(action: string, handler: ButtonHandler): void {
    if (this.#handlers.has(action)) {
      throw new Error(`Cannot register button action "${action}" twice`);
    }
    this.#handlers.set(action, handler);
  }

  /** Reads a raw custom id; null when it is not one of the bot's. */
  parse(raw: unknown): ParsedCustomId | null {
    return parseCustomId(raw);
  }

  /** Handles one press; never rejects. */
  async handle(press: ButtonPress, respond: ButtonResponder): Promise<void> {
    let answered = false;
    const once: ButtonResponder = {
      acknowledge: async () => {
        if (answered) return;
        answered = true;
        await respond.acknowledge();
      },
      ephemeral: async (text) => {
        if (answered) return;
        answered = true;
        await respond.ephemeral(text);
      },
      update: async (text) => {
        if (answered) return;
        answered = true;
        await respond.update(text);
      },
    };
    try {
      const handler = press.custom_id.version === CUSTOM_ID_VERSION
        ? this.#handlers.get(press.custom_id.action)
        : undefined;
      if (handler === undefined) {
        await once.ephemeral(STALE_BUTTON_NOTICE);
        return;
      }
      const verdict = await this.#access(press);
      if (!verdict.allowed) {
        await once.ephemeral(BUTTON_ACCESS_REFUSED);
        return;
      }
      await handler(press, once);
    } catch (error) {
      this.#logger.warn("Could not handle a {action} button: {error}", {
        action: press.custom_id.action,
        error,
      });
      await once.ephemeral(BUTTON_FAILED_NOTICE).catch(() => {});
    }
  }
}
