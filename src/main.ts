/**
 * `deno task start`: the bot's entry point. Reads the environment, loads and
 * checks the config (printing the full report on mistakes), opens the store
 * and runs the bot until SIGINT or SIGTERM.
 *
 * @module
 */

import { startBot } from "./app/start_bot.ts";

if (import.meta.main) Deno.exit(await startBot((name) => Deno.env.get(name)));
