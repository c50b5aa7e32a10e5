/**
 * What the bot knows about channels: names (for the system prompt), the
 * server they belong to, and a thread's parent channel (threads inherit
 * their parent's binding). Filled from GUILD_CREATE, CHANNEL_* and THREAD_*
 * events; a channel it has not seen is looked up once through REST.
 *
 * @module
 */

/** One known channel or thread. */
export interface ChannelInfo {
  id: string;
  name: string;
  guild_id: string;
  /** The parent channel of a thread; "" otherwise. */
  parent_id: string;
  /** True for threads (whose parent holds the binding). */
  is_thread: boolean;
  /** Who created a thread ("" when unknown or not a thread): the bot for threads it opened. */
  owner_id?: string;
  /** An archived thread (a new message unarchives it unless it is locked). */
  archived?: boolean;
}

/** Discord channel types that are threads. */
const THREAD_TYPES = new Set([10, 11, 12]);

/** Whether a Discord channel type is a thread. */
export function isThreadType(type: number | undefined): boolean {
  return type !== undefined && THREAD_TYPES.has(type);
}

/** Channel and server names and thread parents; see the module doc. */
export class ChannelDirectory {
  readonly #channels = new Map<string, ChannelInfo>();
  readonly #guilds = new Map<string, string>();
  readonly #botRoles = new Map<string, Set<string>>();
  readonly #pending = new Map<string, Promise<ChannelInfo | null>>();
  readonly #fetch: (channel_id: string) => Promise<ChannelInfo | null>;

  /** `fetch` looks up an unknown channel (REST GET /channels/{id}); null when it cannot. */
  constructor(fetch: (channel_id: string) => Promise<ChannelInfo | null>) {
    this.#fetch = fetch;
  }

  /** Records or updates a channel. */
  setChannel(info: ChannelInfo): void {
    this.#channels.set(info.id, info);
  }

  /** Forgets a deleted channel. */
  deleteChannel(id: string): void {
    this.#channels.delete(id);
  }

  /** Records a server's name. */
  setGuild(id: string, name: string): void {
    this.#guilds.set(id, name);
  }

  /** Records a role Discord manages for the bot in a server (its tags name the bot). */
  addBotRole(guild_id: string, role_id: string): void {
    let roles = this.#botRoles.get(guild_id);
    if (roles === undefined) this.#botRoles.set(guild_id, roles = new Set());
    roles.add(role_id);
  }

  /** The bot's managed roles in a server (mentioning one mentions the bot). */
  botRoles(guild_id: string): string[] {
    return [...(this.#botRoles.get(guild_id) ?? [])];
  }

  /** A server's name, or "". */
  guildName(id: string): string {
    return this.#guilds.get(id) ?? "";
  }

  /** A known channel, without looking anything up. */
  known(id: string): ChannelInfo | undefined {
    return this.#channels.get(id);
  }

  /** A channel, looked up through REST the first time it is needed; null if Discord does not know it. */
  resolve(id: string): Promise<ChannelInfo | null> {
    const known = this.#channels.get(id);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      // Promise.resolve().then: a lookup that throws before returning a promise is a failed lookup too.
      pending = Promise.resolve().then(() => this.#fetch(id)).then((info) => {
        if (info !== null) this.#channels.set(id, info);
        return info;
      }).catch(() => null).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  /** How many channels are known. */
  get size(): number {
    return this.#channels.size;
  }
}
