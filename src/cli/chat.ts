/**
 * `deno task chat [--channel ID] [--user ID] [--admin] [--dm]`: talk to the
 * bot's personas in the terminal, through the same pipeline and store as
 * Discord. Reads lines from stdin; works piped and exits at its end. Logs go
 * to stderr so stdout holds only the conversation.
 *
 * @module
 */

import { createBotServices } from "../pipeline/bot_services.ts";
import { openStoreOrExplain } from "../app/start_checks.ts";
import { ConfigError } from "../config/config_error.ts";
import { loadConfigWithoutToken } from "../config/optional_token.ts";
import {
  chatIdentity,
  runChat,
  TERMINAL_BOT_ID,
} from "../chat/chat_session.ts";
import {
  log,
  loggingOptionsFromEnv,
  secrets,
  setupLogging,
  stopLogging,
} from "../log/logging.ts";

async function* stdinLines(): AsyncGenerator<string> {
  let buffered = "";
  for await (
    const text of Deno.stdin.readable.pipeThrough(new TextDecoderStream())
  ) {
    buffered += text;
    let newline = buffered.indexOf("\n");
    while (newline !== -1) {
      yield buffered.slice(0, newline).replace(/\r$/, "");
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
  if (buffered !== "") yield buffered;
}

/** Runs the chat command; returns the exit code. */
export async function chat(args: string[]): Promise<number> {
  const env = (name: string) => Deno.env.get(name);
  const { options, warning } = loggingOptionsFromEnv(env, Deno.stderr);
  await setupLogging({
    ...options,
    level: env("LOG_LEVEL") ? options.level : "warning",
  });
  if (warning) log("chat").warn(warning);
  const file = env("BOT_CONFIG") ?? "bot.config.yaml";
  // The terminal needs no Discord token: unset or empty is fine here.
  let config;
  try {
    ({ config } = await loadConfigWithoutToken(file, env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.format());
    return 1;
  }
  secrets.add(config.secrets);
  const store = await openStoreOrExplain(env("DATABASE_URL"));
  if (store === null) return 1;
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => TERMINAL_BOT_ID,
    message_limit: Number.MAX_SAFE_INTEGER,
  });
  const encoder = new TextEncoder();
  const write = (text: string) => {
    let bytes = encoder.encode(text);
    while (bytes.length > 0) {
      bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
    }
  };
  const identity = chatIdentity(args, config, env("USER") ?? "you");
  if (args.includes("--admin") && identity.role_ids.length === 0) {
    log("chat").warn(
      "--admin has no effect: access.admin_roles is empty in the config",
    );
  }
  try {
    await runChat(
      services,
      identity,
      stdinLines(),
      write,
      Deno.stdin.isTerminal(),
    );
  } finally {
    // Summaries of the last turns are written before the store closes.
    await services.memory.idle();
    await store.close();
    await stopLogging();
  }
  return 0;
}

if (import.meta.main) Deno.exit(await chat(Deno.args));
