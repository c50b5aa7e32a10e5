/**
 * `deno task rest`: an empty `REST_PORT` or `REST_HOST` (as `REST_PORT=` in
 * `.env` or a compose file leaves it) means the default, 127.0.0.1:8090,
 * like every other empty setting, not "any free port" or an error.
 */
import assert from "node:assert/strict";

const script = new URL("../../src/cli/rest.ts", import.meta.url).pathname;

function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test("deno task rest listens on 127.0.0.1:8090 when REST_PORT and REST_HOST are set but empty", async () => {
  if (!portIsFree(8090)) {
    console.log("skipped: port 8090 is in use on this machine");
    return;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    env: {
      REST_PORT: "",
      REST_HOST: "",
      DISCORD_TOKEN: "MTIzNDU2Nzg5MDEyMzQ1Njc4.aaaa.bbbb",
      DISCORD_REST_SECRET: "a-long-shared-secret",
      LOG_FORMAT: "json",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  child.kill("SIGTERM");
  await reader.cancel();
  const stderr = await new Response(child.stderr).text();
  await child.status;
  assert.match(
    out,
    /REST proxy listening on http:\/\/127\.0\.0\.1:8090\b/,
    `${out}\n${stderr}`,
  );
});
