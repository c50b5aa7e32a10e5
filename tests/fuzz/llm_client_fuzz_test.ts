import assert from "node:assert/strict";
import { createLlmClient } from "../../src/llm/llm_client.ts";
import { LlmError } from "../../src/llm/llm_error.ts";
import {
  chatRequest,
  collect,
  endpoint,
  FAST_BACKOFF,
  recordingLogger,
} from "../llm/llm_test_helpers.ts";
import { chance, fuzzCases, int } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";
import { startGarbageLlmServer } from "./garbage_llm_server.ts";

/** Longer than any endpoint timeout below: past it, the client hangs. */
const HANG_MS = 3_500;
/** Requests in flight at once. */
const POOL = 12;

/** What one request ended with, for the tally. */
type Ending = { reply: true } | { kind: string };

/** Sends one request to the garbage server; throws when an invariant breaks. */
async function oneRequest(
  url: string,
  random: Random,
  seed: number,
): Promise<Ending> {
  const client = createLlmClient({
    fuzz: endpoint(url, {
      timeout: { first_token: 200, idle: 200, total: 2_000 },
      retries: int(random, 0, 1),
      headers: { "x-fuzz-case": String(seed) },
    }),
  }, { backoff: FAST_BACKOFF, logger: recordingLogger(), random });
  const request = chatRequest({ stream: chance(random, 0.85) });
  const cancel = new AbortController();
  let guard: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"hang">((resolve) => {
    guard = setTimeout(() => resolve("hang"), HANG_MS);
  });
  const collected = collect(
    client.streamChat("fuzz", request, { signal: cancel.signal }),
  );
  let outcome;
  try {
    outcome = await Promise.race([collected, hang]);
    if (outcome === "hang") {
      // Free the request so the test can end, then fail.
      cancel.abort();
      await collected.catch(() => {});
      throw new Error(`no outcome after ${HANG_MS} ms`);
    }
  } catch (error) {
    if (outcome === "hang") throw error;
    throw new Error(
      `streamChat() threw ${
        error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error)
      }, not an LlmError`,
      { cause: error },
    );
  } finally {
    clearTimeout(guard);
  }
  const done = outcome.events.find((e) => e.type === "done");
  if (outcome.error !== undefined) {
    assert.ok(outcome.error instanceof LlmError);
    assert.equal(done, undefined, "done and an error");
    assert.ok(outcome.error.userMessage.trim() !== "", "no userMessage");
    assert.ok(outcome.error.message.trim() !== "", "no message");
    return { kind: outcome.error.kind };
  }
  assert.ok(done?.type === "done", "ended without done or error");
  assert.equal(done.result.text, outcome.text, "done.text differs");
  return { reply: true };
}

Deno.test("streamChat() ends every one of 120 garbage HTTP answers with a reply or an LlmError, never a hang", async () => {
  await using server = startGarbageLlmServer();
  const endings = new Map<string, number>();
  const failures: string[] = [];
  const running = new Set<Promise<void>>();
  // Cases run 12 at a time; a failure is kept with its seed and reported at the end.
  await fuzzCases(
    { seed: 61_000, iterations: 120 },
    async (random, _i, seed) => {
      while (running.size >= POOL) await Promise.race(running);
      const run = oneRequest(server.url, random, seed).then(
        (ending) => {
          const key = "reply" in ending ? "reply" : ending.kind;
          endings.set(key, (endings.get(key) ?? 0) + 1);
        },
        (error) => {
          failures.push(
            `seed ${seed} (replay with FUZZ_SEED=${seed} FUZZ_ONLY=1): ${
              error instanceof Error ? error.message : String(error)
            }`,
          );
        },
      ).finally(() => running.delete(run));
      running.add(run);
    },
  );
  await Promise.all(running);
  assert.deepEqual(failures, []);
  // Not vacuous: some replies made it, and failures of several kinds were seen.
  const summary = JSON.stringify([...endings]);
  assert.ok((endings.get("reply") ?? 0) >= 5, summary);
  assert.ok(endings.size >= 5, summary);
});
