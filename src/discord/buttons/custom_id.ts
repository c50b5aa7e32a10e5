/**
 * The `custom_id` of every button the bot posts: a version, the action and
 * its arguments, joined by ":" — `v1:stop:<turn>`, `v1:regen:<turn>`. The
 * version lets a later release change an action's arguments and still
 * recognise (and politely refuse) buttons left on old messages. Discord
 * allows 100 characters; arguments are ids and short words, never text.
 *
 * @module
 */

/** The version written into new custom ids. */
export const CUSTOM_ID_VERSION = "v1";

/** Discord's limit on a component's `custom_id`. */
export const MAX_CUSTOM_ID_LENGTH = 100;

/** A decoded custom id. */
export interface ParsedCustomId {
  version: string;
  /** What the button does, e.g. "stop". */
  action: string;
  /** The action's arguments, e.g. the turn's message id. */
  args: string[];
}

const PART = /^[A-Za-z0-9_.-]+$/;

/** Builds a custom id; throws on a part that could not be read back. */
export function customId(action: string, ...args: string[]): string {
  for (const part of [action, ...args]) {
    if (!PART.test(part)) {
      throw new RangeError(
        `Cannot build a button id from "${part}": use letters, digits, _ . - only`,
      );
    }
  }
  const id = [CUSTOM_ID_VERSION, action, ...args].join(":");
  if (id.length > MAX_CUSTOM_ID_LENGTH) {
    throw new RangeError(
      `Cannot build a button id of ${id.length} characters: Discord allows ${MAX_CUSTOM_ID_LENGTH}`,
    );
  }
  return id;
}

/** Reads a custom id; null when it is not one of ours (any version). */
export function parseCustomId(id: unknown): ParsedCustomId | null {
  if (typeof id !== "string" || id.length > MAX_CUSTOM_ID_LENGTH) return null;
  const [version, action, ...args] = id.split(":");
  if (version === undefined || !/^v[0-9]+$/.test(version)) return null;
  if (action === undefined || !PART.test(action)) return null;
  if (!args.every((arg) => PART.test(arg))) return null;
  return { version, action, args };
}
