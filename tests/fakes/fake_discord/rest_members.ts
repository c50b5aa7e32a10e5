import { memberObject, userObject } from "./payloads.ts";
import { Errors, fail, ok } from "./rest_types.ts";
import type { RestRoute } from "./rest_types.ts";

/**
 * GET /guilds/{guild}/members/{user}: a member with its roles. A user is a
 * member of a fake guild when `memberRoles` lists them (possibly with no
 * roles); otherwise Discord's 404 Unknown Member (10007).
 */
export const memberRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/guilds/{guild}/members/{user}",
    auth: "bot",
    handle: (ctx) => {
      const guild = ctx.world.guilds.get(ctx.params.guild ?? "");
      if (!guild) return fail(Errors.unknownGuild);
      const userId = ctx.params.user ?? "";
      const user = ctx.world.users.get(userId);
      if (!user || !guild.memberRoles.has(userId)) {
        return fail(Errors.unknownMember);
      }
      return ok({ ...memberObject(guild, userId), user: userObject(user) });
    },
  },
];
