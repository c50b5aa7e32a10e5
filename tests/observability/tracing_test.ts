/**
 * Tracing off (no `OTEL_DENO=true`, as in every unit test): the helpers add
 * nothing to the hot path. The spans themselves are checked end to end in
 * tests/e2e/tracing_e2e_test.ts against a collector.
 */
import assert from "node:assert/strict";
import { traceLlm } from "../../src/llm/traced_llm.ts";
import type { LlmClient } from "../../src/llm/llm_client.ts";
import {
  currentTraceIds,
  startSpan,
  traceCalls,
  tracingEnabled,
  withSpan,
} from "../../src/observability/tracing.ts";

const off = { ignore: tracingEnabled };

Deno.test(
  "with tracing off, traceCalls() and traceLlm() return their target itself",
  off,
  () => {
    const store = { get: () => Promise.resolve(1) };
    assert.equal(traceCalls(store, "store"), store);
    const client = {} as LlmClient;
    assert.equal(traceLlm(client), client);
  },
);

Deno.test(
  "with tracing off, withSpan() runs its function and passes its result and errors through",
  off,
  async () => {
    assert.equal(
      await withSpan("x", {}, (span) => {
        span.set({ a: 1 });
        span.event("e");
        return Promise.resolve(42);
      }),
      42,
    );
    await assert.rejects(
      withSpan("x", {}, () => Promise.reject(new Error("boom"))),
      /boom/,
    );
    const span = startSpan("y", {});
    span.fail(new Error("nothing happens"));
    span.end();
    assert.equal(currentTraceIds(), undefined);
  },
);
