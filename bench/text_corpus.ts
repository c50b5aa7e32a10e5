/**
 * Deterministic text for the benchmarks: chat messages of realistic lengths
 * (short questions, longer answers with lists and code) for the stored
 * history, and a large mixed markdown-and-code document for the chunkers.
 *
 * @module
 */

import type { Random } from "./random.ts";

const WORDS = (
  "the a to of and in is it you that for on with as this be are was have " +
  "not but at from or by one all can what there if will more about which " +
  "when your model context server token reply message channel config " +
  "history stream chunk budget persona function value string number array " +
  "object return error request response async await promise deno discord " +
  "thread window limit queue retry timeout latency memory cache index query"
).split(" ");

const LANGUAGES = ["ts", "python", "rust", "sh", "json", ""];

const CODE_LINES = [
  'const result = await fetch(url, { method: "POST", body });',
  "if (response.status === 429) await sleep(retryAfter * 1000);",
  "for (const item of items) total += item.tokens;",
  "def handler(event, context):",
  '    return {"statusCode": 200, "body": json.dumps(data)}',
  'let chunks: Vec<String> = text.split("\\n\\n").map(String::from).collect();',
  '  "context_tokens": 8192, "reserve_tokens": 1024,',
  "deno run --allow-net --allow-read src/main.ts",
  "}",
  "",
];

function sentence(random: Random): string {
  const length = random.int(4, 18);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(random.pick(WORDS));
  const first = words[0] ?? "it";
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(" ")}${random.pick([".", ".", ".", "?", "!"])}`;
}

function paragraph(random: Random, sentences: number): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) parts.push(sentence(random));
  return parts.join(" ");
}

function codeBlock(random: Random, lines: number): string {
  const body: string[] = [];
  for (let i = 0; i < lines; i++) body.push(random.pick(CODE_LINES));
  const fence = random.next() < 0.9 ? "```" : "~~~";
  return `${fence}${random.pick(LANGUAGES)}\n${body.join("\n")}\n${fence}`;
}

function list(random: Random, items: number): string {
  const lines: string[] = [];
  const ordered = random.next() < 0.4;
  for (let i = 0; i < items; i++) {
    lines.push(`${ordered ? `${i + 1}.` : "-"} ${sentence(random)}`);
  }
  return lines.join("\n");
}

/** One markdown block: a paragraph, heading, list, quote or code block. */
function block(random: Random): string {
  const roll = random.next();
  if (roll < 0.45) return paragraph(random, random.int(1, 6));
  if (roll < 0.55) return `## ${sentence(random).slice(0, -1)}`;
  if (roll < 0.7) return list(random, random.int(2, 7));
  if (roll < 0.75) return `> ${paragraph(random, random.int(1, 3))}`;
  return codeBlock(random, random.int(3, 40));
}

/** Adds markdown blocks until the text reaches about `length` characters. */
function blocksUpTo(random: Random, length: number): string {
  const blocks: string[] = [];
  let size = 0;
  while (size < length) {
    const next = block(random);
    blocks.push(next);
    size += next.length + 2;
  }
  return blocks.join("\n\n");
}

/**
 * A chat message of realistic length: users mostly write a line or two,
 * sometimes pasted code; assistants answer with paragraphs, lists and code.
 */
export function chatMessage(
  random: Random,
  role: "user" | "assistant",
): string {
  const roll = random.next();
  if (role === "user") {
    if (roll < 0.7) return paragraph(random, random.int(1, 3));
    if (roll < 0.95) return paragraph(random, random.int(3, 9));
    return `${sentence(random)}\n\n${codeBlock(random, random.int(5, 30))}`;
  }
  if (roll < 0.4) return paragraph(random, random.int(1, 5));
  if (roll < 0.8) return blocksUpTo(random, random.int(400, 1500));
  return blocksUpTo(random, random.int(1500, 4000));
}

/**
 * About `bytes` characters (ASCII, so also bytes) of mixed markdown —
 * paragraphs, headings, lists, quotes — and fenced code, some blocks long
 * enough that the chunker must close and reopen the fence across a cut.
 */
export function markdownCorpus(random: Random, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const next = random.next() < 0.05
      ? codeBlock(random, random.int(60, 200))
      : block(random);
    parts.push(next);
    size += next.length + 2;
  }
  return parts.join("\n\n").slice(0, bytes);
}
