/**
 * `deno task rest [--port N]`: runs Discordeno's REST manager as a proxy for
 * several gateway processes (see `src/discord/rest_proxy.ts`). Reads
 * `DISCORD_TOKEN` and `DISCORD_REST_SECRET` (both required),
 * `REST_PORT` (default 8090; `--port` wins), `REST_HOST` (default
 * 127.0.0.1) and `DISCORD_API_BASE_URL` (tests). Prints one line with its
 * URL, then serves until SIGINT or SIGTERM. Exit codes: 0 stopped, 1 cannot
 * start, 2 bad arguments.
 *
 * @module
 */

import { startRestProxy } from "../discord/rest_proxy.ts";
import { botIdFromToken } from "../discord/bot_token.ts";
import {
  log,
  loggingOptionsFromEnv,
  secrets,
  setupLogging,
  stopLogging,
} from "../log/logging.ts";
import { stopSignal } from "../app/process_guards.ts";

/** The help text. */
export const REST_USAGE = `Usage: deno task rest [--port N]

Runs Discordeno's REST manager as a proxy: gateway processes started with
DISCORD_REST_URL=http://HOST:PORT and the same DISCORD_REST_SECRET send every
REST call through it, so Discord's rate limits hold for the whole bot.

  --port N      listen on port N (default REST_PORT, else 8090; 0: any free port)
  -h, --help    show this help

Needs DISCORD_TOKEN and DISCORD_REST_SECRET; REST_HOST (default 127.0.0.1).
`;

/** Runs the proxy until a stop signal; returns the exit code. */
export async function runRestProxy(
  args: readonly string[],
  env: (name: string) => string | undefined,
): Promise<number> {
  // Unset or empty: the default (an empty value must not mean "any free port").
  let port = Number(env("REST_PORT")?.trim() || "8090");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      console.log(REST_USAGE);
      return 0;
    }
    if (arg === "--port") port = Number(args[++i]);
    else {
      console.error(`Unknown argument ${arg}\n\n${REST_USAGE}`);
      return 2;
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("The port must be a whole number from 0 to 65535");
    return 2;
  }
  const token = env("DISCORD_TOKEN")?.trim();
  const secret = env("DISCORD_REST_SECRET")?.trim();
  if (!token || !secret) {
    console.error(
      `${
        !token ? "DISCORD_TOKEN" : "DISCORD_REST_SECRET"
      } is not set: the REST proxy needs the bot token and a shared secret that the gateway processes send (DISCORD_REST_SECRET=<a long random string> for both).`,
    );
    return 1;
  }
  if (botIdFromToken(token) === null) {
    console.error(
      "DISCORD_TOKEN does not look like a bot token (three parts separated by dots): copy it again from the Developer Portal's Bot tab.",
    );
    return 1;
  }
  secrets.add([token, secret]);
  const { options } = loggingOptionsFromEnv(env, Deno.stdout);
  await setupLogging(options);
  const logger = log("rest");
  const signal = stopSignal();
  let proxy;
  try {
    proxy = startRestProxy({
      token,
      secret,
      api_base_url: env("DISCORD_API_BASE_URL"),
      hostname: env("REST_HOST")?.trim() || "127.0.0.1",
      port,
      logger,
    });
  } catch (error) {
    console.error(
      `Cannot start the REST proxy: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
    signal.dispose();
    await stopLogging();
    return 1;
  }
  logger.info("REST proxy listening on {url}", { url: proxy.url });
  const name = await signal.promise;
  logger.info("{signal} received: stopping the REST proxy", { signal: name });
  await proxy.close();
  signal.dispose();
  await stopLogging();
  return 0;
}

if (import.meta.main) {
  Deno.exit(await runRestProxy(Deno.args, (name) => Deno.env.get(name)));
}
