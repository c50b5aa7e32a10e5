/**
 * Syntax highlighting for code blocks, as Discord does it: highlight.js
 * (the library Discord's client uses) with the block's language when it
 * knows it, plain escaped text otherwise. The only file that imports it.
 *
 * highlight.js and its grammars take about 4 MB of heap and 16 MB of
 * resident memory once loaded, so the bot loads it only when the
 * playground starts ({@link loadHighlighter}); until then code is escaped
 * text.
 *
 * @module
 */

// @ts-types="./highlight_js.d.ts"
import type hljsType from "highlight.js/lib/common";
import { escapeHtml } from "./markdown_inline.ts";

let hljs: typeof hljsType | null = null;
let loading: Promise<void> | null = null;

/** Loads highlight.js (once); resolves when code blocks are highlighted. */
export function loadHighlighter(): Promise<void> {
  loading ??= import("highlight.js/lib/common").then((module) => {
    hljs = module.default;
  });
  return loading;
}

/** The code as HTML with `hljs-*` spans; `language` may be "" or unknown. */
export function highlightCode(code: string, language: string): string {
  const name = language.toLowerCase();
  if (hljs === null || name === "" || hljs.getLanguage(name) === undefined) {
    return escapeHtml(code);
  }
  return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
}
