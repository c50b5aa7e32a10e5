-- 0003_durable_turns (PostgreSQL): see 0003_durable_turns.sql. Each triggered
-- user message with where its answer stands (waiting, running, answered,
-- partial, failed), the transport's payload to run it again, the reply's id
-- and its posted messages (JSON text); deleted with its message.
CREATE TABLE turns (
  message_id BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source <> ''),
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'answered', 'partial', 'failed')),
  reply_id BIGINT REFERENCES messages (id) ON DELETE SET NULL,
  posted TEXT NOT NULL DEFAULT '[]',
  received_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE INDEX turns_open ON turns (source, message_id)
  WHERE state IN ('waiting', 'running');

CREATE INDEX turns_by_reply ON turns (reply_id) WHERE reply_id IS NOT NULL;
