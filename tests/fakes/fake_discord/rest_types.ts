import type { DiscordError } from "./message_rules.ts";
import type { FakeMessage } from "./types.ts";
import type { FakeChannel, FakeWorld } from "./world.ts";

/** Things the REST side tells the rest of the fake about (the gateway echoes them). */
export interface RestEvents {
  messageCreated(message: FakeMessage): void;
  messageUpdated(message: FakeMessage): void;
  messageDeleted(message: FakeMessage): void;
  /** A thread was created or changed (archived, unarchived). */
  threadChanged(
    t: "THREAD_CREATE" | "THREAD_UPDATE",
    thread: FakeChannel,
  ): void;
}

/** Settings the REST handlers read. */
export interface RestSettings {
  /** Time allowed between INTERACTION_CREATE and the callback. */
  interactionDeadlineMs: number;
  /** The gateway URL announced by `GET /gateway/bot`. */
  gatewayUrl(): string;
  /** Called when `GET /gateway/bot` is served (the session-start counter is read there). */
  sessionStartRemaining(): number;
}

/** What a route handler gets. */
export interface RestContext {
  world: FakeWorld;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Files of a multipart request, as attachment objects. */
  attachments: unknown[];
  events: RestEvents;
  settings: RestSettings;
}

/** A handler's answer: a status and a JSON body (none for 204). */
export interface RestReply {
  status: number;
  body?: unknown;
}

/** One REST route of the fake. */
export interface RestRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** The path after `/api/v10`, with `{name}` for parameters. */
  path: string;
  /** `bot`: needs `Authorization: Bot <token>` and counts toward the global limit. */
  auth: "bot" | "none";
  /** Counts toward the per-channel message create/edit limit. */
  messageBucket?: boolean;
  /**
   * The rate-limit bucket of this request, when it has one other than the
   * channel's messages (a webhook's own: Discord limits each webhook); null: none.
   */
  bucket?(params: Record<string, string>, world: FakeWorld): string | null;
  handle(ctx: RestContext): RestReply | Promise<RestReply>;
}

/** A 200 with a JSON body. */
export function ok(body: unknown): RestReply {
  return { status: 200, body };
}

/** A 204 without a body. */
export function noContent(): RestReply {
  return { status: 204 };
}

/** An error answer with Discord's JSON error shape `{ message, code, errors? }`. */
export function fail(error: DiscordError): RestReply {
  const body: Record<string, unknown> = {
    message: error.message,
    code: error.code,
  };
  if (error.errors) body.errors = error.errors;
  return { status: error.status, body };
}

/** Discord's common errors. */
export const Errors = {
  unknownChannel: { status: 404, code: 10003, message: "Unknown Channel" },
  unknownGuild: { status: 404, code: 10004, message: "Unknown Guild" },
  unknownMember: { status: 404, code: 10007, message: "Unknown Member" },
  unknownMessage: { status: 404, code: 10008, message: "Unknown Message" },
  unknownWebhook: { status: 404, code: 10015, message: "Unknown Webhook" },
  unknownInteraction: {
    status: 404,
    code: 10062,
    message: "Unknown interaction",
  },
  alreadyAcknowledged: {
    status: 400,
    code: 40060,
    message: "Interaction has already been acknowledged.",
  },
  missingAccess: { status: 403, code: 50001, message: "Missing Access" },
  wrongChannelType: {
    status: 400,
    code: 50024,
    message: "Cannot execute action on this channel type",
  },
  threadArchived: { status: 400, code: 50083, message: "Thread is archived" },
  threadAlreadyCreated: {
    status: 400,
    code: 160004,
    message: "A thread has already been created for this message",
  },
  maxWebhooks: {
    status: 400,
    code: 30007,
    message: "Maximum number of webhooks reached (15)",
  },
  editOthers: {
    status: 403,
    code: 50005,
    message: "Cannot edit a message authored by another user",
  },
  missingPermissions: {
    status: 403,
    code: 50013,
    message: "Missing Permissions",
  },
  invalidJson: {
    status: 400,
    code: 50109,
    message: "The request body contains invalid JSON.",
  },
  unauthorized: { status: 401, code: 0, message: "401: Unauthorized" },
  notFound: { status: 404, code: 0, message: "404: Not Found" },
  methodNotAllowed: {
    status: 405,
    code: 0,
    message: "405: Method Not Allowed",
  },
} as const satisfies Record<string, DiscordError>;

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
