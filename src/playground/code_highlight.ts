/**
 * Syntax highlighting for code blocks, as Discord does it: highlight.js
 * (the library Discord's client uses) with the block's language when it
 * knows it, plain escaped text otherwise. The only file that imports it.
 *
 * @module
 */

// @ts-types="./highlight_js.d.ts"
import hljs from "highlight.js/lib/common";
import { escapeHtml } from "./markdown_inline.ts";

/** The code as HTML with `hljs-*` spans; `language` may be "" or unknown. */
export function highlightCode(code: string, language: string): string {
  const name = language.toLowerCase();
  if (name === "" || hljs.getLanguage(name) === undefined) {
    return escapeHtml(code);
  }
  return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
}
