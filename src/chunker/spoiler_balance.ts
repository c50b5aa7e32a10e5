/**
 * Keeps a spoiler (`||…||`) hidden when a reply is cut into several
 * messages: Discord matches the bars within one message only, so a spoiler
 * open at a cut is closed at the end of that chunk and reopened at the top
 * of the next. Bars escaped with a backslash (`\|`, as the reasoning
 * renderer writes a `|` inside reasoning) are not delimiters, and neither
 * are bars in code — a fenced block or an inline code span, as in
 * `a || b` — which Discord shows as they are. Chunks must have been cut
 * `SPOILER_RESERVE` characters short, so the added bars fit.
 *
 * @module
 */

import { applyFenceLine } from "./chunk_fence.ts";
import type { Fence } from "./chunk_fence.ts";

/** Characters each chunk must leave free for the added bars. */
export const SPOILER_RESERVE = 4;

/** The chunks with every spoiler balanced within its own chunk; see the module doc. */
export function balanceSpoilers(chunks: readonly string[]): string[] {
  let open = false;
  return chunks.map((chunk) => {
    const head = open ? `||${chunk}` : chunk;
    if (spoilerBars(chunk) % 2 === 1) open = !open;
    return open ? `${head}||` : head;
  });
}

/** How many spoiler delimiters `chunk` has outside code, line by line. */
function spoilerBars(chunk: string): number {
  let count = 0;
  let fence: Fence | null = null;
  for (let start = 0; start <= chunk.length;) {
    const newline = chunk.indexOf("\n", start);
    const end = newline === -1 ? chunk.length : newline;
    const before = fence;
    fence = applyFenceLine(fence, chunk, start, end, Infinity);
    // A fence line, or a line inside a fenced block, is code.
    if (before === null && fence === null) {
      count += barsOutsideInlineCode(chunk.slice(start, end));
    }
    start = end + 1;
  }
  return count;
}

/** Unescaped `||` in `line`, skipping inline code spans (a backtick run to the next run as long). */
function barsOutsideInlineCode(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length;) {
    if (line[i] === "`") {
      const run = backtickRun(line, i);
      const close = closingRun(line, i + run, run);
      i = close === -1 ? i + run : close + run;
    } else if (line[i] === "|" && line[i + 1] === "|" && line[i - 1] !== "\\") {
      count++;
      i += 2;
    } else i++;
  }
  return count;
}

function backtickRun(line: string, at: number): number {
  let end = at;
  while (line[end] === "`") end++;
  return end - at;
}

/** Where the next run of exactly `run` backticks starts, or -1. */
function closingRun(line: string, from: number, run: number): number {
  for (let j = from; j < line.length;) {
    if (line[j] !== "`") {
      j++;
      continue;
    }
    const found = backtickRun(line, j);
    if (found === run) return j;
    j += found;
  }
  return -1;
}
