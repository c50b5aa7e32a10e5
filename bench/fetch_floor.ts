/**
 * What Deno's `fetch` alone costs a turn: the three HTTP requests a
 * throughput turn makes — one streamed chat completion (a role chunk, eight
 * text chunks and usage as separate SSE events, a 60-message request body)
 * and two small JSON requests standing for the reply's send and its final
 * edit — with 200 loops at once against a local server in another process.
 * Nothing of the bot runs, so this is the floor under `cpu_ms_per_turn` that
 * the network alone sets (bench/README.md, "Fifth pass").
 *
 * Run with `deno run -A bench/fetch_floor.ts`; prints turns per second and
 * the client process's user + system CPU per turn over a 6 s window.
 *
 * @module
 */

import { readProcFile } from "./proc_files.ts";
import { REPLY_CHUNKS } from "./throughput_bench.ts";

const LOOPS = 200;
const WARMUP_MS = 3_000;
const WINDOW_MS = 6_000;
const CHUNKS = ["[t1] ", ...REPLY_CHUNKS];

/** Serves `/llm` (an SSE stream, one enqueue per event) and a JSON echo elsewhere. */
function serve(port: number): void {
  const encoder = new TextEncoder();
  const event = (payload: unknown) =>
    encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
  const chunk = (delta: Record<string, unknown>) =>
    event({
      id: "x",
      object: "chat.completion.chunk",
      model: "m",
      choices: [{ index: 0, delta, finish_reason: null }],
    });
  Deno.serve({ port, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const body = await req.text();
    if (new URL(req.url).pathname !== "/llm") {
      return Response.json({
        id: "123456789012345678",
        channel_id: "1",
        content: body.slice(0, 50),
        timestamp: new Date().toISOString(),
      });
    }
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(chunk({ role: "assistant", content: "" }));
        for (const text of CHUNKS) {
          await null;
          controller.enqueue(chunk({ content: text }));
        }
        controller.enqueue(
          event({ choices: [], usage: { prompt_tokens: 100 } }),
        );
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      },
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream" },
    });
  });
}

/** This process's user + system CPU time, ms. */
async function cpuMs(): Promise<number> {
  const stat = await readProcFile(`${Deno.pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One turn's requests, in a loop, until the process exits. */
async function loop(base: string, count: () => void): Promise<never> {
  const messages = Array.from({ length: 60 }, (_, i) => ({
    role: i % 2 ? "assistant" : "user",
    content: `message ${i} about the retry setting and how it works`,
  }));
  const json = { "content-type": "application/json", authorization: "Bot x" };
  for (;;) {
    const response = await fetch(`${base}/llm`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ model: "m", stream: true, messages }),
    });
    const reader = response.body!.getReader({ mode: "byob" });
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(8192));
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    for (const line of text.split("\n")) {
      if (line.startsWith("data: {")) JSON.parse(line.slice(6));
    }
    for (const method of ["POST", "PATCH"]) {
      const write = await fetch(`${base}/discord`, {
        method,
        headers: json,
        body: JSON.stringify({ content: text.slice(0, 200) }),
      });
      await write.json();
    }
    count();
  }
}

/** Starts the server process, runs the loops, prints the figures. */
async function main(): Promise<void> {
  if (Deno.args[0] === "--serve") return serve(Number(Deno.args[1]));
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", import.meta.filename!, "--serve", `${port}`],
    stdout: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try {
      await (await fetch(`${base}/up`, { method: "POST" })).body?.cancel();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  let turns = 0;
  let counting = false;
  for (let i = 0; i < LOOPS; i++) {
    // The loops end with the server; what they throw then is not news.
    loop(base, () => counting && turns++).catch(() => {});
  }
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const cpuStart = await cpuMs();
  const start = performance.now();
  counting = true;
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  counting = false;
  const cpu = await cpuMs() - cpuStart;
  const seconds = (performance.now() - start) / 1000;
  console.log(`turns/s              ${(turns / seconds).toFixed(0)}`);
  console.log(`cpu_ms_per_turn      ${(cpu / turns).toFixed(3)}`);
  server.kill("SIGKILL");
  await server.status;
  Deno.exit(0);
}

if (import.meta.main) await main();
