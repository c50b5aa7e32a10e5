/**
 * A small database about two users for the export-user and forget-user
 * tests, a fake terminal for running the commands in-process, and a runner
 * for them as subprocesses.
 *
 * @module
 */

import type { CommandIo } from "../../src/retention/user_command.ts";
import { rateLimitKey } from "../../src/store/rate_limit_key.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type {
  ConversationKey,
  NewMessage,
  Store,
} from "../../src/store/store.ts";

/** The user whose data is exported or forgotten. */
export const ALICE = "400000000000000001";
/** Another user, whose data must stay. */
export const BOB = "400000000000000002";
/** The bot's own id. */
export const BOT = "300000000000000001";
/** 2025-01-01T00:00:00.000Z */
export const T0 = Date.UTC(2025, 0, 1);

const GUILD = "200000000000000001";
/** The channel-wide conversation. */
export const SHARED: ConversationKey = {
  channel_id: "100000000000000001",
  guild_id: GUILD,
  user_id: "",
};
/** Alice's own (`scope: user`) conversation in another channel. */
export const ALICE_OWN: ConversationKey = {
  channel_id: "100000000000000002",
  guild_id: GUILD,
  user_id: ALICE,
};

function message(
  conversation: ConversationKey,
  author_id: string,
  content: string,
  minute: number,
  reply_to_id: number | null = null,
): NewMessage {
  const bot = author_id === BOT;
  return {
    conversation,
    external_id: `90000000000000000${minute}`,
    author_id,
    author_name: bot ? "Helper" : author_id === ALICE ? "Alice" : "Bob",
    role: bot ? "assistant" : "user",
    persona: "helper",
    content,
    token_count: content.length,
    created_at: T0 + minute * 60_000,
    partial: false,
    reply_to_id,
  };
}

/**
 * Fills the database at `path` (its folder must exist): in the shared
 * channel Alice speaks (id 1), the bot replies to her (2), Bob speaks (3);
 * in Alice's own conversation Alice (4) and the bot's reply (5); then the
 * bot replies to Bob in the shared channel (6). Every reply is linked to the
 * message it answers. Each user has a persona choice and a rate-limit counter.
 */
export async function fillDatabase(path: string): Promise<void> {
  const store = await SqliteStore.open(path);
  try {
    await fillStore(store);
  } finally {
    await store.close();
  }
}

/** Fills any store as {@link fillDatabase} describes. */
export async function fillStore(store: Store): Promise<void> {
  {
    const hi = await store.addMessage(message(SHARED, ALICE, "hi all", 0));
    await store.addMessage(message(SHARED, BOT, "hello Alice", 1, hi.id));
    const bob = await store.addMessage(message(SHARED, BOB, "hi from Bob", 2));
    const secret = await store.addMessage(
      message(ALICE_OWN, ALICE, "my secret", 3),
    );
    await store.addMessage(message(ALICE_OWN, BOT, "kept safe", 4, secret.id));
    await store.addMessage(message(SHARED, BOT, "ahoy Bob", 5, bob.id));
    for (const user of [ALICE, BOB]) {
      await store.setPersonaChoice(
        { binding_key: SHARED.channel_id, user_id: user },
        "pirate",
        T0,
      );
      await store.setRateLimit(rateLimitKey("user", user, "default"), {
        count: 1,
        window_start: T0,
        notified: false,
      });
    }
  }
}

/** A temp folder holding `data/bot.db` filled by {@link fillDatabase}. */
export async function tempBotFolder(): Promise<
  { dir: string; db: string } & AsyncDisposable
> {
  const dir = await Deno.makeTempDir({ prefix: "user_data_" });
  await Deno.mkdir(`${dir}/data`);
  const db = `${dir}/data/bot.db`;
  await fillDatabase(db);
  return {
    dir,
    db,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A {@link CommandIo} that records output and answers questions from a list. */
export class FakeIo implements CommandIo {
  stdout = "";
  stderr = "";
  readonly questions: string[] = [];
  constructor(
    readonly vars: Record<string, string> = {},
    readonly answers: (string | null)[] = [],
    readonly terminal = false,
  ) {}
  env(name: string): string | undefined {
    return this.vars[name];
  }
  out(text: string): void {
    this.stdout += text;
  }
  err(text: string): void {
    this.stderr += text;
  }
  stdinIsTerminal(): boolean {
    return this.terminal;
  }
  ask(question: string): string | null {
    this.questions.push(question);
    return this.answers.shift() ?? null;
  }
  now(): number {
    return T0 + 86_400_000;
  }
}

/** What a finished subprocess printed. */
export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `src/cli/<script>` with `deno run` as `deno task` would (env, net
 * for PostgreSQL, read and write permissions), in `cwd`, with stdin not a terminal.
 */
export async function runCli(
  script: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; stdin?: string },
): Promise<Finished> {
  const path = new URL(`../../src/cli/${script}`, import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      path,
      ...args,
    ],
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}
