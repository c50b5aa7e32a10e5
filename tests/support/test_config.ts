/**
 * Configs for tests, built through the real loader so they carry every
 * default exactly as a user's file would.
 */
import { parseConfig } from "../../src/config/load_config.ts";
import type { Config } from "../../src/config/config_types.ts";

/** Channel ids used across tests. */
export const CHANNEL = "100000000000000001";
export const OTHER_CHANNEL = "100000000000000002";
export const USER_SCOPE_CHANNEL = "100000000000000003";
export const GUILD = "200000000000000001";
export const ADMIN_ROLE = "300000000000000001";
export const BOT_ID = "900000000000000001";

/** A config with a shared channel, a per-user channel, a server binding and DMs. */
export function testConfig(
  base_url = "http://127.0.0.1:9/v1",
  extra = "",
): Config {
  const text = `
version: 1
discord:
  token: test-token
  dm: { enabled: true, persona: helper }
endpoints:
  local:
    base_url: ${base_url}
    timeout: { first_token: 2s, idle: 2s, total: 10s }
    retries: 0
personas:
  helper:
    display_name: Helper
    endpoint: local
    model: test-model
    system_prompt: "You are Helper in {{server}} #{{channel}}, talking to {{user}}."
  pirate:
    display_name: Pirate
    endpoint: local
    model: test-model
    system_prompt: "You are a pirate."
budgets:
  default: { context_tokens: 4096, reserve_tokens: 512, max_messages: 50, max_age: 24h }
rate_limits:
  default: { per_user: 100/minute, per_channel: 1000/minute }
  strict: { per_user: 6/minute }
bindings:
  - channels: ["${CHANNEL}"]
    persona: helper
    personas: [helper, pirate]
    trigger: [mention, reply]
  - channels: ["${USER_SCOPE_CHANNEL}"]
    persona: helper
    personas: [helper, pirate]
    trigger: always
    scope: user
    rate_limit: strict
  - guild: "${GUILD}"
    persona: pirate
    trigger: mention
access:
  admin_roles: ["${ADMIN_ROLE}"]
${extra}`;
  return parseConfig(text, "test.yaml", () => undefined);
}
