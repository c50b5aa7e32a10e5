/**
 * The playground over real HTTP: access token, a streamed turn through the
 * real runner and pipeline with its inspection, commands as in Discord,
 * and no secret in anything it sends.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load_config.ts";
import { testConfig } from "../support/test_config.ts";
import { readEvents, startPlaygroundHarness } from "./playground_harness.ts";

Deno.test("playground refuses every request without the access token", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  for (const path of ["/", "/playground.js", "/api/state", "/api/events"]) {
    const response = await fetch(`${h.server.origin}${path}`);
    assert.equal(response.status, 401, path);
    assert.match(await response.text(), /access token/);
  }
  const post = await fetch(`${h.server.origin}/api/line`, {
    method: "POST",
    body: JSON.stringify({ place: 0, text: "hi" }),
  });
  assert.equal(post.status, 401);
  await post.body?.cancel();
  const huge = await fetch(`${h.server.origin}/api/line`, {
    method: "POST",
    headers: { "x-playground-token": h.server.token },
    body: JSON.stringify({ place: 0, text: "x".repeat(70_000) }),
  });
  assert.equal(huge.status, 400);
  assert.match((await huge.json()).error, /at most 65536/);
  const wrong = await fetch(`${h.server.origin}/?token=nope`);
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  assert.equal(h.llm.chatCount, 0);
});

Deno.test("playground serves the page with the token and sets the cookie", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  const page = await fetch(h.server.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Persona playground/);
  const cookie = page.headers.get("set-cookie") ?? "";
  assert.match(cookie, /HttpOnly; SameSite=Strict/);
  const withCookie = await fetch(`${h.server.origin}/api/state`, {
    headers: { cookie: cookie.split(";")[0] ?? "" },
  });
  assert.equal(withCookie.status, 200);
  const state = await withCookie.json();
  assert.equal(state.config.ok, true);
  assert.deepEqual(
    state.view.places.map((p: { place: unknown }) => p.place),
    [0, 1, 2, "dm"],
  );
});

Deno.test("playground keeps serving the page it started with when the files change, and names a missing one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const source = new URL("../../src/playground/page/", import.meta.url);
    for await (const entry of Deno.readDir(source)) {
      await Deno.copyFile(new URL(entry.name, source), join(dir, entry.name));
    }
    await Deno.remove(join(dir, "inspector.css"));
    await using h = await startPlaygroundHarness(testConfig, {
      page_dir: new URL(`file://${dir}/`),
    });
    const before = await (await h.get("/")).text();
    assert.match(before, /Persona playground/);
    // A rebuild installs a newer page beside a bot still running.
    await Deno.writeTextFile(join(dir, "index.html"), "a newer page");
    await Deno.writeTextFile(join(dir, "inspector.css"), "p {}");
    assert.equal(await (await h.get("/")).text(), before);
    const missing = await h.get("/inspector.css");
    assert.equal(missing.status, 500);
    assert.match(
      await missing.text(),
      /page file inspector\.css could not be read/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a line streams Discord-sized messages, then the turn's inspection", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  h.llm.script({
    chunks: [
      "Here is **bold**",
      " and ||a spoiler||\n",
      "```ts\nconst a = 1;\n```",
    ],
    reasoning: ["thinking it over"],
  });
  const events = await h.line({ text: "show me" });
  const names = events.map((e) => e.event);
  assert.equal(names[0], "user");
  assert.ok(names.includes("typing"));
  const chunks = events.filter((e) => e.event === "chunks");
  assert.ok(chunks.length >= 2, "the reply arrives in several updates");
  const last = chunks.at(-1)?.data as {
    done: boolean;
    messages: { html: string }[];
  };
  assert.equal(last.done, true);
  const html = last.messages[0]?.html ?? "";
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /class="spoiler"/);
  assert.match(html, /<pre class="codeblock" data-language="ts">/);
  assert.match(html, /hljs-keyword/);

  const inspection = events.find((e) => e.event === "inspection")?.data as {
    messages: { kind: string; content: string; tokens: number }[];
    budget: { context_tokens: number; system: number; current: number };
    body: { messages: unknown[]; model: string };
    raw_reasoning: string;
    raw_text: string;
    stages: { name: string }[];
    first_token_ms: number | null;
  };
  assert.equal(
    inspection.messages[0]?.content,
    "You are Helper in the playground #playground, talking to Ann.",
  );
  assert.equal(inspection.messages.at(-1)?.kind, "current");
  assert.equal(inspection.budget.context_tokens, 4096);
  assert.ok(inspection.budget.system > 0 && inspection.budget.current > 0);
  assert.equal(inspection.body.model, "test-model");
  assert.deepEqual(
    inspection.body.messages,
    h.llm.chatRequests()[0]?.body &&
      (h.llm.chatRequests()[0]?.body as { messages: unknown }).messages,
    "the inspector shows the body the server received",
  );
  assert.equal(inspection.raw_reasoning, "thinking it over");
  assert.match(inspection.raw_text, /```ts/);
  assert.deepEqual(
    inspection.stages.map((s) => s.name).filter((name) =>
      ["auth", "context", "generation", "chunking"].includes(name)
    ),
    ["auth", "context", "generation", "chunking"],
    "every stage's time, in pipeline order",
  );
  assert.notEqual(inspection.first_token_ms, null);
  assert.deepEqual(events.at(-1), {
    event: "end",
    data: { outcome: "answered" },
  });
});

Deno.test("a long reply is split into the messages Discord would get", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  const paragraph = "word ".repeat(300).trim();
  h.llm.script({ chunks: [paragraph, "\n\n", paragraph] });
  const events = await h.line({ text: "long please" });
  const last = events.filter((e) => e.event === "chunks").at(-1)?.data as {
    count: number;
    messages: { chars: number }[];
  };
  assert.equal(last.count, 2);
  for (const message of last.messages) assert.ok(message.chars <= 2000);
});

Deno.test("/reset and /persona work as in Discord and the next turn shows it", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  await h.line({ text: "first message" });
  const persona = await h.line({ text: "/persona pirate" });
  assert.equal(persona[0]?.event, "command");
  assert.match(String(persona[0]?.data.text), /Pirate/);
  const reset = await h.line({ text: "/reset" });
  assert.equal(reset[0]?.event, "command");
  const events = await h.line({ text: "after the reset" });
  const inspection = events.find((e) => e.event === "inspection")?.data as {
    persona: string;
    messages: { content: string }[];
    reset_at: number | null;
  };
  assert.equal(inspection.persona, "pirate");
  const history = await (await h.get("/api/history?place=0&user_id=u1")).json();
  assert.equal(history.persona, "pirate", "the user's /persona choice");
  assert.deepEqual(
    history.messages.map((m: { role: string }) => m.role),
    ["user", "assistant"],
    "the stored conversation since the reset",
  );
  assert.equal(
    inspection.messages.length,
    2,
    "system prompt and the new message only",
  );
  assert.notEqual(inspection.reset_at, null);
});

Deno.test("nothing the playground sends contains a secret from the config", async () => {
  const secret = "sk-playgroundsecretvalue12345";
  await using h = await startPlaygroundHarness((base_url) =>
    parseConfig(
      `version: 1
discord: { token: "\${DISCORD_TOKEN}" }
endpoints:
  local: { base_url: "${base_url}", api_key: "\${KEY}", retries: 0 }
personas:
  helper: { endpoint: local, model: test-model, system_prompt: "Never say ${secret}." }
bindings:
  - channels: ["100000000000000001"]
    persona: helper
`,
      "bot.config.yaml",
      (name) => ({ DISCORD_TOKEN: "token.for.test", KEY: secret })[name],
    )
  );
  h.llm.script({ chunks: [`the key is ${secret}`] });
  const events = await h.line({ text: "what is the key?" });
  const state = await (await h.get("/api/state")).text();
  const everything = JSON.stringify(events) + state;
  assert.ok(!everything.includes(secret), "the secret never leaves");
  assert.ok(!everything.includes("token.for.test"));
  assert.match(everything, /\[redacted\]/);
  assert.equal(
    (h.llm.chatRequests()[0]?.headers ?? {})["authorization"],
    `Bearer ${secret}`,
    "the model still gets the real key",
  );
});

Deno.test("the event stream tells the page about config changes", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  const response = await h.get("/api/events");
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  while (!text.includes("event: config")) text += (await reader.read()).value;
  h.board.accepted(testConfig(h.llm.url));
  while (!text.includes('"version":1')) text += (await reader.read()).value;
  await reader.cancel();
  assert.match(text, /"ok":true/);
});

Deno.test("readEvents() parses the stream format", async () => {
  const events = await readEvents(
    new Response('event: a\ndata: {"x":1}\n\n: comment\n\n'),
  );
  assert.deepEqual(events, [{ event: "a", data: { x: 1 } }]);
});

Deno.test("playground turns are stored as the playground's, so Discord's start-up recovery never answers them", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  let open: (value?: unknown) => void = () => {};
  h.llm.script({
    chunks: ["done"],
    gate: new Promise((resolve) => open = resolve),
  });
  const line = h.line({ text: "wait for it" });
  await h.llm.waitForChatRequests(1);
  assert.equal((await h.store.openTurns("discord")).length, 0);
  assert.equal((await h.store.openTurns("playground")).length, 1);
  open();
  const events = await line;
  assert.equal(events.at(-1)?.data.outcome, "answered", JSON.stringify(events));
  assert.equal((await h.store.openTurns("playground")).length, 0);
});

type Inspection = {
  messages: { role: string; kind: string; content: string }[];
  body: { messages: { role: string; content: string }[] };
};

Deno.test("the inspector's Request list is the messages the model was sent (after a failed turn)", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  h.llm.script({ status: 400, body: { error: { message: "bad" } } });
  await h.line({ text: "first try" });
  const events = await h.line({ text: "second try" });
  const inspection = events.find((e) => e.event === "inspection")
    ?.data as unknown as Inspection;
  const sent = h.llm.chatRequests().at(-1)?.body as Inspection["body"];
  assert.deepEqual(inspection.body.messages, sent.messages);
  assert.deepEqual(
    inspection.messages.map((m) => [m.role, m.content]),
    sent.messages.map((m) => [m.role, m.content]),
    "the Request list shows what the model got",
  );
});

Deno.test("another page on the same site cannot run a turn with the cookie (CSRF)", async () => {
  await using h = await startPlaygroundHarness(testConfig);
  const page = await fetch(h.server.url);
  await page.body?.cancel();
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  // What a <form enctype="text/plain" method="post"> on http://127.0.0.1:8080
  // (same site as the playground, so the SameSite=Strict cookie goes along) sends.
  const response = await fetch(`${h.server.origin}/api/line`, {
    method: "POST",
    headers: {
      cookie,
      origin: "http://127.0.0.1:8080",
      "sec-fetch-site": "same-site",
      "content-type": "text/plain",
    },
    body: '{"place":0,"text":"hi from another page","x":"="}',
  });
  await readEvents(response);
  assert.equal(response.status, 403);
  assert.equal(h.llm.chatCount, 0, "no turn ran");
});

Deno.test("a secret the model streams in pieces never reaches the page, not even in part", async () => {
  const secret = "playground-secret-value-12345";
  await using h = await startPlaygroundHarness((base_url) =>
    parseConfig(
      `version: 1
discord: { token: "\${DISCORD_TOKEN}" }
endpoints:
  local: { base_url: "${base_url}", api_key: "\${KEY}", retries: 0 }
personas:
  helper: { endpoint: local, model: test-model, system_prompt: "Never say ${secret}." }
bindings:
  - channels: ["100000000000000001"]
    persona: helper
`,
      "bot.config.yaml",
      (name) => ({ DISCORD_TOKEN: "token.for.test", KEY: secret })[name],
    )
  );
  h.llm.script({
    chunks: [`the key is ${secret.slice(0, 24)}`, secret.slice(24), " ok"],
    chunk_delay_ms: 300,
  });
  const events = await h.line({ text: "what is the key?" });
  const everything = JSON.stringify(events);
  assert.ok(
    !everything.includes(secret.slice(0, 24)),
    "most of the key was on the page",
  );
});
