import { FakeDiscord } from "./fake_discord.ts";
import { GatewayTestClient } from "./gateway_test_client.ts";
import type { FakeDiscordOptions } from "./options.ts";
import { Intents } from "./types.ts";

/** Ids of the standard test world: one guild with two channels and a thread, one user. */
export const GUILD = "200000000000000000";
/** The first channel of the test guild ("general"). */
export const CHANNEL = "200000000000000001";
/** The second channel of the test guild ("random"). */
export const OTHER_CHANNEL = "200000000000000002";
/** A thread under `CHANNEL`. */
export const THREAD = "200000000000000003";
/** The test user, holder of the `ADMIN_ROLE`. */
export const ALICE = "300000000000000001";
/** A role with the Administrator bit. */
export const ADMIN_ROLE = "400000000000000001";

/**
 * JSON answers are checked field by field in tests; a loose type keeps those checks readable.
 */
// deno-lint-ignore no-explicit-any
export type Loose = any;

/** Deno 2.9 leaves the ops and resources sanitizers off unless asked; the fake's tests ask. */
export const SANITIZED = { sanitizeOps: true, sanitizeResources: true };

/** The intents a bot of this project identifies with. */
export const BOT_INTENTS = Intents.Guilds | Intents.GuildMessages |
  Intents.DirectMessages |
  Intents.MessageContent;

/** Starts a fake Discord with the standard test world (options override it). */
export function startFake(options: FakeDiscordOptions = {}): FakeDiscord {
  return FakeDiscord.start({
    users: [{ id: ALICE, username: "alice" }],
    guilds: [{
      id: GUILD,
      name: "Test guild",
      channels: [{ id: CHANNEL, name: "general" }, {
        id: OTHER_CHANNEL,
        name: "random",
      }],
      threads: [{ id: THREAD, parentId: CHANNEL, name: "a thread" }],
      roles: [{ id: ADMIN_ROLE, name: "admins", permissions: "8" }],
      memberRoles: { [ALICE]: [ADMIN_ROLE] },
    }],
    ...options,
  });
}

/**
 * One REST call to the fake with plain `fetch`: JSON body (or a raw string), `Bot` auth
 * unless `auth` is null; the body is always read so no resource stays open.
 */
export async function api(
  fake: FakeDiscord,
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = `Bot ${fake.token}`,
): Promise<{ status: number; json: Loose; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = auth;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${fake.restBaseUrl}/v10${path}`, {
    method,
    headers,
    body: body === undefined
      ? null
      : typeof body === "string"
      ? body
      : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

/** Connects a test client, waits for HELLO, identifies, and returns it with READY's data. */
export async function connectIdentified(
  fake: FakeDiscord,
  intents = BOT_INTENTS,
) {
  const client = await GatewayTestClient.connect(fake.gatewayUrl);
  await client.next((f) => f.op === 10);
  client.identify(fake.token, intents);
  const ready = await client.nextDispatch("READY");
  return { client, ready: ready.d as Loose, seq: ready.s ?? 0 };
}
