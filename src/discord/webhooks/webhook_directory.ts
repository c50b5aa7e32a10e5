/**
 * The one webhook per channel through which personas post under their own
 * name and avatar (`webhooks: true`). It is looked up among the channel's
 * webhooks the first time a channel needs it (a restart reuses the one made
 * before) and created when there is none, then kept. Without Manage
 * Webhooks the channel falls back to the bot's own messages: that is
 * logged once per channel and tried again after a while, so granting the
 * permission later takes effect without a restart.
 *
 * @module
 */

import type { Logger } from "../../log/logging.ts";
import { DiscordRequestError } from "../discord_port.ts";

/** A webhook the bot can execute. */
export interface Webhook {
  id: string;
  token: string;
  channel_id: string;
}

/** The REST calls the directory makes (implemented over Discordeno). */
export interface WebhookLookup {
  /** The channel's webhooks that the bot's application created (with their tokens). */
  ownWebhooks(channel_id: string): Promise<Webhook[]>;
  create(channel_id: string, name: string): Promise<Webhook>;
}

/** The name the bot gives the webhooks it creates. */
export const WEBHOOK_NAME = "Personas";

/** How long a channel without the permission keeps using plain messages before trying again. */
export const RETRY_AFTER_MS = 10 * 60_000;

/** One webhook per channel; see the module doc. */
export class WebhookDirectory {
  readonly #lookup: WebhookLookup;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #hooks = new Map<string, Promise<Webhook | null>>();
  readonly #refusedAt = new Map<string, number>();
  readonly #warned = new Set<string>();

  constructor(lookup: WebhookLookup, logger: Logger, now = Date.now) {
    this.#lookup = lookup;
    this.#logger = logger;
    this.#now = now;
  }

  /** The channel's webhook, or null when the bot may not use one there (it then posts normally). */
  get(channel_id: string): Promise<Webhook | null> {
    const refused = this.#refusedAt.get(channel_id);
    if (refused !== undefined && this.#now() - refused < RETRY_AFTER_MS) {
      return Promise.resolve(null);
    }
    let hook = this.#hooks.get(channel_id);
    if (hook === undefined || refused !== undefined) {
      this.#refusedAt.delete(channel_id);
      hook = this.#find(channel_id);
      this.#hooks.set(channel_id, hook);
    }
    return hook;
  }

  /** Forgets a webhook that stopped working (deleted by a moderator): the next use finds or makes another. */
  forget(channel_id: string): void {
    this.#hooks.delete(channel_id);
  }

  async #find(channel_id: string): Promise<Webhook | null> {
    try {
      const existing = await this.#lookup.ownWebhooks(channel_id);
      return existing[0] ?? await this.#lookup.create(channel_id, WEBHOOK_NAME);
    } catch (error) {
      this.#hooks.delete(channel_id);
      this.#refusedAt.set(channel_id, this.#now());
      if (!this.#warned.has(channel_id)) {
        this.#warned.add(channel_id);
        const permission = error instanceof DiscordRequestError &&
          error.kind === "missing_permissions";
        this.#logger.warn(
          permission
            ? "Personas post as the bot in channel {channel}: the bot lacks Manage Webhooks there ({error})"
            : "Personas post as the bot in channel {channel}: its webhook could not be set up ({error})",
          { channel: channel_id, error },
        );
      }
      return null;
    }
  }
}
