-- 0006_message_images: the images a user message carried, kept as references
-- (file name, the attachment URL Discord gave, declared size), never their
-- bytes. The context stage describes an older image as `[image: name]`, or —
-- with `attachments.history_images: true` — fetches it again from its URL
-- (Discord's URLs expire; a failed fetch leaves the description).
--
-- Applied by src/store/migrations.ts in one transaction together with
-- `PRAGMA user_version = 6`. Deleted with their message (retention,
-- forget-user, /forget-me).
CREATE TABLE message_images (
  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  PRIMARY KEY (message_id, position)
) STRICT, WITHOUT ROWID;
