/**
 * Discord's inline Markdown as HTML: bold, italic, underline, strikethrough,
 * spoilers, inline code, masked links and bare links, mentions, custom
 * emoji and backslash escapes. Everything else is escaped text, so model
 * output can never inject markup into the page.
 *
 * @module
 */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface InlineRule {
  pattern: RegExp;
  render: (match: RegExpExecArray) => string;
}

function wrap(tag: string, inner: string, attrs = ""): string {
  return `<${tag}${attrs}>${renderInline(inner)}</${tag}>`;
}

function link(href: string, label: string, labelIsHtml = false): string {
  return `<a href="${
    escapeHtml(href)
  }" target="_blank" rel="noopener noreferrer">${
    labelIsHtml ? label : escapeHtml(label)
  }</a>`;
}

/** Rules in priority order: at one position the earlier rule wins. */
const RULES: InlineRule[] = [
  { pattern: /\\([^A-Za-z0-9\s])/g, render: (m) => escapeHtml(m[1] ?? "") },
  {
    pattern: /(`+)([\s\S]*?[^`])\1(?!`)/g,
    render: (m) =>
      `<code class="inline">${escapeHtml(m[2]?.trim() ?? "")}</code>`,
  },
  {
    pattern: /\|\|([\s\S]+?)\|\|/g,
    render: (m) =>
      wrap(
        "span",
        m[1] ?? "",
        ' class="spoiler" role="button" tabindex="0" aria-expanded="false" aria-label="Spoiler (press to reveal)"',
      ),
  },
  {
    pattern: /\*\*\*([^*][\s\S]*?)\*\*\*/g,
    render: (m) => `<strong><em>${renderInline(m[1] ?? "")}</em></strong>`,
  },
  {
    pattern: /\*\*([^*][\s\S]*?)\*\*/g,
    render: (m) => wrap("strong", m[1] ?? ""),
  },
  { pattern: /__([^_][\s\S]*?)__/g, render: (m) => wrap("u", m[1] ?? "") },
  { pattern: /\*([^\s*][\s\S]*?)\*/g, render: (m) => wrap("em", m[1] ?? "") },
  {
    pattern: /(?<![A-Za-z0-9])_([^\s_][\s\S]*?)_(?![A-Za-z0-9])/g,
    render: (m) => wrap("em", m[1] ?? ""),
  },
  { pattern: /~~([\s\S]+?)~~/g, render: (m) => wrap("s", m[1] ?? "") },
  {
    pattern: /\[([^\]\n]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)/g,
    render: (m) => link(m[2] ?? "", renderInline(m[1] ?? ""), true),
  },
  {
    pattern: /<?(https?:\/\/[^\s<>]*[^\s<>.,:;"')\]])>?/g,
    render: (m) => link(m[1] ?? "", m[1] ?? ""),
  },
  {
    pattern: /<@!?(\d+)>/g,
    render: (m) =>
      `<span class="mention">@user ${escapeHtml(m[1] ?? "")}</span>`,
  },
  {
    pattern: /<@&(\d+)>/g,
    render: (m) =>
      `<span class="mention">@role ${escapeHtml(m[1] ?? "")}</span>`,
  },
  {
    pattern: /<#(\d+)>/g,
    render: (m) => `<span class="mention">#${escapeHtml(m[1] ?? "")}</span>`,
  },
  {
    pattern: /<a?:(\w+):\d+>/g,
    render: (m) => `<span class="emoji">:${escapeHtml(m[1] ?? "")}:</span>`,
  },
  {
    pattern: /@(everyone|here)\b/g,
    render: (m) => `<span class="mention">@${m[1]}</span>`,
  },
];

/** Renders one block's inline Markdown (newlines become `<br>`). */
export function renderInline(text: string): string {
  let out = "";
  let position = 0;
  while (position < text.length) {
    let best: { match: RegExpExecArray; rule: InlineRule } | null = null;
    for (const rule of RULES) {
      rule.pattern.lastIndex = position;
      const match = rule.pattern.exec(text);
      if (match !== null && (best === null || match.index < best.match.index)) {
        best = { match, rule };
      }
    }
    if (best === null) break;
    out += plain(text.slice(position, best.match.index));
    out += best.rule.render(best.match);
    position = best.match.index + best.match[0].length;
  }
  return out + plain(text.slice(position));
}

function plain(text: string): string {
  return escapeHtml(text).replace(/\n/g, "<br>");
}
