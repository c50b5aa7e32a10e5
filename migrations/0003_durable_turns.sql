-- 0003_durable_turns: every triggered message is a turn with a state, stored
-- the moment it arrives, so that a crash (kill -9, power cut of the process)
-- loses nothing: start-up recovery reads the turns that were waiting or
-- running, answers the young ones and closes the half-written replies.
--
-- Applied by src/store/migrations.ts in one transaction together with
-- `PRAGMA user_version = 3`. Messages stored before it have no turn row.

-- One triggered user message (message_id) and where its answer stands:
--   waiting   stored, queued behind other turns of its conversation
--   running   the pipeline is working on it (a reply may be streaming)
--   answered  the reply was delivered whole
--   partial   the reply was cut short (failure, shutdown, restart) and says so
--   failed    no reply came (refused, failed, or too old to answer after a crash)
-- source: the transport that took it ("discord", "terminal"); recovery reads
-- only its own. payload: what that transport needs to run the turn again
-- (JSON, opaque to the store). reply_id: the assistant message answering it.
-- posted: the reply's messages as the platform accepted them, JSON
-- [{"id": "...", "content": "..."}], rewritten after every accepted send or edit.
-- Deleting the user message (retention, forget-user) deletes its turn.
CREATE TABLE turns (
  message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source <> ''),
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'answered', 'partial', 'failed')),
  reply_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  posted TEXT NOT NULL DEFAULT '[]',
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- openTurns(): the few turns still waiting or running, oldest first. Partial:
-- finished turns (nearly all rows) are not in it.
CREATE INDEX turns_open ON turns (source, message_id)
  WHERE state IN ('waiting', 'running');

-- The foreign key's SET NULL when a reply is deleted.
CREATE INDEX turns_by_reply ON turns (reply_id) WHERE reply_id IS NOT NULL;
