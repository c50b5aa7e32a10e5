/**
 * The playground in a real browser, driven by Playwright in Debian's
 * headless Chromium: `deno task playground` as a user runs it (the shipped
 * bot.config.yaml, no Discord token, the fake LLM server). Run by
 * `playground_browser_test.ts` in its own process, because Playwright reads
 * /proc and the test task has no --allow-all. Exits 1 with the failed
 * assertion. Screenshots go to the folder given as the first argument.
 *
 * @module
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";

const CHROMIUM = Deno.args[1] ?? "/usr/bin/chromium";
const PLAYGROUND = new URL("../../src/cli/playground.ts", import.meta.url)
  .pathname;
const SHIPPED = new URL("../../bot.config.yaml", import.meta.url).pathname;

const REPLY = [
  "Here is **bold**, _italic_ and a ||secret||.\n",
  "> a quote\n",
  "```ts\nconst answer: number = 42;\n```\n",
  "- one\n- two",
];

/** Starts `deno task playground` and resolves with its URL. */
async function startPlayground(dir: string, llm_url: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      PLAYGROUND,
      "--port",
      "0",
    ],
    cwd: dir,
    clearEnv: true,
    env: {
      BOT_CONFIG: `${dir}/bot.config.yaml`,
      DATABASE_URL: `sqlite:${dir}/bot.db`,
      LLM_API_URL: llm_url,
      LLM_MODEL: "test-model",
      NO_COLOR: "1",
      HOME: Deno.env.get("HOME") ?? dir,
      ...(Deno.env.get("DENO_DIR")
        ? { DENO_DIR: Deno.env.get("DENO_DIR")! }
        : {}),
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const stderr = (async () => {
    for await (
      const text of child.stderr.pipeThrough(new TextDecoderStream())
    ) {
      output += text;
    }
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  while (!/Playground: \S+\n/.test(stdout)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The playground exited:\n${stdout}${output}`);
    stdout += value;
  }
  const drain = (async () => {
    while (!(await reader.read()).done) { /* keep the pipe open */ }
  })();
  const url = /Playground: (\S+)\n/.exec(stdout)![1]!;
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await Promise.all([stderr, drain]);
    },
  };
}

async function shot(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** Runs every step; throws on the first failure. */
async function run(shots: string): Promise<void> {
  await using llm = await startFakeLlmServer({
    default_reply: () => ({ chunks: REPLY, chunk_delay_ms: 15 }),
  });
  const dir = await Deno.makeTempDir({ prefix: "playground-run-" });
  const config = `${dir}/bot.config.yaml`;
  const shipped = await Deno.readTextFile(SHIPPED);
  await Deno.writeTextFile(config, shipped);
  const playground = await startPlayground(dir, llm.url);
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(`${dir}/profile`, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] ?? await context.newPage();
    const origin = playground.url.slice(0, playground.url.indexOf("/?"));

    // Without the token: 401 and nothing of the page.
    const denied = await page.goto(`${origin}/`);
    assert.equal(denied?.status(), 401);
    assert.match(await page.content(), /access token/);
    await shot(page, shots, "1-without-token");

    // With the token: the page, the shipped config valid.
    const loaded = await page.goto(playground.url);
    assert.equal(loaded?.status(), 200);
    await page.locator("#config-badge.ok").waitFor();
    assert.ok(
      !page.url().includes("token="),
      "the token leaves the address bar",
    );
    // Every control has an accessible name; the skip link leads to the message box.
    // (Browser-side code as text: the test is type-checked without the DOM library.)
    const unnamed = await page.evaluate(
      `[...document.querySelectorAll("input, select, textarea, button")]
        .filter((c) => !(c.labels?.length || c.getAttribute("aria-label") || c.textContent.trim()))
        .map((c) => c.outerHTML)`,
    );
    assert.deepEqual(unnamed, []);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    assert.equal(
      await page.evaluate("document.activeElement?.id"),
      "composer-text",
    );
    await page.getByLabel("Display name").fill("Ann");

    // Send a message and see it stream in, rendered as Discord would.
    await page.getByLabel("Message", { exact: true }).fill(
      "Tell me **something**",
    );
    await page.keyboard.press("Enter");
    const reply = page.locator("li.message", { has: page.locator(".tag") })
      .first();
    await page.getByText("Answer complete.").waitFor();
    const updates = Number(await reply.getAttribute("data-updates"));
    assert.ok(updates >= 2, `the reply streamed in ${updates} updates`);
    await reply.locator("strong", { hasText: "bold" }).waitFor();
    await reply.locator("blockquote", { hasText: "a quote" }).waitFor();
    await reply.locator("pre.codeblock .hljs-keyword", { hasText: "const" })
      .waitFor();
    const spoiler = reply.locator(".spoiler");
    await spoiler.focus();
    await page.keyboard.press("Enter");
    assert.equal(await spoiler.getAttribute("aria-expanded"), "true");
    await reply.locator(".chunk-info", { hasText: "message 1" }).waitFor();

    // The inspector: the rendered system prompt and the budget.
    await reply.getByRole("button", { name: "Inspect" }).click();
    const system = page.locator("#request-messages li.kind-system pre");
    await system.waitFor();
    assert.match(
      await system.innerText(),
      /You are Helper, a friendly assistant in the playground #playground\.\s+The person talking to you is Ann\. Today is \d{4}-\d\d-\d\d\./,
    );
    assert.match(
      await page.locator("#budget").getAttribute("aria-label") ?? "",
      /of 8192 context tokens used by the prompt, 1024 reserved for the reply/,
    );
    await page.locator("#budget .seg-system").waitFor();
    assert.match(
      await page.locator("#timings").innerText(),
      /time to first token/,
    );
    await shot(page, shots, "2-answer-and-inspector");

    // Break the config: the located error shows, the last good config keeps working.
    await Deno.writeTextFile(
      config,
      shipped.replace("temperature: 0.7", "temperature: hot"),
    );
    await page.locator("#config-badge.bad").waitFor({ timeout: 15_000 });
    const report = page.locator("#config-report");
    await report.waitFor();
    assert.match(
      await report.innerText(),
      /bot\.config\.yaml:\d+:\d+ {2}personas\.helper\.temperature/,
    );
    await page.getByLabel("Message", { exact: true }).fill("still there?");
    await page.keyboard.press("Enter");
    await page.locator("li.message .tag").nth(1).waitFor();
    await page.getByText("Answer complete.").waitFor();
    await shot(page, shots, "3-broken-config");

    // Fix it: the page recovers.
    await Deno.writeTextFile(
      config,
      shipped.replace("max_tokens: 800", "max_tokens: 700"),
    );
    await page.locator("#config-badge.ok").waitFor({ timeout: 15_000 });
    assert.equal(await report.isHidden(), true);
    await shot(page, shots, "4-recovered");

    // Picking a persona runs /persona as in Discord.
    await page.getByLabel("Persona").selectOption("pirate");
    await page.getByText(/You are now talking to \*{0,2}pirate/).waitFor();

    // A reload shows the stored conversation of the place, and the persona chosen.
    await page.reload();
    await page.getByText(/The stored conversation here \(4 messages/).waitFor();
    await page.locator("li.message", { hasText: "still there?" }).waitFor();
    assert.equal(await page.getByLabel("Persona").inputValue(), "pirate");

    // A phone-sized window.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel("Message", { exact: true }).waitFor();
    await shot(page, shots, "5-phone");
  } finally {
    await context?.close();
    await playground.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const shots = Deno.args[0];
  if (shots === undefined) {
    console.error("usage: browser_driver.ts SCREENSHOT_DIR [CHROMIUM]");
    Deno.exit(2);
  }
  try {
    await run(shots);
  } catch (error) {
    console.error(
      error instanceof Error ? error.stack ?? error.message : error,
    );
    Deno.exit(1);
  }
}
