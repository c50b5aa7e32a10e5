/**
 * Keeps a spoiler (`||…||`) hidden when a reply is cut into several
 * messages: Discord matches the bars within one message only, so a spoiler
 * open at a cut is closed at the end of that chunk and reopened at the top
 * of the next. Bars escaped with a backslash (`\|`, as the reasoning
 * renderer writes a `|` inside reasoning) are not delimiters. Chunks must
 * have been cut `SPOILER_RESERVE` characters short, so the added bars fit.
 *
 * @module
 */

/** Characters each chunk must leave free for the added bars. */
export const SPOILER_RESERVE = 4;

const DELIMITER = /(?<!\\)\|\|/g;

/** The chunks with every spoiler balanced within its own chunk; see the module doc. */
export function balanceSpoilers(chunks: readonly string[]): string[] {
  let open = false;
  return chunks.map((chunk) => {
    const head = open ? `||${chunk}` : chunk;
    const bars = chunk.match(DELIMITER)?.length ?? 0;
    if (bars % 2 === 1) open = !open;
    return open ? `${head}||` : head;
  });
}
