import assert from "node:assert/strict";
import { api, CHANNEL, SANITIZED, startFake } from "./test_support.ts";

Deno.test(
  "edits and deletes change what messagesIn shows; others' messages are refused",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const sent = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "draft",
      });
      const id = sent.json.id as string;
      const edited = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${id}`,
        {
          content: "final",
        },
      );
      assert.equal(edited.status, 200);
      assert.equal(typeof edited.json.edited_timestamp, "string");
      assert.deepEqual(fake.contentsIn(CHANNEL), ["final"]);
      assert.deepEqual(fake.messagesIn(CHANNEL)[0]?.contentHistory, [
        "draft",
        "final",
      ]);
      const emptied = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${id}`,
        {
          content: "",
        },
      );
      assert.equal(emptied.json.code, 50006);
      const user = fake.sendUserMessage({
        channelId: CHANNEL,
        content: "mine",
      });
      const foreign = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${user.id}`,
        {
          content: "hijacked",
        },
      );
      assert.equal(foreign.status, 403);
      assert.equal(foreign.json.code, 50005);
      const deleted = await api(
        fake,
        "DELETE",
        `/channels/${CHANNEL}/messages/${id}`,
      );
      assert.equal(deleted.status, 204);
      assert.deepEqual(fake.contentsIn(CHANNEL), ["mine"]);
      const gone = await api(
        fake,
        "PATCH",
        `/channels/${CHANNEL}/messages/${id}`,
        { content: "x" },
      );
      assert.equal(gone.json.code, 10008);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "a missing permission answers 403 50013 for sends and typing",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      fake.setSendable(CHANNEL, false);
      const send = await api(fake, "POST", `/channels/${CHANNEL}/messages`, {
        content: "x",
      });
      assert.deepEqual([send.status, send.json.code], [403, 50013]);
      const typing = await api(fake, "POST", `/channels/${CHANNEL}/typing`);
      assert.equal(typing.status, 403);
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "multipart sends read payload_json and list the files as attachments",
  SANITIZED,
  async () => {
    const fake = startFake();
    try {
      const form = new FormData();
      form.append(
        "payload_json",
        JSON.stringify({ content: "", allowed_mentions: { parse: [] } }),
      );
      form.append("files[0]", new Blob(["hello"]), "hello.txt");
      const response = await fetch(
        `${fake.restBaseUrl}/v10/channels/${CHANNEL}/messages`,
        {
          method: "POST",
          headers: { authorization: `Bot ${fake.token}` },
          body: form,
        },
      );
      const json = await response.json();
      assert.equal(response.status, 200);
      assert.deepEqual(
        json.attachments.map((a: { filename: string }) => a.filename),
        ["hello.txt"],
      );
    } finally {
      await fake.close();
    }
  },
);
