/**
 * Server errors that name a configuration problem (llama.cpp sends them as
 * HTTP 500) are not retried, and the log line says what to change.
 */
import assert from "node:assert/strict";
import { createLlmClient } from "../../src/llm/llm_client.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { ALTERNATE_ROLES_ERROR } from "../fakes/fake_llm_rules.ts";
import {
  chatRequest,
  collect,
  endpoint,
  FAST_BACKOFF,
  recordingLogger,
} from "./llm_test_helpers.ts";

Deno.test("streamChat() does not retry a 500 that names a configuration error, and says what to change", async (t) => {
  const cases: [string, Parameters<typeof chatRequest>[0], RegExp][] = [
    [
      "Only one completion choice is allowed",
      { extra: { n: 2 } },
      /to fix: remove `n` from the persona's `extra`/,
    ],
    [
      "roles must alternate",
      {
        messages: [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
        ],
      },
      /to fix: the model's chat template refused the conversation/,
    ],
  ];
  for (const [name, request, hint] of cases) {
    await t.step(name, async () => {
      await using server = await startFakeLlmServer({
        rules: { template: "strict" },
      });
      const client = createLlmClient({
        local: endpoint(server.url, { retries: 2 }),
      }, { logger: recordingLogger(), backoff: FAST_BACKOFF });
      const got = await collect(
        client.streamChat("local", chatRequest(request)),
      );
      assert.equal(got.error?.kind, "bad_request");
      assert.equal(got.error?.retryable, false);
      assert.match(got.error?.message ?? "", /HTTP 500/);
      assert.match(got.error?.message ?? "", hint);
      assert.doesNotMatch(got.error?.userMessage ?? "", /try again/i);
      assert.equal(server.chatRequests().length, 1, "not retried");
    });
  }
  assert.match(ALTERNATE_ROLES_ERROR, /roles must alternate/);
});
