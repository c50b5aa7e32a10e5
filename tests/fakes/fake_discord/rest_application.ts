import { type DiscordError, invalidFormBody } from "./message_rules.ts";
import { userObject } from "./payloads.ts";
import {
  Errors,
  fail,
  isRecord,
  ok,
  type RestContext,
  type RestReply,
  type RestRoute,
} from "./rest_types.ts";
import type { StoredCommand } from "./world.ts";

const CHAT_INPUT = 1;
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const MAX_COMMANDS = 100;

function applicationObject(ctx: RestContext): Record<string, unknown> {
  return {
    id: ctx.world.applicationId,
    name: ctx.world.bot.username,
    icon: null,
    description: "",
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: "0".repeat(64),
    flags: 1 << 19, // GATEWAY_MESSAGE_CONTENT_LIMITED
    bot: userObject(ctx.world.bot),
    team: null,
    approximate_guild_count: ctx.world.guilds.size,
    install_params: {
      scopes: ["bot", "applications.commands"],
      permissions: "0",
    },
  };
}

function checkOption(
  option: unknown,
  path: (string | number)[],
): DiscordError | null {
  if (!isRecord(option)) {
    return invalidFormBody(
      path,
      "DICT_TYPE_CONVERT",
      "Only dictionaries may be used in a DictType",
    );
  }
  if (typeof option.name !== "string" || !NAME.test(option.name)) {
    return invalidFormBody(
      [...path, "name"],
      "APPLICATION_COMMAND_INVALID_NAME",
      "Invalid name",
    );
  }
  if (
    typeof option.description !== "string" || option.description.length < 1 ||
    option.description.length > 100
  ) {
    return invalidFormBody(
      [...path, "description"],
      "BASE_TYPE_BAD_LENGTH",
      "Must be between 1 and 100 in length.",
    );
  }
  if (Array.isArray(option.choices) && option.choices.length > 25) {
    return invalidFormBody(
      [...path, "choices"],
      "BASE_TYPE_MAX_LENGTH",
      "Must be 25 or fewer in length.",
    );
  }
  if (
    option.autocomplete === true && Array.isArray(option.choices) &&
    option.choices.length
  ) {
    return invalidFormBody(
      [...path, "autocomplete"],
      "AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE",
      "Autocomplete and choices are mutually exclusive.",
    );
  }
  return null;
}

/** Checks one command of a bulk overwrite against Discord's rules for chat-input commands. */
function checkCommand(command: unknown, index: number): DiscordError | null {
  if (!isRecord(command)) {
    return invalidFormBody(
      [index],
      "DICT_TYPE_CONVERT",
      "Only dictionaries may be used",
    );
  }
  const type = command.type ?? CHAT_INPUT;
  if (
    typeof command.name !== "string" || !NAME.test(command.name) ||
    (type === CHAT_INPUT && command.name !== command.name.toLowerCase())
  ) {
    return invalidFormBody(
      [index, "name"],
      "APPLICATION_COMMAND_INVALID_NAME",
      "Command name is invalid",
    );
  }
  if (type === CHAT_INPUT) {
    const description = command.description;
    if (
      typeof description !== "string" || description.length < 1 ||
      description.length > 100
    ) {
      return invalidFormBody(
        [index, "description"],
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      );
    }
  }
  const options = command.options ?? [];
  if (!Array.isArray(options) || options.length > 25) {
    return invalidFormBody(
      [index, "options"],
      "BASE_TYPE_MAX_LENGTH",
      "Must be 25 or fewer in length.",
    );
  }
  let seenOptional = false;
  for (const [i, option] of options.entries()) {
    const problem = checkOption(option, [index, "options", i]);
    if (problem) return problem;
    const required = isRecord(option) && option.required === true;
    if (required && seenOptional) {
      return invalidFormBody(
        [index, "options", i, "required"],
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        "Required options must be placed before non-required options",
      );
    }
    seenOptional ||= !required;
  }
  return null;
}

