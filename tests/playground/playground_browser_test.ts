/**
 * The playground in a real browser (see `browser_driver.ts`): load with and
 * without the token, a streamed reply rendered as Discord renders it, the
 * inspector's system prompt and budget, a broken config's located error
 * and the recovery. Skipped with one line when there is no Chromium.
 * Screenshots stay in the test's temp folder, which is printed.
 */
import assert from "node:assert/strict";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const DRIVER = new URL("./browser_driver.ts", import.meta.url).pathname;

function browserExists(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

const hasBrowser = browserExists();
if (!hasBrowser) {
  console.log(
    `playground browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

Deno.test({
  name:
    "playground in Chromium: token, streaming reply, inspector, broken config and recovery",
  ignore: !hasBrowser,
}, async () => {
  const shots = await Deno.makeTempDir({ prefix: "playground-browser-" });
  // Playwright reads /proc, which Deno allows only with --allow-all: a process of its own.
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", DRIVER, shots, CHROMIUM],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  assert.equal(code, 0, `${decode(stdout)}${decode(stderr)}`);
  const names = [];
  for await (const entry of Deno.readDir(shots)) names.push(entry.name);
  assert.deepEqual(names.sort(), [
    "1-without-token.png",
    "2-answer-and-inspector.png",
    "3-broken-config.png",
    "4-recovered.png",
    "5-phone.png",
  ]);
  console.log(`playground screenshots: ${shots}`);
});
