import assert from "node:assert/strict";
import { ManualClock } from "./clock.ts";
import {
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
  "interaction callback: once within the deadline, 10062 after it, 40060 twice",
  SANITIZED,
  async () => {
    const clock = new ManualClock();
    const fake = startFake({ clock, interactionDeadlineMs: 3000 });
    try {
      const callback = (id: string, token: string, body: unknown) =>
        api(fake, "POST", `/interactions/${id}/${token}/callback`, body, null);
      const onTime = fake.sendCommand({
        channelId: CHANNEL,
        commandName: "reset",
      });
      clock.advance(3000);
      const first = await callback(onTime.id, onTime.token, {
        type: 4,
        data: { content: "History cleared.", flags: 64 },
      });
      assert.equal(first.status, 204);
      const second = await callback(onTime.id, onTime.token, {
        type: 4,
        data: { content: "again" },
      });
      assert.deepEqual([second.status, second.json.code], [400, 40060]);
      assert.equal(
        second.json.message,
        "Interaction has already been acknowledged.",
      );
      const original = fake.messagesIn(CHANNEL).at(-1);
      assert.equal(original?.content, "History cleared.");
      assert.equal(original?.ephemeral, true);

      const late = fake.sendCommand({
        channelId: CHANNEL,
        commandName: "reset",
      });
      clock.advance(3001);
      const tooLate = await callback(late.id, late.token, { type: 5 });
      assert.deepEqual([tooLate.status, tooLate.json.code], [404, 10062]);
      const wrongToken = await callback(onTime.id, "nope", { type: 5 });
      assert.equal(wrongToken.json.code, 10062);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "deferred interaction: PATCH @original fills it, follow-ups add messages",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const interaction = fake.sendCommand({
        channelId: CHANNEL,
        commandName: "persona",
        options: [{ name: "name", value: "pirate" }],
      });
      const base = `/webhooks/${fake.applicationId}/${interaction.token}`;
      const early = await api(fake, "PATCH", `${base}/messages/@original`, {
        content: "x",
      }, null);
      assert.equal(early.json.code, 10008);
      const deferred = await api(
        fake,
        "POST",
        `/interactions/${interaction.id}/${interaction.token}/callback?with_response=true`,
        { type: 5, data: { flags: 64 } },
        null,
      );
      assert.equal(deferred.status, 200);
      assert.equal(deferred.json.interaction.response_message_loading, true);
      const edited = await api(fake, "PATCH", `${base}/messages/@original`, {
        content: "Persona set to pirate.",
      }, null);
      assert.equal(edited.status, 200);
      assert.equal(edited.json.flags, 64);
      const follow = await api(
        fake,
        "POST",
        base,
        { content: "one more thing" },
        null,
      );
      assert.equal(follow.status, 200);
      assert.deepEqual(fake.contentsIn(CHANNEL), [
        "Persona set to pirate.",
        "one more thing",
      ]);
      assert.deepEqual(fake.interaction(interaction.id)?.followUpIds, [
        follow.json.id,
      ]);
      const tooLong = await api(fake, "PATCH", `${base}/messages/@original`, {
        content: "z".repeat(2001),
      }, null);
      assert.equal(tooLong.json.code, 50035);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "autocomplete accepts only type 8 with at most 25 choices",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const callback = (body: unknown) => {
        const i = fake.sendAutocomplete({
          channelId: CHANNEL,
          commandName: "persona",
          options: [{ name: "name", value: "pi", focused: true }],
        });
        return api(
          fake,
          "POST",
          `/interactions/${i.id}/${i.token}/callback`,
          body,
          null,
        );
      };
      assert.equal(
        (await callback({ type: 4, data: { content: "no" } })).json.code,
        50035,
      );
      const choices = Array.from(
        { length: 26 },
        (_, i) => ({ name: `p${i}`, value: `p${i}` }),
      );
      assert.equal(
        (await callback({ type: 8, data: { choices } })).json.code,
        50035,
      );
      const good = await callback({
        type: 8,
        data: { choices: choices.slice(0, 2) },
      });
      assert.equal(good.status, 204);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "bulk command overwrite keeps ids of unchanged names and validates names",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const path =
        `/applications/${fake.applicationId}/guilds/${GUILD}/commands`;
      const commands = [
        { name: "reset", description: "Forget the conversation" },
        {
          name: "persona",
          description: "Switch persona",
          options: [
            {
              type: 3,
              name: "name",
              description: "Persona",
              required: true,
              autocomplete: true,
            },
          ],
        },
      ];
      const first = await api(fake, "PUT", path, commands);
      const second = await api(fake, "PUT", path, commands);
      assert.equal(first.status, 200);
      assert.deepEqual(
        second.json.map((c: { id: string }) => c.id),
        first.json.map((c: { id: string }) => c.id),
      );
      assert.equal(first.json[0].guild_id, GUILD);
      assert.deepEqual(fake.commands(GUILD).map((c) => c.name), [
        "reset",
        "persona",
      ]);
      const bad = await api(fake, "PUT", path, [{
        name: "Reset",
        description: "x",
      }]);
      assert.equal(bad.json.code, 50035);
      assert.ok(bad.json.errors["0"].name);
      const listed = await api(
        fake,
        "GET",
        `/applications/${fake.applicationId}/commands`,
      );
      assert.deepEqual(listed.json, []);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "INTERACTION_CREATE carries the member, token and registered command id",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      await api(fake, "PUT", `/applications/${fake.applicationId}/commands`, [
        { name: "reset", description: "Forget" },
      ]);
      const sent = fake.sendCommand({
        channelId: THREAD,
        commandName: "reset",
      });
      const frame = await client.nextDispatch("INTERACTION_CREATE");
      const d = frame.d as Loose;
      assert.deepEqual([d.id, d.token, d.type, d.channel_id, d.guild_id], [
        sent.id,
        sent.token,
        2,
        THREAD,
        GUILD,
      ]);
      assert.equal(d.data.id, fake.commands("global")[0]?.id);
      assert.equal(d.member.user.id, ALICE);
      assert.equal(d.channel.parent_id, CHANNEL);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);
