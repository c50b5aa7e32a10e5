/**
 * Checks that need the whole config at once: a binding's persona, budget and
 * rate limit exist, a persona's endpoint exists, fallbacks do not loop, a
 * channel or server is bound only once. It works on the raw data, so these
 * problems are reported together with schema problems, not after them.
 *
 * @module
 */

import type { ConfigProblem } from "./config_error.ts";
import { didYouMean } from "./suggest.ts";

type Raw = Record<string, unknown>;

function asRecord(value: unknown): Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Raw
    : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** "known endpoints are "a", "b"", or "no endpoint is defined". */
function knownNames(kind: string, names: string[]): string {
  return names.length === 0
    ? `no ${kind} is defined`
    : `known ${kind}s are ${names.map((n) => `"${n}"`).join(", ")}`;
}

/** Every cross-reference problem in a raw (parsed, interpolated) config. */
export function checkCrossReferences(raw: unknown): ConfigProblem[] {
  const config = asRecord(raw);
  const problems: ConfigProblem[] = [];
  const personas = Object.keys(asRecord(config.personas));
  const endpoints = Object.keys(asRecord(config.endpoints));
  const budgets = [
    ...new Set(["default", ...Object.keys(asRecord(config.budgets))]),
  ];
  const rateLimits = [
    ...new Set(["default", ...Object.keys(asRecord(config.rate_limits))]),
  ];

  const reference = (
    path: (string | number)[],
    value: unknown,
    kind: string,
    known: string[],
  ) => {
    if (typeof value !== "string" || known.includes(value)) return;
    problems.push({
      path,
      message: `unknown ${kind} "${value}": ${knownNames(kind, known)}${
        didYouMean(value, known)
      }`,
    });
  };

  for (const [name, persona] of Object.entries(asRecord(config.personas))) {
    reference(
      ["personas", name, "endpoint"],
      asRecord(persona).endpoint,
      "endpoint",
      endpoints,
    );
  }

  for (const [name, endpoint] of Object.entries(asRecord(config.endpoints))) {
    reference(
      ["endpoints", name, "fallback"],
      asRecord(endpoint).fallback,
      "endpoint",
      endpoints,
    );
  }
  problems.push(...fallbackCycles(asRecord(config.endpoints)));

  for (const [name, budget] of Object.entries(asRecord(config.budgets))) {
    const { context_tokens, reserve_tokens } = asRecord(budget);
    if (
      typeof context_tokens === "number" &&
      typeof reserve_tokens === "number" &&
      reserve_tokens >= context_tokens
    ) {
      problems.push({
        path: ["budgets", name, "reserve_tokens"],
        message:
          `reserve_tokens (${reserve_tokens}) must be smaller than context_tokens (${context_tokens}), or no history fits`,
      });
    }
  }

  problems.push(...needsMessageContent(config));

  const boundChannels = new Map<string, number>();
  const boundGuilds = new Map<string, number>();
  asArray(config.bindings).forEach((item, index) => {
    const binding = asRecord(item);
    const at = (...rest: (string | number)[]) => ["bindings", index, ...rest];
    reference(at("persona"), binding.persona, "persona", personas);
    asArray(binding.personas).forEach((name, i) =>
      reference(at("personas", i), name, "persona", personas)
    );
    reference(at("budget"), binding.budget, "budget", budgets);
    reference(at("rate_limit"), binding.rate_limit, "rate limit", rateLimits);
    if (binding.channels === undefined && binding.guild === undefined) {
      problems.push({
        path: at(),
        message:
          'a binding needs either "channels" (a list of channel ids) or "guild" (a server id)',
      });
    }
    if (binding.channels !== undefined && binding.guild !== undefined) {
      problems.push({
        path: at("guild"),
        message:
          'a binding has either "channels" or "guild", not both: split it into two bindings',
      });
    }
    asArray(binding.channels).forEach((channel, i) => {
      if (typeof channel !== "string") return;
      const first = boundChannels.get(channel);
      if (first !== undefined && first !== index) {
        problems.push({
          path: at("channels", i),
          message:
            `channel ${channel} is already bound by bindings[${first}]; bind each channel once`,
        });
      } else boundChannels.set(channel, index);
    });
    if (typeof binding.guild === "string") {
      const first = boundGuilds.get(binding.guild);
      if (first !== undefined) {
        problems.push({
          path: at("guild"),
          message:
            `server ${binding.guild} is already bound by bindings[${first}]; bind each server once`,
        });
      } else boundGuilds.set(binding.guild, index);
    }
  });

  reference(
    ["memory", "summarizer"],
    asRecord(config.memory).summarizer,
    "persona",
    personas,
  );

  const dm = asRecord(asRecord(config.discord).dm);
  reference(["discord", "dm", "persona"], dm.persona, "persona", personas);
  asArray(dm.personas).forEach((name, i) =>
    reference(["discord", "dm", "personas", i], name, "persona", personas)
  );
  reference(["discord", "dm", "budget"], dm.budget, "budget", budgets);
  reference(
    ["discord", "dm", "rate_limit"],
    dm.rate_limit,
    "rate limit",
    rateLimits,
  );
  if (dm.enabled === true && dm.persona === undefined) {
    problems.push({
      path: ["discord", "dm", "enabled"],
      message:
        "DMs are enabled but discord.dm.persona is not set: name the persona that answers DMs",
    });
  }
  return problems;
}

/**
 * Without the Message Content intent Discord sends a bot the text of a server
 * message only when the message mentions it: a binding that must read other
 * messages cannot work.
 */
function needsMessageContent(config: Raw): ConfigProblem[] {
  if (asRecord(config.discord).message_content !== false) return [];
  const problems: ConfigProblem[] = [];
  const why =
    "with discord.message_content: false Discord sends the bot the text of a server message only when it mentions the bot";
  asArray(config.bindings).forEach((item, index) => {
    const binding = asRecord(item);
    const triggers = typeof binding.trigger === "string"
      ? [binding.trigger]
      : asArray(binding.trigger);
    for (const [i, trigger] of triggers.entries()) {
      if (trigger !== "reply" && trigger !== "always") continue;
      problems.push({
        path: typeof binding.trigger === "string"
          ? ["bindings", index, "trigger"]
          : ["bindings", index, "trigger", i],
        message:
          `trigger "${trigger}" needs the Message Content intent: ${why}` +
          (trigger === "reply"
            ? " (a reply pings the bot only when the author leaves the ping on)"
            : "") +
          "; use trigger: mention (and /ask), or set message_content: true and enable the intent in the Developer Portal",
      });
    }
    if (binding.context === "channel") {
      problems.push({
        path: ["bindings", index, "context"],
        message:
          `context: channel needs the Message Content intent to read the messages not addressed to the bot: ${why}; remove it, or set message_content: true and enable the intent in the Developer Portal`,
      });
    }
  });
  return problems;
}

function fallbackCycles(endpoints: Raw): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const reported = new Set<string>();
  for (const start of Object.keys(endpoints)) {
    const chain = [start];
    let current = asRecord(endpoints[start]).fallback;
    while (typeof current === "string" && current in endpoints) {
      if (current === start) {
        if (!chain.some((name) => reported.has(name))) {
          chain.forEach((name) => reported.add(name));
          problems.push({
            path: ["endpoints", start, "fallback"],
            message: `fallbacks form a loop: ${[...chain, start].join(" → ")}`,
          });
        }
        break;
      }
      if (chain.includes(current)) break;
      chain.push(current);
      current = asRecord(endpoints[current]).fallback;
    }
  }
  return problems;
}
