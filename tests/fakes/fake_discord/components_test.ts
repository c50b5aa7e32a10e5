import assert from "node:assert/strict";
import {
  ALICE,
  api,
  CHANNEL,
  connectIdentified,
  type Loose,
  SANITIZED,
  startFake,
} from "./test_support.ts";

const row = (...buttons: Loose[]) => ({ type: 1, components: buttons });
const button = (custom_id: string, label = "Stop") => ({
  type: 2,
  style: 4,
  label,
  custom_id,
});

Deno.test(
  "buttons: Discord's component rules are enforced on send and edit",
  SANITIZED,
  async () => {
    const fake = startFake({
      messageRateLimit: { limit: 100, windowMs: 5000 },
    });
    try {
      const send = (components: unknown) =>
        api(fake, "POST", `/channels/${CHANNEL}/messages`, {
          content: "hi",
          components,
        });
      const good = await send([row(button("v1:stop:1"))]);
      assert.equal(good.status, 200);
      assert.equal(
        good.json.components[0].components[0].custom_id,
        "v1:stop:1",
      );
      for (
        const bad of [
          [button("no-row")],
          [row()],
          [row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))],
          [row(button("x".repeat(101)))],
          [row(button("same"), button("same"))],
          [row({ type: 2, style: 1, custom_id: "nolabel" })],
          Array.from({ length: 6 }, (_, i) => row(button(`r${i}`))),
        ]
      ) {
        const refused = await send(bad);
        assert.deepEqual([refused.status, refused.json.code], [400, 50035]);
      }
      const edited = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${good.json.id}`,
        { components: [] },
      );
      assert.equal(edited.status, 200);
      assert.equal(edited.json.content, "hi");
      assert.deepEqual(fake.world.messages.get(good.json.id)?.components, []);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "buttons: a press dispatches a component interaction that may be deferred or update its message",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      const sent = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "streaming",
        components: [row(button("v1:stop:9"))],
      });
      assert.throws(
        () => fake.pressButton({ messageId: sent.json.id, customId: "nope" }),
        /has buttons/,
      );
      const press = fake.pressButton({
        messageId: sent.json.id,
        customId: "v1:stop:9",
      });
      const event = await client.nextDispatch("INTERACTION_CREATE");
      const d = event.d as Loose;
      assert.equal(d.type, 3);
      assert.deepEqual(d.data, { custom_id: "v1:stop:9", component_type: 2 });
      assert.equal(d.message.id, sent.json.id);
      assert.equal(d.member.user.id, ALICE);
      const update = await api(
        fake,
        "POST",
        `/interactions/${press.id}/${press.token}/callback`,
        { type: 7, data: { content: "stopped", components: [] } },
        null,
      );
      assert.equal(update.status, 204);
      const message = fake.world.messages.get(sent.json.id);
      assert.equal(message?.content, "stopped");
      assert.deepEqual(message?.components, []);
      assert.throws(
        () =>
          fake.pressButton({ messageId: sent.json.id, customId: "v1:stop:9" }),
        /has buttons \[\]/,
        "a removed button cannot be pressed",
      );
    } finally {
      await client.close();
      await fake.close();
    }
  },
);
