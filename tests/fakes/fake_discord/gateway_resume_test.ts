import assert from "node:assert/strict";
import { GatewayTestClient } from "./gateway_test_client.ts";
import {
  CHANNEL,
  connectIdentified,
  SANITIZED,
  startFake,
} from "./test_support.ts";

Deno.test(
  "RESUME replays the events missed while disconnected, then RESUMED",
  SANITIZED,
  async () => {
    const fake = startFake();
    const first = await connectIdentified(fake);
    const sessionId = first.ready.session_id as string;
    await first.client.nextDispatch("GUILD_CREATE");
    await first.client.close(4000);
    fake.sendUserMessage({ channelId: CHANNEL, content: "missed 1" });
    fake.createThread({
      id: "200000000000000009",
      parentId: CHANNEL,
      name: "new thread",
    });
    fake.sendUserMessage({ channelId: CHANNEL, content: "missed 2" });
    const client = await GatewayTestClient.connect(
      first.ready.resume_gateway_url,
    );
    try {
      await client.next((f) => f.op === 10);
      client.send({
        op: 6,
        d: { token: `Bot ${fake.token}`, session_id: sessionId, seq: 2 },
      });
      const replayed = [
        await client.next(),
        await client.next(),
        await client.next(),
      ];
      assert.deepEqual(replayed.map((f) => [f.t, f.s]), [
        ["MESSAGE_CREATE", 3],
        ["THREAD_CREATE", 4],
        ["MESSAGE_CREATE", 5],
      ]);
      assert.equal((replayed[2]?.d as { content: string }).content, "missed 2");
      const resumed = await client.next();
      assert.deepEqual([resumed.t, resumed.s], ["RESUMED", 6]);
      fake.sendUserMessage({ channelId: CHANNEL, content: "live" });
      assert.equal((await client.nextDispatch("MESSAGE_CREATE")).s, 7);
      assert.deepEqual(fake.gateway.resumes, [sessionId]);
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "op 9 and non-resumable close codes end the session; RESUME then gets op 9 false",
  SANITIZED,
  async (t) => {
    const fake = startFake();
    try {
      const tryResume = async (sessionId: string) => {
        const client = await GatewayTestClient.connect(fake.gatewayUrl);
        await client.next((f) => f.op === 10);
        client.send({
          op: 6,
          d: { token: fake.token, session_id: sessionId, seq: 1 },
        });
        const answer = await client.next();
        await client.close();
        return answer;
      };
      await t.step("invalidateSession(false)", async () => {
        const { client, ready } = await connectIdentified(fake);
        fake.gateway.invalidateSessions(false);
        assert.deepEqual(await client.next((f) => f.op === 9), {
          op: 9,
          d: false,
          s: null,
          t: null,
        });
        await client.close();
        assert.deepEqual(await tryResume(ready.session_id), {
          op: 9,
          d: false,
          s: null,
          t: null,
        });
      });
      await t.step("close 4009 session timed out", async () => {
        const { client, ready } = await connectIdentified(fake);
        fake.gateway.closeConnections(4009);
        assert.deepEqual(await client.closed, {
          code: 4009,
          reason: "Session timed out.",
        });
        assert.equal((await tryResume(ready.session_id)).op, 9);
      });
      await t.step("close 4000 keeps the session resumable", async () => {
        const { client, ready } = await connectIdentified(fake);
        fake.gateway.closeConnections(4000);
        assert.equal((await client.closed).code, 4000);
        const answer = await tryResume(ready.session_id);
        assert.equal(answer.t, "GUILD_CREATE");
      });
    } finally {
      await fake.close();
    }
  },
);

Deno.test(
  "sendRaw delivers malformed frames as is; dispatch sends any event",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client } = await connectIdentified(fake);
    try {
      fake.gateway.sendRaw("{definitely not json");
      fake.gateway.sendRaw({
        op: 0,
        t: "MESSAGE_CREATE",
        s: null,
        d: { id: 1 },
      });
      assert.equal(fake.dispatch("SOMETHING_NEW", { hello: "world" }), 1);
      const custom = await client.nextDispatch("SOMETHING_NEW");
      assert.deepEqual(custom.d, { hello: "world" });
      assert.ok(client.raw.includes("{definitely not json"));
      assert.ok(client.raw.some((r) => r.includes('"d":{"id":1}')));
    } finally {
      await client.close();
      await fake.close();
    }
  },
);

Deno.test(
  "vanish drops connections and refuses new ones; restore brings resume back",
  SANITIZED,
  async () => {
    const fake = startFake();
    const { client, ready } = await connectIdentified(fake);
    try {
      await fake.gateway.vanish();
      const closed = await client.closed;
      assert.notEqual(closed.code, 1000);
      await assert.rejects(GatewayTestClient.connect(fake.gatewayUrl));
      fake.sendUserMessage({ channelId: CHANNEL, content: "while away" });
      fake.gateway.restore();
      const again = await GatewayTestClient.connect(fake.gatewayUrl);
      await again.next((f) => f.op === 10);
      again.send({
        op: 6,
        d: { token: fake.token, session_id: ready.session_id, seq: 2 },
      });
      assert.equal(
        ((await again.nextDispatch("MESSAGE_CREATE")).d as { content: string })
          .content,
        "while away",
      );
      assert.equal((await again.next()).t, "RESUMED");
      await again.close();
    } finally {
      await fake.close();
    }
  },
);
