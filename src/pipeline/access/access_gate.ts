/**
 * The one access decision. Every entry point — messages (server channels,
 * threads and DMs), slash commands, their autocomplete, and buttons — asks
 * `AccessGate.decide` before anything else happens, so `access` means the
 * same thing everywhere. In a server the roles arrive with the event; in a
 * DM no roles arrive, so when `allow_roles` or `deny_roles` are set the
 * user's roles in the bound servers are looked up (and cached): when they
 * cannot be established the answer is the safe one, a refusal.
 *
 * @module
 */

import type { AccessConfig, Config } from "../../config/config_types.ts";
import { MemberRolesCache } from "./member_roles.ts";
import type { MemberRolesLookup } from "./member_roles.ts";

/** Who wants to use the bot, and where. */
export interface AccessSubject {
  user_id: string;
  /** The server, or "" for a DM. */
  guild_id: string;
  /** The roles that arrived with the event (empty in a DM). */
  role_ids: readonly string[];
}

/** The decision: allowed, or refused with a reason for logs. */
export type AccessVerdict = { allowed: true } | {
  allowed: false;
  reason: string;
};

/** Said to someone a command refuses (ephemeral in Discord). */
export const ACCESS_REFUSED = "⛔ You don't have access to this bot here.";

/** True when the access lists let a user with these roles in (no lookup). */
export function rolesAllowed(
  user_id: string,
  role_ids: readonly string[],
  access: AccessConfig,
): AccessVerdict {
  if (access.deny_users.includes(user_id)) {
    return { allowed: false, reason: "deny_users" };
  }
  if (role_ids.some((role) => access.deny_roles.includes(role))) {
    return { allowed: false, reason: "deny_roles" };
  }
  const restricted = access.allow_users.length > 0 ||
    access.allow_roles.length > 0;
  if (!restricted || access.allow_users.includes(user_id)) {
    return { allowed: true };
  }
  if (role_ids.some((role) => access.allow_roles.includes(role))) {
    return { allowed: true };
  }
  return { allowed: false, reason: "not in allow_users or allow_roles" };
}

/** What the gate needs. */
export interface AccessGateOptions {
  config: () => Config;
  now?: () => number;
  /** Looks up a user's roles in the bound servers (DMs); absent: unknown. */
  memberRoles?: MemberRolesLookup;
}

/** The access decision for every entry point; see the module doc. */
export class AccessGate {
  readonly #config: () => Config;
  readonly #roles: MemberRolesCache;

  constructor(options: AccessGateOptions) {
    this.#config = options.config;
    this.#roles = new MemberRolesCache(
      options.memberRoles ?? (() => Promise.resolve(null)),
      options.now ?? Date.now,
    );
  }

  /** Sets how DM role lookups are made (the Discord runtime, once it exists). */
  useMemberRoles(lookup: MemberRolesLookup): void {
    this.#roles.useLookup(lookup);
  }

  /** Decides whether `subject` may use the bot. Never rejects. */
  async decide(subject: AccessSubject): Promise<AccessVerdict> {
    const access = this.#config().access;
    const roleRules = access.allow_roles.length > 0 ||
      access.deny_roles.length > 0;
    if (subject.guild_id !== "" || !roleRules) {
      return rolesAllowed(subject.user_id, subject.role_ids, access);
    }
    // A DM: deny_users and allow_users need no roles.
    if (access.deny_users.includes(subject.user_id)) {
      return { allowed: false, reason: "deny_users" };
    }
    const roles = await this.#roles.get(subject.user_id);
    if (roles === null) {
      if (
        access.deny_roles.length === 0 &&
        access.allow_users.includes(subject.user_id)
      ) return { allowed: true };
      return {
        allowed: false,
        reason: "roles in the bound servers could not be established",
      };
    }
    return rolesAllowed(subject.user_id, roles, access);
  }
}
