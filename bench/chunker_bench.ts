/**
 * Chunker throughput, in process: `splitMessage` over a large mixed
 * markdown-and-code document, and `StreamChunker` fed the same text the way
 * the chunking stage feeds it — token-sized deltas, reading `chunks` after
 * every push — one reply at a time (replies of 2–16 kB, as a model with a
 * few thousand tokens of output writes them).
 *
 * @module
 */

import { splitMessage } from "../src/chunker/chunker.ts";
import { StreamChunker } from "../src/chunker/stream_chunker.ts";
import { seededRandom } from "./random.ts";
import { markdownCorpus } from "./text_corpus.ts";

/** How much text to chunk. */
export interface ChunkerOptions {
  /** Size of the document in bytes (ASCII, so also characters). */
  bytes: number;
  /** Timed runs of each measurement, after one untimed warm-up run on the first 10 %; the best counts. */
  repeats: number;
}

/** What the chunker run measured. */
export interface ChunkerResult {
  chunker_mb_per_s: number;
  stream_chunker_mb_per_s: number;
  /** Chunks `splitMessage` produced for the whole document. */
  chunks: number;
}

/** Cuts `text` into replies of 2–16 kB and each reply into 1–24 character deltas. */
function replies(text: string, seed: number): string[][] {
  const random = seededRandom(seed);
  const result: string[][] = [];
  let at = 0;
  while (at < text.length) {
    const end = Math.min(text.length, at + random.int(2_000, 16_000));
    const deltas: string[] = [];
    while (at < end) {
      const next = Math.min(end, at + random.int(1, 24));
      deltas.push(text.slice(at, next));
      at = next;
    }
    result.push(deltas);
  }
  return result;
}

/** The best of `repeats` timings of `run`, in seconds, after `warmup` runs once. */
function best(repeats: number, warmup: () => void, run: () => void): number {
  warmup();
  let fastest = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

/** Runs both chunker measurements. */
export function measureChunkers(options: ChunkerOptions): ChunkerResult {
  const text = markdownCorpus(seededRandom(11), options.bytes);
  const mb = text.length / 1e6;
  const head = text.slice(0, Math.ceil(text.length / 10));
  let chunks = 0;
  const split = best(
    options.repeats,
    () => splitMessage(head, 2000),
    () => {
      chunks = splitMessage(text, 2000).length;
    },
  );
  const streams = replies(text, 13);
  let sink = 0;
  const streamAll = (list: readonly string[][]) => {
    for (const deltas of list) {
      const chunker = new StreamChunker(2000);
      for (const delta of deltas) {
        chunker.push(delta);
        sink += chunker.chunks.length;
      }
      sink += chunker.finish().length;
    }
  };
  const stream = best(
    options.repeats,
    () => streamAll(streams.slice(0, Math.ceil(streams.length / 10))),
    () => streamAll(streams),
  );
  if (sink < 0) {
    throw new Error("unreachable: keeps the loop from being removed");
  }
  return {
    chunker_mb_per_s: mb / split,
    stream_chunker_mb_per_s: mb / stream,
    chunks,
  };
}
