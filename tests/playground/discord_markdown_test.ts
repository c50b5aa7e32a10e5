/** Discord's Markdown as the playground renders it. */
import assert from "node:assert/strict";
import { renderDiscordMarkdown } from "../../src/playground/discord_markdown.ts";
import { loadHighlighter } from "../../src/playground/code_highlight.ts";

// The bot loads highlight.js only with the playground; these tests render with it.
await loadHighlighter();

Deno.test("renderDiscordMarkdown() renders what Discord renders", async (t) => {
  const cases: [string, string, string][] = [
    [
      "bold, italic, underline, strike",
      "**b** *i* _j_ __u__ ~~s~~ ***bi***",
      "<p><strong>b</strong> <em>i</em> <em>j</em> <u>u</u> <s>s</s> <strong><em>bi</em></strong></p>",
    ],
    [
      "inline code keeps its content literal",
      "`**x**`",
      '<p><code class="inline">**x**</code></p>',
    ],
    [
      "spoiler",
      "||hidden||",
      '<p><span class="spoiler" role="button" tabindex="0" aria-expanded="false" aria-label="Spoiler (press to reveal)">hidden</span></p>',
    ],
    ["line breaks are kept", "a\nb", "<p>a<br>b</p>"],
    [
      "quote lines",
      "> one\n> two\nafter",
      "<blockquote><p>one<br>two</p></blockquote><p>after</p>",
    ],
    [
      ">>> quotes the rest",
      ">>> one\ntwo",
      "<blockquote><p>one<br>two</p></blockquote>",
    ],
    [
      "headings and subtext",
      "# H\n-# small",
      '<h3 class="md-h1">H</h3><p class="subtext">small</p>',
    ],
    [
      "lists",
      "- a\n- b\n1. c",
      '<ul><li>a</li><li>b</li></ul><ol start="1"><li>c</li></ol>',
    ],
    [
      "masked and bare links",
      "[x](https://a.example) https://b.example.",
      '<p><a href="https://a.example" target="_blank" rel="noopener noreferrer">x</a> <a href="https://b.example" target="_blank" rel="noopener noreferrer">https://b.example</a>.</p>',
    ],
    ["escapes", "\\*not italic\\*", "<p>*not italic*</p>"],
    [
      "mentions",
      "<@123> <#456> @everyone",
      '<p><span class="mention">@user 123</span> <span class="mention">#456</span> <span class="mention">@everyone</span></p>',
    ],
    [
      "HTML is text",
      "<img src=x onerror=alert(1)>",
      "<p>&#60;img src=x onerror=alert(1)&#62;</p>",
    ],
    [
      "a javascript: link is not a link",
      "[x](javascript:alert(1))",
      "<p>[x](javascript:alert(1))</p>",
    ],
  ];
  for (const [name, input, html] of cases) {
    await t.step(name, () => assert.equal(renderDiscordMarkdown(input), html));
  }
});

Deno.test("renderDiscordMarkdown() highlights fenced code by language and leaves unknown ones plain", () => {
  const ts = renderDiscordMarkdown("```ts\nconst a = '<b>';\n```");
  assert.match(
    ts,
    /^<pre class="codeblock" data-language="ts"><code class="hljs">/,
  );
  assert.match(ts, /<span class="hljs-keyword">const<\/span>/);
  assert.match(ts, /&#x27;&lt;b&gt;&#x27;/);
  assert.ok(!ts.includes("<b>"));
  const plain = renderDiscordMarkdown("```\n**not bold** <i>\n```");
  assert.equal(
    plain,
    '<pre class="codeblock"><code class="hljs">**not bold** &#60;i&#62;</code></pre>',
  );
});
