import assert from "node:assert/strict";
import { compose, StageContractError } from "../../src/pipeline/compose.ts";
import type { Stage } from "../../src/pipeline/compose.ts";

function recorder(name: string, log: string[]): Stage<unknown> {
  return {
    name,
    async run(_ctx, next) {
      log.push(`${name}:in`);
      await next();
      log.push(`${name}:out`);
    },
  };
}

Deno.test("compose() runs stages in order, each around the rest", async () => {
  const log: string[] = [];
  await compose([recorder("a", log), recorder("b", log), recorder("c", log)])(
    {},
  );
  assert.deepEqual(log, ["a:in", "b:in", "c:in", "c:out", "b:out", "a:out"]);
});

Deno.test("compose() stops where a stage does not call next()", async () => {
  const log: string[] = [];
  const gate: Stage<unknown> = { name: "gate", run: () => Promise.resolve() };
  await compose([recorder("a", log), gate, recorder("never", log)])({});
  assert.deepEqual(log, ["a:in", "a:out"]);
});

Deno.test("compose() names the stage that calls next() twice", async () => {
  const twice: Stage<unknown> = {
    name: "twice",
    async run(_ctx, next) {
      await next();
      await next();
    },
  };
  await assert.rejects(compose([twice])({}), (error) => {
    assert.ok(error instanceof StageContractError);
    assert.match(error.message, /"twice" called next\(\) twice/);
    return true;
  });
});

Deno.test("compose() names the stage that returns before awaiting next()", async () => {
  let release = () => {};
  const slow: Stage<unknown> = {
    name: "slow",
    run: () => new Promise<void>((resolve) => release = resolve),
  };
  const hasty: Stage<unknown> = {
    name: "hasty",
    run(_ctx, next) {
      void next();
      return Promise.resolve();
    },
  };
  await assert.rejects(
    compose([hasty, slow])({}),
    /"hasty" returned before the next stage finished/,
  );
  release();
});

Deno.test("compose() reports each stage's own time, not its successors'", async () => {
  const times = new Map<string, number>();
  let clock = 0;
  const realNow = performance.now;
  performance.now = () => clock;
  try {
    const outer: Stage<unknown> = {
      name: "outer",
      async run(_ctx, next) {
        clock += 1;
        await next();
        clock += 2;
      },
    };
    const inner: Stage<unknown> = {
      name: "inner",
      run() {
        clock += 10;
        return Promise.resolve();
      },
    };
    await compose([outer, inner], (name, ms) => times.set(name, ms))({});
  } finally {
    performance.now = realNow;
  }
  assert.deepEqual(Object.fromEntries(times), { outer: 3, inner: 10 });
});
