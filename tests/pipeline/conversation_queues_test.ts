import assert from "node:assert/strict";
import { ConversationQueues } from "../../src/pipeline/conversation_queues.ts";

Deno.test("ConversationQueues runs one conversation's turns in order and others at once", async () => {
  const queues = new ConversationQueues();
  const log: string[] = [];
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  const a1 = queues.run("a", async () => {
    log.push("a1 start");
    await held;
    log.push("a1 end");
  });
  const a2 = queues.run("a", () => {
    log.push("a2");
    return Promise.resolve();
  });
  const b1 = queues.run("b", () => {
    log.push("b1");
    return Promise.resolve();
  });
  await b1;
  assert.deepEqual(log, ["a1 start", "b1"]);
  assert.equal(queues.queued, 2);
  release();
  await Promise.all([a1, a2]);
  assert.deepEqual(log, ["a1 start", "b1", "a1 end", "a2"]);
  assert.equal(queues.queued, 0);
});

Deno.test("ConversationQueues: a failed turn does not hold up the next one", async () => {
  const queues = new ConversationQueues();
  const failed = queues.run("a", () => Promise.reject(new Error("boom")));
  let ran = false;
  const next = queues.run("a", () => {
    ran = true;
    return Promise.resolve();
  });
  await assert.rejects(failed, /boom/);
  await next;
  assert.equal(ran, true);
});

Deno.test("ConversationQueues has room for max_waiting turns besides the running one, and max_pending overall", async () => {
  const queues = new ConversationQueues(1, 3);
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  const runs = [queues.run("a", () => held), queues.run("a", () => held)];
  assert.equal(queues.hasRoom("a"), false);
  assert.equal(queues.hasRoom("b"), true);
  runs.push(queues.run("b", () => held));
  assert.equal(queues.hasRoom("c"), false, "3 pending in all");
  release();
  await Promise.all(runs);
  assert.equal(queues.hasRoom("a"), true);
});
