-- 0006_message_images (PostgreSQL): see 0006_message_images.sql. The images
-- of a user message as references (name, attachment URL, size), deleted with
-- their message.
CREATE TABLE message_images (
  message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  PRIMARY KEY (message_id, position)
);
