/**
 * One user's data in PostgreSQL: what the data export lists and what
 * `forgetUser` deletes, in one transaction. Used by {@link PostgresStore}.
 *
 * @module
 */

import type {
  StoredMessage,
  UserPersonaChoice,
  UserRateLimit,
} from "./store.ts";
import type { Sql } from "./postgres_connect.ts";
import { run } from "./postgres_queries.ts";
import {
  messageFromRow,
  personaChoiceFromRow,
  userRateLimitFromRow,
} from "./sqlite_rows.ts";
import { userKeySegment } from "./rate_limit_key.ts";
import { requireUserId } from "./store_checks.ts";

/** Messages the user wrote, their own conversations and the replies linked to them, oldest first. */
export async function messagesOfUser(
  sql: Sql,
  user_id: string,
): Promise<StoredMessage[]> {
  requireUserId(user_id);
  const rows = await run(sql, "messagesOfUser", [user_id]);
  return rows.map((row) => messageFromRow(row));
}

/** The user's own persona choices, by binding key. */
export async function personaChoicesOfUser(
  sql: Sql,
  user_id: string,
): Promise<UserPersonaChoice[]> {
  requireUserId(user_id);
  const rows = await run(sql, "personaChoicesOfUser", [user_id]);
  return rows.map(personaChoiceFromRow);
}

/** The rate-limit counters whose key holds `user:<id>`, by key. */
export async function rateLimitsOfUser(
  sql: Sql,
  user_id: string,
): Promise<UserRateLimit[]> {
  requireUserId(user_id);
  const segment = `:${userKeySegment(user_id)}:`;
  const rows = await run(sql, "rateLimitsOfUser", [segment]);
  return rows.map(userRateLimitFromRow);
}

/** Deletes everything stored about one user in one transaction; returns the rows removed. */
export async function forgetUser(sql: Sql, user_id: string): Promise<number> {
  requireUserId(user_id);
  const segment = `:${userKeySegment(user_id)}:`;
  return await sql.begin(async (tx) => {
    let total = 0;
    for (
      const name of [
        "forgetSummaries",
        "deleteNotes",
        "forgetPreferences",
        "forgetLinkedReplies",
        "forgetAuthoredMessages",
        "forgetConversationMessages",
        "forgetConversations",
        "forgetPersonas",
      ] as const
    ) {
      total += (await run(tx, name, [user_id])).count;
    }
    total += (await run(tx, "forgetRateLimits", [segment])).count;
    return total;
  }) as number;
}
