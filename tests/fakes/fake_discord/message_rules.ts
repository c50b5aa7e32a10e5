import { checkComponents } from "./component_rules.ts";
import type { MessagePings } from "./types.ts";

/** A Discord error to answer with: HTTP status, JSON error code, message and field errors. */
export interface DiscordError {
  status: number;
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

/** Discord's limit on message content, in UTF-16 code units (stricter than Discord's code points). */
export const MAX_CONTENT_LENGTH = 2000;
const MAX_EMBEDS = 10;
const MAX_EMBED_DESCRIPTION = 4096;
const MAX_EMBED_TITLE = 256;
const PARSE_VALUES = new Set(["roles", "users", "everyone"]);

/**
 * A 400 "Invalid Form Body" (code 50035) whose `errors` nest the field path the way Discord
 * does: `{ content: { _errors: [{ code, message }] } }`.
 */
export function invalidFormBody(
  path: readonly (string | number)[],
  code: string,
  message: string,
): DiscordError {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [String(key)]: errors };
  return { status: 400, code: 50035, message: "Invalid Form Body", errors };
}

/** The 400 Discord answers when a message would have nothing in it (code 50006). */
export const EMPTY_MESSAGE: DiscordError = {
  status: 400,
  code: 50006,
  message: "Cannot send an empty message",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the fields of a message create or edit body against Discord's rules: content a string
 * of at most 2000 characters, at most 10 embeds with bounded title and description, and a
 * well-formed `allowed_mentions`. Returns the first problem, or null.
 */
export function checkMessageFields(body: unknown): DiscordError | null {
  if (!isRecord(body)) {
    return invalidFormBody(
      [],
      "DICT_TYPE_CONVERT",
      "Only dictionaries may be used in a DictType",
    );
  }
  const content = body.content;
  if (content !== undefined && content !== null) {
    if (typeof content !== "string") {
      return invalidFormBody(
        ["content"],
        "BASE_TYPE_STRING",
        "Must be a string.",
      );
    }
    if (content.length > MAX_CONTENT_LENGTH) {
      return invalidFormBody(
        ["content"],
        "BASE_TYPE_MAX_LENGTH",
        `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`,
      );
    }
  }
  const embeds = body.embeds;
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds)) {
      return invalidFormBody(
        ["embeds"],
        "BASE_TYPE_ARRAY",
        "Must be an array.",
      );
    }
    if (embeds.length > MAX_EMBEDS) {
      return invalidFormBody(
        ["embeds"],
        "BASE_TYPE_MAX_LENGTH",
        "Must be 10 or fewer in length.",
      );
    }
    for (const [i, embed] of embeds.entries()) {
      const e = isRecord(embed) ? embed : {};
      if (
        typeof e.description === "string" &&
        e.description.length > MAX_EMBED_DESCRIPTION
      ) {
        return invalidFormBody(
          ["embeds", i, "description"],
          "BASE_TYPE_MAX_LENGTH",
          `Must be ${MAX_EMBED_DESCRIPTION} or fewer in length.`,
        );
      }
      if (typeof e.title === "string" && e.title.length > MAX_EMBED_TITLE) {
        return invalidFormBody(
          ["embeds", i, "title"],
          "BASE_TYPE_MAX_LENGTH",
          `Must be ${MAX_EMBED_TITLE} or fewer in length.`,
        );
      }
    }
  }
  return checkAllowedMentions(body.allowed_mentions) ??
    checkComponents(body.components);
}

function checkAllowedMentions(value: unknown): DiscordError | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    return invalidFormBody(
      ["allowed_mentions"],
      "DICT_TYPE_CONVERT",
      "Only dictionaries may be used in a DictType",
    );
  }
  const parse = value.parse ?? [];
  if (
    !Array.isArray(parse) || parse.some((p) => !PARSE_VALUES.has(String(p)))
  ) {
    return invalidFormBody(
      ["allowed_mentions", "parse"],
      "BASE_TYPE_CHOICES",
      "Value must be one of {'roles', 'users', 'everyone'}.",
    );
  }
  for (const kind of ["users", "roles"] as const) {
    const list = value[kind];
    if (Array.isArray(list) && list.length > 0 && parse.includes(kind)) {
      return invalidFormBody(
        ["allowed_mentions"],
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
  return null;
}

/** Whether a message with these fields would be empty (Discord then answers 50006). */
export function isEmptyMessage(fields: {
  content: string;
  embeds: unknown[];
  attachments: unknown[];
  extra?: Record<string, unknown>;
}): boolean {
  if (
    fields.content.trim() !== "" || fields.embeds.length > 0 ||
    fields.attachments.length > 0
  ) {
    return false;
  }
  const extra = fields.extra ?? {};
  for (const key of ["sticker_ids", "components", "poll"]) {
    const value = extra[key];
    if (
      Array.isArray(value)
        ? value.length > 0
        : value !== undefined && value !== null
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Who a message pings: `@everyone`/`@here`, `<@id>`, `<@!id>` and `<@&id>` in its content,
 * filtered by `allowed_mentions` the way Discord does. Without `allowed_mentions` everything
 * parsed pings and a reply pings its target's author; with it, only what it allows.
 */
export function computePings(
  content: string,
  allowedMentions: unknown,
  isReply: boolean,
): MessagePings {
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? "");
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? "");
  const everyone = /@(everyone|here)\b/.test(content);
  if (!isRecord(allowedMentions)) {
    return {
      everyone,
      users: unique(users),
      roles: unique(roles),
      repliedUser: isReply,
    };
  }
  const parse = Array.isArray(allowedMentions.parse)
    ? allowedMentions.parse.map(String)
    : [];
  const allowUsers = Array.isArray(allowedMentions.users)
    ? allowedMentions.users.map(String)
    : [];
  const allowRoles = Array.isArray(allowedMentions.roles)
    ? allowedMentions.roles.map(String)
    : [];
  return {
    everyone: everyone && parse.includes("everyone"),
    users: unique(
      users.filter((id) => parse.includes("users") || allowUsers.includes(id)),
    ),
    roles: unique(
      roles.filter((id) => parse.includes("roles") || allowRoles.includes(id)),
    ),
    repliedUser: isReply && allowedMentions.replied_user === true,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
