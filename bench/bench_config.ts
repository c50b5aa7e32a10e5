/**
 * The bot config the benchmarks run with: one endpoint (the fake LLM) with
 * room for hundreds of requests in flight, one persona, an 8k-token budget
 * whose token limit (not `max_messages`) bounds the window, rate limits
 * raised so they never refuse a turn, and every benchmark channel bound.
 *
 * @module
 */

/** What varies between benchmark runs. */
export interface BenchConfigOptions {
  llm_url: string;
  /** Channel ids to bind (mention or reply triggers). */
  channels: readonly string[];
  /** The endpoint's `max_concurrency` (default 256). */
  max_concurrency?: number;
  /** The budget's `context_tokens` (default 8192). */
  context_tokens?: number;
  /** The budget's `reserve_tokens` (default 1024). */
  reserve_tokens?: number;
  /** The budget's `max_messages` (default 200). */
  max_messages?: number;
}

/** The YAML text of the benchmark config. */
export function benchConfig(options: BenchConfigOptions): string {
  const concurrency = options.max_concurrency ?? 256;
  const channels = options.channels.map((c) => `"${c}"`).join(", ");
  return `version: 1
discord:
  token: \${DISCORD_TOKEN}
  commands: global
endpoints:
  local:
    base_url: "${options.llm_url}"
    retries: 0
    max_concurrency: ${concurrency}
    max_queue: ${concurrency * 4}
    timeout: { first_token: 20s, idle: 20s, total: 60s }
personas:
  helper:
    display_name: Helper
    endpoint: local
    model: test-model
    system_prompt: |
      You are {{persona}}, a helpful assistant in {{server}} #{{channel}}.
      The person talking to you is {{user}}. Today is {{date}}.
budgets:
  default:
    context_tokens: ${options.context_tokens ?? 8192}
    reserve_tokens: ${options.reserve_tokens ?? 1024}
    max_messages: ${options.max_messages ?? 200}
    max_age: 30d
rate_limits:
  default: { per_user: 1000000/minute, per_channel: 1000000/minute }
bindings:
  - channels: [${channels}]
    persona: helper
    trigger: [mention, reply]
`;
}
