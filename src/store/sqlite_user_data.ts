/**
 * One user's data in SQLite: what the data export lists (their messages,
 * persona choices and rate-limit counters) and what `forgetUser` deletes, in
 * one transaction. Used by {@link SqliteStore}.
 *
 * @module
 */

import type {
  StoredMessage,
  UserPersonaChoice,
  UserRateLimit,
} from "./store.ts";
import { type SqliteConnection, transaction } from "./sqlite_connection.ts";
import {
  messageFromRow,
  personaChoiceFromRow,
  userRateLimitFromRow,
} from "./sqlite_rows.ts";
import { userKeySegment } from "./rate_limit_key.ts";
import { requireUserId } from "./store_checks.ts";

/**
 * Messages the user wrote, every message of the user's own conversations
 * and the assistant replies linked to the user's messages, oldest first.
 */
export function messagesOfUser(
  connection: SqliteConnection,
  user_id: string,
): StoredMessage[] {
  requireUserId(user_id);
  return connection.statements.messagesOfUser.all({ user_id }).map((row) =>
    messageFromRow(row)
  );
}

/** The user's own persona choices, by binding key. */
export function personaChoicesOfUser(
  connection: SqliteConnection,
  user_id: string,
): UserPersonaChoice[] {
  requireUserId(user_id);
  return connection.statements.personaChoicesOfUser.all({ user_id }).map(
    personaChoiceFromRow,
  );
}

/** The rate-limit counters whose key holds `user:<id>`, by key. */
export function rateLimitsOfUser(
  connection: SqliteConnection,
  user_id: string,
): UserRateLimit[] {
  requireUserId(user_id);
  const segment = `:${userKeySegment(user_id)}:`;
  return connection.statements.rateLimitsOfUser.all({ segment }).map(
    userRateLimitFromRow,
  );
}

/**
 * Deletes, in one transaction, the summaries of the conversations the user
 * owns or wrote in (first, while their messages still tell which), their
 * notes and preferences, the assistant replies linked to the user's
 * messages (before the link is cleared), the user's messages, their own
 * conversations with every message in them, their persona choices and the
 * rate-limit counters whose key holds `user:<id>`. Returns the rows removed.
 */
export function forgetUser(
  connection: SqliteConnection,
  user_id: string,
): number {
  requireUserId(user_id);
  return transaction(connection, () => {
    const s = connection.statements;
    const segment = `:${userKeySegment(user_id)}:`;
    return [
      s.forgetSummaries.run({ user_id }),
      s.deleteNotes.run({ user_id }),
      s.forgetPreferences.run({ user_id }),
      s.forgetLinkedReplies.run({ user_id }),
      s.forgetAuthoredMessages.run({ user_id }),
      s.forgetConversationMessages.run({ user_id }),
      s.forgetConversations.run({ user_id }),
      s.forgetPersonas.run({ user_id }),
      s.forgetRateLimits.run({ segment }),
    ].reduce((sum, result) => sum + Number(result.changes), 0);
  });
}
