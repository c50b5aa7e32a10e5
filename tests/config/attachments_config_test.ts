import assert from "node:assert/strict";
import { parseByteSize } from "../../src/config/byte_size.ts";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/load_config.ts";

const minimal = Deno.readTextFileSync(
  new URL("./valid_minimal.yaml", import.meta.url),
);
const env = (name: string) => name === "DISCORD_TOKEN" ? "t.t.t" : undefined;

function problemsOf(text: string) {
  try {
    parseConfig(text, "bot.config.yaml", env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

Deno.test("parseByteSize() reads decimal and binary units and plain bytes", async (t) => {
  const cases: [string, number | null][] = [
    ["100kB", 100_000],
    ["100KB", 100_000],
    ["8MB", 8_000_000],
    ["1.5 MB", 1_500_000],
    ["512KiB", 524_288],
    ["2048", 2048],
    ["12 B", 12],
    ["8 megabytes", null],
    ["", null],
  ];
  for (const [text, bytes] of cases) {
    await t.step(
      text || "(empty)",
      () => assert.equal(parseByteSize(text), bytes),
    );
  }
});

Deno.test("parseConfig() fills the attachment, vision, message_content and context defaults", () => {
  const config = parseConfig(minimal, "bot.config.yaml", env);
  assert.deepEqual(config.attachments, {
    max_text_bytes: 100_000,
    max_images: 4,
    max_image_bytes: 8_000_000,
    history_images: false,
  });
  assert.equal(config.personas.helper?.vision, false);
  assert.equal(config.discord.message_content, true);
  assert.equal(config.bindings[0]?.context, "conversation");
});

Deno.test("parseConfig() reads attachments sizes written as text or bytes", () => {
  const config = parseConfig(
    `${minimal}attachments: { max_text_bytes: 1MiB, max_image_bytes: 500000, max_images: 2, history_images: true }\n`,
    "bot.config.yaml",
    env,
  );
  assert.deepEqual(config.attachments, {
    max_text_bytes: 1_048_576,
    max_images: 2,
    max_image_bytes: 500_000,
    history_images: true,
  });
});

Deno.test("parseConfig() explains a size it cannot read at its key", () => {
  const problems = problemsOf(
    `${minimal}attachments: { max_text_bytes: lots }\n`,
  );
  assert.equal(problems.length, 1);
  assert.deepEqual(problems[0]?.path, ["attachments", "max_text_bytes"]);
  assert.match(problems[0]?.message ?? "", /expected a size like "100kB"/);
});

Deno.test("with message_content: false, a binding that needs content is an error at its trigger or context, saying why", () => {
  const text = minimal.replace(
    "  token: ${DISCORD_TOKEN}\n",
    "  token: ${DISCORD_TOKEN}\n  message_content: false\n",
  ).replace(
    "    persona: helper\n",
    "    persona: helper\n    trigger: [mention, reply]\n    context: channel\n",
  );
  const problems = problemsOf(text);
  assert.deepEqual(problems.map((p) => p.path), [
    ["bindings", 0, "trigger", 1],
    ["bindings", 0, "context"],
  ]);
  assert.match(
    problems[0]?.message ?? "",
    /trigger "reply" needs the Message Content intent/,
  );
  assert.match(problems[0]?.message ?? "", /only when it mentions the bot/);
  assert.match(
    problems[1]?.message ?? "",
    /context: channel needs the Message Content intent/,
  );
  assert.equal(problems[0]?.position?.line, 22);
});

Deno.test("with message_content: false, the default trigger (mention and reply) is an error too, and mention alone is fine", () => {
  const off = minimal.replace(
    "  token: ${DISCORD_TOKEN}\n",
    "  token: ${DISCORD_TOKEN}\n  message_content: false\n",
  );
  // The default trigger is [mention, reply]: the user must say "mention" explicitly.
  assert.equal(
    problemsOf(off).length,
    0,
    "defaults are not written, so they are not checked here",
  );
  const mention = off.replace(
    "    persona: helper\n",
    "    persona: helper\n    trigger: mention\n",
  );
  assert.deepEqual(problemsOf(mention), []);
});
