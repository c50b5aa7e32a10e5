/**
 * Separates `<think>…</think>` (and `<thinking>…</thinking>`) reasoning from
 * the visible answer in streamed text, also when a tag is split across
 * chunks (`"<thi"` + `"nk>"`): a chunk's tail that could be the start of a
 * tag is held back until the next chunk decides. Leading whitespace of the
 * answer and of each reasoning block is dropped, so `"</think>\n\nHi"`
 * shows as `"Hi"`. A closing tag without an opening one (chat templates
 * that open the block in the prompt) is removed; the text before it cannot
 * be taken back once streamed.
 *
 * @module
 */

const OPEN_TAGS = ["<think>", "<thinking>"] as const;
const CLOSE_TAGS = ["</think>", "</thinking>"] as const;
const ALL_TAGS: readonly string[] = [...OPEN_TAGS, ...CLOSE_TAGS];

/** Text split into what the user sees and what the model thought. */
export interface SplitText {
  text: string;
  reasoning: string;
}

function earliest(
  haystack: string,
  tags: readonly string[],
): { index: number; tag: string } | undefined {
  let best: { index: number; tag: string } | undefined;
  for (const tag of tags) {
    const index = haystack.indexOf(tag);
    if (index !== -1 && (best === undefined || index < best.index)) {
      best = { index, tag };
    }
  }
  return best;
}

/** Length of the longest tail of `text` that is a proper prefix of a tag. */
function heldTail(text: string): number {
  const start = Math.max(0, text.length - 11);
  for (let i = start; i < text.length; i++) {
    const tail = text.slice(i);
    if (
      ALL_TAGS.some((tag) => tag.length > tail.length && tag.startsWith(tail))
    ) {
      return text.length - i;
    }
  }
  return 0;
}

/** Stateful splitter for one reply; feed chunks in order, then call `end()`. */
export class ThinkSplitter {
  #pending = "";
  #inside = false;
  #trimText = true;
  #trimReasoning = true;

  /** Feeds one chunk of content; returns what can be decided so far. */
  push(chunk: string): SplitText {
    return this.#run(this.#pending + chunk, false);
  }

  /** Flushes what was held back at the end of the reply. */
  end(): SplitText {
    return this.#run(this.#pending, true);
  }

  #run(input: string, final: boolean): SplitText {
    const out: SplitText = { text: "", reasoning: "" };
    // Every tag starts with "<": most chunks have none and need no search.
    if (input.indexOf("<") === -1) {
      this.#emit(out, input);
      this.#pending = "";
      return out;
    }
    let rest = input;
    while (rest !== "") {
      const found = earliest(rest, this.#inside ? CLOSE_TAGS : ALL_TAGS);
      if (found === undefined) break;
      this.#emit(out, rest.slice(0, found.index));
      rest = rest.slice(found.index + found.tag.length);
      const opening = (OPEN_TAGS as readonly string[]).includes(found.tag);
      if (opening && !this.#inside) {
        this.#inside = true;
        this.#trimReasoning = true;
      } else if (!opening && this.#inside) {
        this.#inside = false;
        this.#trimText = true;
      }
      // A stray closing tag outside a block is simply dropped.
    }
    const hold = final ? 0 : heldTail(rest);
    this.#emit(out, rest.slice(0, rest.length - hold));
    this.#pending = rest.slice(rest.length - hold);
    return out;
  }

  #emit(out: SplitText, piece: string): void {
    if (piece === "") return;
    if (this.#inside) {
      const kept = this.#trimReasoning ? piece.trimStart() : piece;
      if (kept !== "") this.#trimReasoning = false;
      out.reasoning += kept;
    } else {
      const kept = this.#trimText ? piece.trimStart() : piece;
      if (kept !== "") this.#trimText = false;
      out.text += kept;
    }
  }
}

/** Splits a whole, already complete text in one go. */
export function splitThinking(content: string): SplitText {
  const splitter = new ThinkSplitter();
  const first = splitter.push(content);
  const last = splitter.end();
  return {
    text: first.text + last.text,
    reasoning: first.reasoning + last.reasoning,
  };
}
