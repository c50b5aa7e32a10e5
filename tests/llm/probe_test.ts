import assert from "node:assert/strict";
import { probeEndpoints } from "../../src/llm/probe.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { endpoint } from "./llm_test_helpers.ts";

Deno.test("probeEndpoints() reports reachable servers and their models", async () => {
  await using server = await startFakeLlmServer({
    style: "ollama",
    models: ["llama3.1:8b", "qwen3:4b"],
  });
  const [result] = await probeEndpoints({ local: endpoint(server.url) }, {
    models: { local: ["llama3.1:8b"] },
  });
  assert.deepEqual(result, {
    endpoint: "local",
    url: `${server.url}/models`,
    ok: true,
    models: ["llama3.1:8b", "qwen3:4b"],
    warnings: [],
  });
  assert.equal(server.requests[0]?.method, "GET");
  assert.equal(server.requests[0]?.path, "/v1/models");
});

Deno.test("probeEndpoints() warns instead of throwing, naming the endpoint and URL", async (t) => {
  await t.step("unreachable", async () => {
    const down = await startFakeLlmServer();
    const url = down.url;
    await down.close();
    const [result] = await probeEndpoints({ backup: endpoint(url) });
    assert.equal(result?.ok, false);
    assert.equal(result?.warnings.length, 1);
    assert.match(
      result?.warnings[0] ?? "",
      new RegExp(`Endpoint "backup" \\(${url}/models\\) is unreachable`),
    );
  });

  await t.step("no answer in time", async () => {
    // A listener that accepts connections and never answers.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of listener) held.push(conn);
    })();
    const { port } = listener.addr as Deno.NetAddr;
    const [result] = await probeEndpoints(
      { slow: endpoint(`http://127.0.0.1:${port}/v1`) },
      { timeout_ms: 30 },
    );
    listener.close();
    for (const conn of held) conn.close();
    await accepting;
    assert.match(result?.warnings[0] ?? "", /"slow".*no answer within 30 ms/);
  });

  await t.step("wrong key", async () => {
    await using server = await startFakeLlmServer({ api_key: "right-key" });
    const [result] = await probeEndpoints({
      local: endpoint(server.url, { api_key: "wrong-key-value" }),
    });
    assert.equal(result?.ok, false);
    assert.match(result?.warnings[0] ?? "", /refused the API key \(HTTP 401\)/);
    assert.doesNotMatch(result?.warnings[0] ?? "", /wrong-key-value/);
  });

  await t.step("a base_url without /v1", async () => {
    await using server = await startFakeLlmServer();
    const [result] = await probeEndpoints({ local: endpoint(server.origin) });
    assert.match(
      result?.warnings[0] ?? "",
      /HTTP 404 \(does base_url end with \/v1\?\)/,
    );
  });

  await t.step("a model the server does not list", async () => {
    await using server = await startFakeLlmServer({
      style: "vllm",
      models: ["a"],
    });
    const [result] = await probeEndpoints({ local: endpoint(server.url) }, {
      models: { local: ["b"] },
    });
    assert.equal(result?.ok, true);
    assert.match(
      result?.warnings[0] ?? "",
      /does not list model "b"; it lists "a"/,
    );
  });
});

Deno.test("probeEndpoints() does not check model names on llama.cpp, which serves any", async () => {
  await using server = await startFakeLlmServer({
    style: "llamacpp",
    models: ["model.gguf"],
  });
  const [result] = await probeEndpoints({ local: endpoint(server.url) }, {
    models: { local: ["whatever"] },
  });
  assert.deepEqual(result?.warnings, []);
});

Deno.test("probeEndpoints() keeps keys in URLs out of its results", async () => {
  await using server = await startFakeLlmServer();
  const [result] = await probeEndpoints({
    local: endpoint(
      `${server.url.replace("http://", "http://user:pw@")}?key=abc123`,
    ),
  });
  assert.equal(result?.ok, true);
  assert.equal(server.requests[0]?.path, "/v1/models");
  assert.doesNotMatch(JSON.stringify(result), /abc123|pw@/);
});
