/**
 * The message requests' own path: what goes over the wire, and Discordeno's
 * rate-limit semantics (held routes wait, 429s are waited out and sent
 * again, invalid requests are counted), the deadline and the REST proxy.
 */
import assert from "node:assert/strict";
import { DirectRest } from "../../src/discord/direct_rest.ts";
import type { SharedLimits } from "../../src/discord/direct_rest.ts";
import { DiscordRequestError } from "../../src/discord/discord_port.ts";
import {
  classifyDiscordError,
  directMessageHelpers,
  discordenoPort,
} from "../../src/discord/discordeno_port.ts";
import { log } from "../../src/log/logging.ts";
import { FakeTimers, settle } from "../support/fake_timers.ts";

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  signal: AbortSignal;
}

type Answer = {
  status: number;
  body?: string;
  headers?: Record<string, string>;
};

/** A fetch that records requests and answers from `answers` (then 200 `{}`); null: never answers. */
function fakeFetch(answers: (Answer | null)[] = []) {
  const sent: Sent[] = [];
  const fetch = ((url: string, init: RequestInit) => {
    const signal = init.signal as AbortSignal;
    sent.push({
      url,
      method: String(init.method),
      headers: init.headers as Record<string, string>,
      body: init.body as string | null,
      signal,
    });
    const answer = answers.length > 0 ? answers.shift()! : { status: 200 };
    if (answer === null) {
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(new Error("aborted")))
      );
    }
    return Promise.resolve(
      new Response(answer.status === 204 ? null : answer.body ?? "{}", {
        status: answer.status,
        headers: answer.headers ?? {},
      }),
    );
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

/** Discordeno's shared state, faked: routes held until a time, calls recorded. */
class FakeLimits implements SharedLimits {
  readonly held = new Map<string, number>();
  readonly completed: [number, boolean][] = [];
  readonly processed: string[] = [];
  constructor(readonly timers: FakeTimers) {}
  checkRateLimits(url: string): number | false {
    const until = this.held.get(url) ?? this.held.get("global") ?? 0;
    return until > this.timers.now() ? until - this.timers.now() : false;
  }
  processHeaders(url: string, headers: Headers): undefined {
    this.processed.push(url);
    const after = Number(headers.get("x-ratelimit-reset-after") ?? 0) * 1000;
    if (headers.get("x-ratelimit-global")) {
      this.held.set("global", this.timers.now() + after);
    } else if (headers.get("x-ratelimit-remaining") === "0") {
      this.held.set(url, this.timers.now() + after);
    }
    return undefined;
  }
  invalidBucket = {
    waitUntilRequestAvailable: () => Promise.resolve(),
    handleCompletedRequest: (status: number, shared: boolean) => {
      this.completed.push([status, shared]);
    },
  };
}

function setup(answers: (Answer | null)[] = [], proxied = false) {
  const timers = new FakeTimers();
  const limits = new FakeLimits(timers);
  const { fetch, sent } = fakeFetch(answers);
  const observed: string[] = [];
  const rest = new DirectRest({
    base_url: "http://discord.test/api/",
    authorization: proxied ? "proxy-secret" : "Bot TOKEN",
    user_agent: "DiscordBot (test, 1)",
    identifier: "Bot TOKEN",
    limits: proxied ? undefined : limits,
    timeout_ms: 15_000,
    timers,
    logger: log("test"),
    observe: (method, status) => observed.push(`${method} ${status}`),
    fetch,
  });
  return { timers, limits, sent, observed, rest };
}

Deno.test("the port sends Discord's JSON as built, with allowed_mentions parsing nothing, and reads the answer's id", async () => {
  const { rest, sent, observed } = setup([
    {
      status: 200,
      body: '{"id":"900","content":"hello","channel_id":"5"}',
    },
    { status: 200 },
    { status: 204 },
  ]);
  const port = discordenoPort(directMessageHelpers(rest));
  const message = await port.send("5", {
    content: "hello",
    reply_to: "7",
    ping_replied_user: false,
    nonce: "7.0",
    buttons: [{ custom_id: "stop:1:7", label: "Stop", style: "danger" }],
  });
  await port.edit("5", "900", "hello again", []);
  await port.typing("5");
  assert.deepEqual(message, { id: "900", content: "hello" });
  assert.deepEqual(sent.map((s) => `${s.method} ${s.url}`), [
    "POST http://discord.test/api/v10/channels/5/messages",
    "PATCH http://discord.test/api/v10/channels/5/messages/900",
    "POST http://discord.test/api/v10/channels/5/typing",
  ]);
  assert.deepEqual(JSON.parse(sent[0]!.body!), {
    content: "hello",
    components: [{
      type: 1,
      components: [{ type: 2, style: 4, label: "Stop", custom_id: "stop:1:7" }],
    }],
    message_reference: { message_id: "7", fail_if_not_exists: false },
    allowed_mentions: { parse: [], replied_user: false },
    nonce: "7.0",
    enforce_nonce: true,
  });
  assert.deepEqual(JSON.parse(sent[1]!.body!), {
    content: "hello again",
    components: [],
    allowed_mentions: { parse: [] },
  });
  assert.equal(sent[2]!.body, null);
  assert.deepEqual(sent[0]!.headers, {
    authorization: "Bot TOKEN",
    "user-agent": "DiscordBot (test, 1)",
    "content-type": "application/json",
  });
  assert.equal(sent[2]!.headers["content-type"], undefined);
  assert.deepEqual(observed, ["POST 200", "PATCH 200", "POST 204"]);
});

Deno.test("a request on a route Discord said is used up waits until the route resets", async () => {
  const { rest, sent, timers } = setup([{
    status: 200,
    headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": "2" },
  }]);
  await rest.request("PATCH", "/channels/5/messages/1", "/channels/5/m");
  const second = rest.request(
    "PATCH",
    "/channels/5/messages/1",
    "/channels/5/m",
  );
  await timers.advance(1_999);
  assert.equal(sent.length, 1, "sent before the route reset");
  await timers.advance(1);
  await second;
  assert.equal(sent.length, 2);
});

Deno.test("a 429 is counted, waited out for its reset-after and sent again", async () => {
  const { rest, sent, timers, limits, observed } = setup([{
    status: 429,
    body: '{"message":"You are being rate limited.","retry_after":1.5}',
    headers: {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset-after": "1.5",
      "x-ratelimit-scope": "user",
    },
  }]);
  const call = rest.request(
    "POST",
    "/channels/5/messages",
    "/channels/5/x",
    "{}",
  );
  await timers.advance(1_499);
  assert.equal(sent.length, 1);
  await timers.advance(1);
  assert.equal((await call).status, 200);
  assert.equal(sent.length, 2);
  assert.deepEqual(limits.completed, [[429, false], [200, false]]);
  assert.deepEqual(limits.processed, ["/channels/5/x"]);
  assert.deepEqual(observed, ["POST 429", "POST 200"]);
});

Deno.test("a 429 of the shared scope is not counted as an invalid request", async () => {
  const { rest, timers, limits } = setup([{
    status: 429,
    body: '{"retry_after":0.2}',
    headers: { "x-ratelimit-scope": "shared" },
  }]);
  const call = rest.request(
    "POST",
    "/channels/5/messages",
    "/channels/5/x",
    "{}",
  );
  await timers.advance(200);
  await call;
  assert.deepEqual(limits.completed[0], [429, true]);
});

Deno.test("a global 429 holds the bot's other routes too", async () => {
  const { rest, sent, timers } = setup([{
    status: 429,
    body: '{"retry_after":3,"global":true}',
    headers: {
      "x-ratelimit-global": "true",
      "x-ratelimit-reset-after": "3",
      "retry-after": "3",
    },
  }]);
  const first = rest.request(
    "POST",
    "/channels/5/messages",
    "/channels/5/x",
    "{}",
  );
  await settle();
  const other = rest.request("POST", "/channels/6/typing", "/channels/6/x");
  await timers.advance(2_999);
  assert.equal(sent.length, 1, "another route went out during a global hold");
  await timers.advance(1);
  await Promise.all([first, other]);
  assert.equal(sent.length, 3);
});

Deno.test("a limit held past the request's deadline fails at once as rate limited", async () => {
  const { rest, sent, timers, limits } = setup();
  limits.held.set("/channels/5/x", timers.now() + 60_000);
  const error = await rest.request(
    "POST",
    "/channels/5/messages",
    "/channels/5/x",
  )
    .catch((e) => e);
  assert.ok(error instanceof DiscordRequestError);
  assert.equal(error.kind, "rate_limited");
  assert.equal(error.retry_after_s, 60);
  assert.equal(sent.length, 0);
});

Deno.test("a request without an answer is aborted at its deadline and fails as a timeout", async () => {
  const { rest, sent, timers, limits, observed } = setup([null]);
  const call = rest.request(
    "PATCH",
    "/channels/5/messages/1",
    "/channels/5/m",
    "{}",
  )
    .catch((e) => e);
  await timers.advance(14_999);
  assert.equal(sent[0]!.signal.aborted, false);
  await timers.advance(1_001); // requests of the same second share one deadline
  const error = await call;
  assert.ok(error instanceof DiscordRequestError);
  assert.equal(error.kind, "timeout");
  assert.equal(sent[0]!.signal.aborted, true);
  assert.deepEqual(limits.completed, [[999, false]]);
  assert.deepEqual(observed, ["PATCH 0"]);
  rest.close();
  assert.equal(timers.pending, 0);
});

Deno.test("a refused request fails with Discord's status and message, classified", async () => {
  const { rest } = setup([{
    status: 403,
    body: '{"message":"Missing Permissions","code":50013}',
  }]);
  const error = await rest.request(
    "POST",
    "/channels/5/messages",
    "/channels/5/x",
    "{}",
  )
    .catch((e) => e);
  const failure = classifyDiscordError(error);
  assert.equal(failure.kind, "missing_permissions");
  assert.match(failure.message, /403 \(code 50013\): Missing Permissions/);
});

Deno.test("through the REST proxy: its secret, no local limits, a 429 goes back to the caller", async () => {
  const { rest, sent, limits } = setup([{
    status: 429,
    body: '{"retry_after":2}',
    headers: { "x-ratelimit-remaining": "0" },
  }], true);
  const error = await rest.request(
    "POST",
    "/channels/5/messages",
    "/channels/5/x",
    "{}",
  )
    .catch((e) => e);
  assert.equal(sent[0]!.headers.authorization, "proxy-secret");
  assert.equal(limits.completed.length, 0);
  const failure = classifyDiscordError(error);
  assert.equal(failure.kind, "rate_limited");
  assert.equal(failure.retry_after_s, 2);
});

Deno.test("at most max_in_flight requests run at once; the rest wait their turn", async () => {
  const timers = new FakeTimers();
  const answers: (() => void)[] = [];
  let running = 0;
  let most = 0;
  const fetch = (() => {
    running++;
    most = Math.max(most, running);
    return new Promise<Response>((resolve) =>
      answers.push(() => {
        running--;
        resolve(new Response("{}"));
      })
    );
  }) as typeof globalThis.fetch;
  const rest = new DirectRest({
    base_url: "http://discord.test/api",
    authorization: "Bot TOKEN",
    user_agent: "x",
    identifier: "Bot TOKEN",
    timeout_ms: 15_000,
    timers,
    logger: log("test"),
    max_in_flight: 2,
    fetch,
  });
  const calls = [1, 2, 3, 4, 5].map((i) =>
    rest.request("POST", `/channels/${i}/typing`, `/channels/${i}/x`)
  );
  while (answers.length > 0 || running > 0) {
    await settle();
    answers.shift()?.();
  }
  await Promise.all(calls);
  assert.equal(most, 2);
  rest.close();
});
