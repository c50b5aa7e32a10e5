/**
 * A user's roles in the servers the bot is bound to, for judging DMs (where
 * Discord sends no roles). Looked up through the transport's port and kept
 * for a few minutes, so a burst of DMs costs one lookup. A failed lookup
 * (network, Discord error) is remembered for a shorter time and reads as
 * "unknown".
 *
 * @module
 */

/**
 * Looks up the roles a user holds in the bound servers, all servers
 * together; `[]` when the user is in none of them, `null` when it cannot be
 * established (a failure). Implemented by the Discord runtime.
 */
export type MemberRolesLookup = (user_id: string) => Promise<string[] | null>;

/** How long a looked-up answer is kept. */
export const MEMBER_ROLES_TTL_MS = 5 * 60_000;
/** How long a failed lookup is remembered (then tried again). */
export const MEMBER_ROLES_FAILURE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  roles: string[] | null;
  until: number;
}

/** Cached member-role lookups; see the module doc. */
export class MemberRolesCache {
  #lookup: MemberRolesLookup;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<string[] | null>>();

  constructor(lookup: MemberRolesLookup, now: () => number) {
    this.#lookup = lookup;
    this.#now = now;
  }

  /** Replaces the lookup and forgets what the old one said. */
  useLookup(lookup: MemberRolesLookup): void {
    this.#lookup = lookup;
    this.#entries.clear();
  }

  /** The user's roles, or null when unknown. Never rejects. */
  get(user_id: string): Promise<string[] | null> {
    const entry = this.#entries.get(user_id);
    if (entry !== undefined && entry.until > this.#now()) {
      return Promise.resolve(entry.roles);
    }
    let pending = this.#pending.get(user_id);
    if (pending === undefined) {
      pending = Promise.resolve()
        .then(() => this.#lookup(user_id))
        .then((roles) => Array.isArray(roles) ? roles : null)
        .catch(() => null)
        .then((roles) => {
          if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
          this.#entries.set(user_id, {
            roles,
            until: this.#now() +
              (roles === null
                ? MEMBER_ROLES_FAILURE_TTL_MS
                : MEMBER_ROLES_TTL_MS),
          });
          return roles;
        })
        .finally(() => this.#pending.delete(user_id));
      this.#pending.set(user_id, pending);
    }
    return pending;
  }
}
