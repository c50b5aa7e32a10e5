import assert from "node:assert/strict";
import {
  ADMIN_ROLE,
  ALICE,
  api,
  CHANNEL,
  connectIdentified,
  GUILD,
  type Loose,
  SANITIZED,
  startFake,
  THREAD,
} from "./test_support.ts";

Deno.test(
  "threads: a thread started on a message takes its id, is the bot's, and is dispatched; Discord's rules apply",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      const asked = fake.sendUserMessage({ channelId: CHANNEL, content: "q" });
      const path = `/channels/${CHANNEL}/messages/${asked.id}/threads`;
      const noName = await api(fake, "POST", path, {});
      assert.deepEqual([noName.status, noName.json.code], [400, 50035]);
      const longName = await api(fake, "POST", path, { name: "x".repeat(101) });
      assert.equal(longName.json.code, 50035);
      const badArchive = await api(fake, "POST", path, {
        name: "q",
        auto_archive_duration: 5,
      });
      assert.equal(badArchive.json.code, 50035);
      const made = await api(fake, "POST", path, {
        name: "q",
        auto_archive_duration: 1440,
      });
      assert.equal(made.status, 200);
      assert.equal(made.json.id, asked.id);
      assert.equal(made.json.owner_id, fake.botId);
      assert.equal(made.json.parent_id, CHANNEL);
      const event = await client.nextDispatch("THREAD_CREATE");
      assert.equal((event.d as Loose).id, asked.id);
      const again = await api(fake, "POST", path, { name: "q" });
      assert.deepEqual([again.status, again.json.code], [400, 160004]);
      const inThread = await api(
        fake,
        "POST",
        `/channels/${THREAD}/messages/${asked.id}/threads`,
        { name: "q" },
      );
      assert.deepEqual(
        [inThread.status, inThread.json.code],
        [400, 50024],
        "no thread in a thread",
      );

      fake.archiveThread(asked.id, { locked: true });
      const locked = await api(fake, "POST", `/channels/${asked.id}/messages`, {
        content: "hi",
      });
      assert.deepEqual([locked.status, locked.json.code], [400, 50083]);
      fake.archiveThread(asked.id);
      const reopened = await api(
        fake,
        "POST",
        `/channels/${asked.id}/messages`,
        { content: "hi" },
      );
      assert.equal(reopened.status, 200);
      assert.equal(fake.world.channels.get(asked.id)?.archived, false);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "webhooks: Manage Webhooks to make and list them; executing posts under a name, in a thread, buttons only with with_components",
  SANITIZED,
  async () => {
    const fake = startFake({
      messageRateLimit: { limit: 7, windowMs: 60_000 },
    });
    try {
      const hooks = `/channels/${CHANNEL}/webhooks`;
      const refused = await api(fake, "POST", hooks, { name: "Personas" });
      assert.deepEqual([refused.status, refused.json.code], [403, 50013]);
      fake.setMemberRoles(GUILD, fake.botId, [ADMIN_ROLE]);
      const badName = await api(fake, "POST", hooks, { name: "my discord" });
      assert.equal(badName.json.code, 50035);
      const made = await api(fake, "POST", hooks, { name: "Personas" });
      assert.equal(made.status, 200);
      assert.equal(made.json.application_id, fake.applicationId);
      const listed = await api(fake, "GET", hooks);
      assert.deepEqual(listed.json.map((w: Loose) => w.id), [made.json.id]);

      const base = `/webhooks/${made.json.id}/${made.json.token}`;
      const button = {
        type: 1,
        components: [{ type: 2, style: 2, label: "Again", custom_id: "v1:x" }],
      };
      const posted = await api(fake, "POST", `${base}?wait=true`, {
        content: "Arr",
        username: "Pirate",
        avatar_url: "https://example.org/p.png",
        components: [button],
      }, null);
      assert.equal(posted.status, 200);
      assert.equal(posted.json.author.username, "Pirate");
      assert.equal(posted.json.webhook_id, made.json.id);
      assert.equal(posted.json.application_id, fake.applicationId);
      assert.deepEqual(
        posted.json.components,
        [],
        "ignored without with_components",
      );
      const withButtons = await api(
        fake,
        "POST",
        `${base}?wait=true&with_components=true&thread_id=${THREAD}`,
        { content: "Ahoy", username: "Pirate", components: [button] },
        null,
      );
      assert.equal(withButtons.json.channel_id, THREAD);
      assert.equal(withButtons.json.components.length, 1);
      const noWait = await api(fake, "POST", base, { content: "x" }, null);
      assert.equal(noWait.status, 204);
      const edited = await api(
        fake,
        "PATCH",
        `${base}/messages/${withButtons.json.id}?thread_id=${THREAD}&with_components=true`,
        { content: "Ahoy!", components: [] },
        null,
      );
      assert.equal(edited.json.content, "Ahoy!");
      assert.deepEqual(edited.json.components, []);
      const wrongPlace = await api(
        fake,
        "PATCH",
        `${base}/messages/${withButtons.json.id}`,
        { content: "nope" },
        null,
      );
      assert.equal(
        wrongPlace.json.code,
        10008,
        "a thread message needs thread_id",
      );
      const userMessage = fake.sendUserMessage({
        channelId: CHANNEL,
        content: "mine",
        authorId: ALICE,
      });
      const notItsOwn = await api(
        fake,
        "PATCH",
        `${base}/messages/${userMessage.id}`,
        { content: "x" },
        null,
      );
      assert.equal(notItsOwn.json.code, 10008);
      const badToken = await api(
        fake,
        "POST",
        `/webhooks/${made.json.id}/nope`,
        { content: "x" },
        null,
      );
      assert.equal(badToken.json.code, 10015);
      // Each webhook has its own limit: the eighth request in the window is a 429.
      const limited = await api(fake, "POST", base, { content: "y" }, null);
      assert.equal(limited.status, 429);
    } finally {
      await fake.close();
    }
  },
);