function overwrite(ctx: RestContext, scope: string): RestReply {
  const body = ctx.body;
  if (!Array.isArray(body)) {
    return fail(invalidFormBody([], "BASE_TYPE_ARRAY", "Must be an array."));
  }
  if (body.length > MAX_COMMANDS) {
    return fail(
      invalidFormBody(
        [],
        "BASE_TYPE_MAX_LENGTH",
        "Must be 100 or fewer in length.",
      ),
    );
  }
  const seen = new Set<string>();
  for (const [i, command] of body.entries()) {
    const problem = checkCommand(command, i);
    if (problem) return fail(problem);
    const { name, type = CHAT_INPUT } = command as {
      name: string;
      type?: number;
    };
    if (seen.has(`${type}:${name}`)) {
      return fail(
        invalidFormBody(
          [i, "name"],
          "APPLICATION_COMMANDS_DUPLICATE_NAME",
          `Application command names must be unique`,
        ),
      );
    }
    seen.add(`${type}:${name}`);
  }
  const previous = ctx.world.commands.get(scope) ?? [];
  const stored = (body as Record<string, unknown>[]).map(
    (command): StoredCommand => {
      const type = typeof command.type === "number" ? command.type : CHAT_INPUT;
      const name = command.name as string;
      const old = previous.find((c) => c.name === name && c.type === type);
      return {
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        description: "",
        ...command,
        id: old?.id ?? ctx.world.ids.next(),
        application_id: ctx.world.applicationId,
        version: ctx.world.ids.next(),
        type,
        name,
        ...(scope === "global" ? {} : { guild_id: scope }),
      };
    },
  );
  ctx.world.commands.set(scope, stored);
  return ok(stored);
}

function commandScope(ctx: RestContext): string | DiscordError {
  if (ctx.params.application !== ctx.world.applicationId) {
    return Errors.missingAccess;
  }
  const guild = ctx.params.guild;
  if (guild === undefined) return "global";
  return ctx.world.guilds.has(guild) ? guild : Errors.unknownGuild;
}

function withScope(
  handler: (ctx: RestContext, scope: string) => RestReply,
): (ctx: RestContext) => RestReply {
  return (ctx) => {
    const scope = commandScope(ctx);
    return typeof scope === "string" ? handler(ctx, scope) : fail(scope);
  };
}

const listCommands = withScope((ctx, scope) =>
  ok(ctx.world.commands.get(scope) ?? [])
);
const putCommands = withScope(overwrite);

/** Session info, the bot's user and application, and the command bulk-overwrite routes. */
export const applicationRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/gateway",
    auth: "none",
    handle: (ctx) => ok({ url: ctx.settings.gatewayUrl() }),
  },
  {
    method: "GET",
    path: "/gateway/bot",
    auth: "bot",
    handle: (ctx) =>
      ok({
        url: ctx.settings.gatewayUrl(),
        shards: 1,
        session_start_limit: {
          total: 1000,
          remaining: ctx.settings.sessionStartRemaining(),
          reset_after: 14_400_000,
          max_concurrency: 1,
        },
      }),
  },
  {
    method: "GET",
    path: "/users/@me",
    auth: "bot",
    handle: (ctx) => ok(userObject(ctx.world.bot)),
  },
  {
    method: "GET",
    path: "/applications/@me",
    auth: "bot",
    handle: (c) => ok(applicationObject(c)),
  },
  {
    method: "GET",
    path: "/oauth2/applications/@me",
    auth: "bot",
    handle: (ctx) => ok(applicationObject(ctx)),
  },
  {
    method: "GET",
    path: "/applications/{application}/commands",
    auth: "bot",
    handle: listCommands,
  },
  {
    method: "PUT",
    path: "/applications/{application}/commands",
    auth: "bot",
    handle: putCommands,
  },
  {
    method: "GET",
    path: "/applications/{application}/guilds/{guild}/commands",
    auth: "bot",
    handle: listCommands,
  },
  {
    method: "PUT",
    path: "/applications/{application}/guilds/{guild}/commands",
    auth: "bot",
    handle: putCommands,
  },
];
