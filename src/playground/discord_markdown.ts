/**
 * Renders a message the way Discord's client shows it: fenced code blocks
 * with syntax highlighting, block quotes (`> ` per line, `>>> ` to the end),
 * headings (`#`, `##`, `###`), subtext (`-# `), bulleted and numbered lists,
 * and the inline styles of `markdown_inline.ts`. Line breaks are kept, as
 * in Discord. The output is safe to put into the page: all text is escaped.
 *
 * @module
 */

import { highlightCode } from "./code_highlight.ts";
import { escapeHtml, renderInline } from "./markdown_inline.ts";

const FENCE = /```(?:([A-Za-z0-9_+.#-]+)\n|\n?)([\s\S]*?)```/g;

/** One Discord message as HTML. */
export function renderDiscordMarkdown(text: string): string {
  let out = "";
  let position = 0;
  FENCE.lastIndex = 0;
  for (let match = FENCE.exec(text); match; match = FENCE.exec(text)) {
    out += renderBlocks(trimNewline(text.slice(position, match.index)), true);
    const language = match[1] ?? "";
    const code = (match[2] ?? "").replace(/\n$/, "");
    out += `<pre class="codeblock"${
      language ? ` data-language="${escapeHtml(language)}"` : ""
    }><code class="hljs">${highlightCode(code, language)}</code></pre>`;
    position = match.index + match[0].length;
  }
  out += renderBlocks(trimNewline(text.slice(position)), true);
  return out;
}

function trimNewline(text: string): string {
  return text.replace(/^\n/, "").replace(/\n$/, "");
}

type Block =
  | { kind: "text" | "quote"; lines: string[] }
  | { kind: "ul" | "ol"; items: string[]; start: number }
  | { kind: "heading"; level: number; text: string }
  | { kind: "subtext"; text: string };

/** Renders text without code fences, line by line into blocks. */
function renderBlocks(text: string, quotesAllowed: boolean): string {
  if (text === "") return "";
  const lines = text.split("\n");
  const blocks: Block[] = [];
  const last = () => blocks[blocks.length - 1];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const tail = last();
    if (quotesAllowed && /^>>> /.test(line)) {
      blocks.push({
        kind: "quote",
        lines: [line.slice(4), ...lines.slice(i + 1)],
      });
      break;
    }
    const quote = quotesAllowed ? /^> ?(.*)$/.exec(line) : null;
    if (quote && (line.startsWith("> ") || line === ">")) {
      if (tail?.kind === "quote") tail.lines.push(quote[1] ?? "");
      else blocks.push({ kind: "quote", lines: [quote[1] ?? ""] });
      continue;
    }
    const heading = /^(#{1,3}) (.+)$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      blocks.push({ kind: "heading", level, text: heading[2] ?? "" });
      continue;
    }
    const subtext = /^-# (.+)$/.exec(line);
    if (subtext) {
      blocks.push({ kind: "subtext", text: subtext[1] ?? "" });
      continue;
    }
    const bullet = /^\s*[-*] (.*)$/.exec(line);
    if (bullet) {
      if (tail?.kind === "ul") tail.items.push(bullet[1] ?? "");
      else blocks.push({ kind: "ul", items: [bullet[1] ?? ""], start: 1 });
      continue;
    }
    const numbered = /^\s*(\d{1,9})\. (.*)$/.exec(line);
    if (numbered) {
      if (tail?.kind === "ol") tail.items.push(numbered[2] ?? "");
      else {
        blocks.push({
          kind: "ol",
          items: [numbered[2] ?? ""],
          start: Number(numbered[1]),
        });
      }
      continue;
    }
    if (tail?.kind === "text") tail.lines.push(line);
    else blocks.push({ kind: "text", lines: [line] });
  }
  return blocks.map(renderBlock).join("");
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "text":
      return `<p>${renderInline(block.lines.join("\n"))}</p>`;
    case "quote":
      return `<blockquote>${
        renderBlocks(block.lines.join("\n"), false)
      }</blockquote>`;
    case "heading":
      return `<h${block.level + 2} class="md-h${block.level}">${
        renderInline(block.text)
      }</h${block.level + 2}>`;
    case "subtext":
      return `<p class="subtext">${renderInline(block.text)}</p>`;
    case "ul":
    case "ol": {
      const items = block.items.map((item) => `<li>${renderInline(item)}</li>`)
        .join("");
      return block.kind === "ul"
        ? `<ul>${items}</ul>`
        : `<ol start="${block.start}">${items}</ol>`;
    }
  }
}
