/**
 * deploy/bot.service, the systemd unit: it must start an entry point that
 * exists, with no more permissions than `deno task start` and no fewer kinds
 * of them, stop on SIGTERM within the time the bot needs, and keep its
 * hardening. Where `systemd-analyze` is installed, systemd checks it too.
 */
import assert from "node:assert/strict";
import { isAbsolute, join, relative } from "node:path";
import { builtBotMain } from "../../src/cli/build.ts";

const ROOT = new URL("../../", import.meta.url);
const UNIT = Deno.readTextFileSync(new URL("deploy/bot.service", ROOT));

/** Section name → key → every value given (repeated keys accumulate). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1] ?? "", current);
      continue;
    }
    const equals = line.indexOf("=");
    assert.ok(current && equals > 0, `a key=value line in a section: ${line}`);
    const key = line.slice(0, equals);
    current.set(key, [...current.get(key) ?? [], line.slice(equals + 1)]);
  }
  return sections;
}

const unit = parseUnit(UNIT);
const service = unit.get("Service") ?? new Map<string, string[]>();
const one = (key: string) => {
  const values = service.get(key) ?? [];
  assert.equal(values.length, 1, `one ${key}=`);
  return values[0] ?? "";
};
const startTask = ((JSON.parse(
  Deno.readTextFileSync(new URL("deno.json", ROOT)),
) as { tasks: Record<string, { command: string }> }).tasks["start"]?.command) ??
  "";

/** `--allow-x[=a,b]` flags by kind: null for "everything", else the paths. */
function permissions(words: string[]): Map<string, string[] | null> {
  const result = new Map<string, string[] | null>();
  for (const word of words) {
    const match = /^--allow-([a-z-]+)(?:=(.*))?$/.exec(word);
    if (match) result.set(match[1] ?? "", match[2]?.split(",") ?? null);
  }
  return result;
}

Deno.test("bot.service starts an entry point that exists", async () => {
  await builtBotMain(); // build/bot/main.js, made by `deno task build`
  const [deno = "", verb, ...rest] = one("ExecStart").split(/\s+/);
  assert.ok(isAbsolute(deno) && deno.endsWith("/deno"), deno);
  if (verb === "task") {
    const tasks = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)))
      .tasks as Record<string, unknown>;
    assert.ok(rest[0] !== undefined && rest[0] in tasks);
    return;
  }
  assert.equal(verb, "run");
  const script = rest.find((word) => !word.startsWith("-"));
  assert.equal(script, startTask.split(/\s+/).at(-1), "same script as start");
  assert.ok(Deno.statSync(new URL(script ?? "", ROOT)).isFile);
});

Deno.test("bot.service grants the kinds of permission `deno task start` does, never more", () => {
  const words = one("ExecStart").split(/\s+/);
  if (words[1] === "task") return;
  const granted = permissions(words);
  const start = permissions(startTask.split(/\s+/));
  assert.deepEqual([...granted.keys()].sort(), [...start.keys()].sort());
  for (const [kind, paths] of granted) {
    const allowed = start.get(kind);
    if (allowed === null) continue;
    assert.ok(paths !== null, `--allow-${kind} is narrowed in start too`);
    for (const path of paths) assert.ok(allowed?.includes(path));
  }
  assert.ok(words.includes("--no-prompt"));
  assert.ok(words.includes("--frozen"), "never rewrites deno.lock");
});

Deno.test("bot.service builds the bundle first, as `deno task start` does, writing only build/ and its private /tmp", () => {
  const words = one("ExecStartPre").split(/\s+/);
  const tasks = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)))
    .tasks as Record<string, { command: string }>;
  assert.match(startTask, /^deno task build && /);
  const build = tasks.build?.command.split(/\s+/) ?? [];
  assert.equal(words.at(-1), build.at(-1), "same script as the build task");
  assert.ok(words.includes("--frozen") && words.includes("--no-prompt"));
  const writes = permissions(words).get("write");
  assert.ok(Array.isArray(writes), "--allow-write names its paths");
  const writable = one("ReadWritePaths").split(/\s+/);
  for (const path of writes) {
    if (path === "/tmp") {
      assert.equal(one("PrivateTmp"), "true");
      continue;
    }
    const absolute = join(one("WorkingDirectory"), path);
    assert.ok(writable.includes(absolute), `${absolute} is in ReadWritePaths`);
  }
});

Deno.test("bot.service may write only where systemd lets it", () => {
  const workdir = one("WorkingDirectory");
  assert.ok(isAbsolute(workdir));
  const writable = one("ReadWritePaths").split(/\s+/);
  const writes = permissions(one("ExecStart").split(/\s+/)).get("write");
  assert.ok(Array.isArray(writes), "--allow-write names its paths");
  for (const path of writes) {
    const absolute = isAbsolute(path) ? path : join(workdir, path);
    assert.ok(
      writable.some((dir) => !relative(dir, absolute).startsWith("..")),
      `${absolute} is in ReadWritePaths`,
    );
  }
});

Deno.test("bot.service runs unprivileged, restarts on failure and stops on SIGTERM", () => {
  const user = one("User");
  assert.ok(user !== "" && user !== "root" && user !== "0");
  assert.ok(isAbsolute(one("EnvironmentFile").replace(/^-/, "")));
  assert.equal(one("Restart"), "on-failure");
  assert.equal(one("KillSignal"), "SIGTERM");
  assert.equal(one("TimeoutStopSec"), "15");
  assert.equal(one("NoNewPrivileges"), "true");
  assert.equal(one("ProtectSystem"), "strict");
  assert.equal(service.has("MemoryDenyWriteExecute"), false, "V8 needs W+X");
  assert.deepEqual(unit.get("Install")?.get("WantedBy"), ["multi-user.target"]);
});

const ANALYZE = "/usr/bin/systemd-analyze";
const hasAnalyze = Deno.build.os === "linux" &&
  (() => {
    try {
      return Deno.statSync(ANALYZE).isFile;
    } catch {
      return false;
    }
  })();

Deno.test({
  name: "systemd-analyze verify finds nothing wrong with bot.service",
  ignore: !hasAnalyze,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      // verify checks that ExecStart's program exists: use this Deno.
      const file = join(dir, "llm-discord-bot.service");
      await Deno.writeTextFile(
        file,
        UNIT.replace(
          /^(ExecStart(?:Pre)?)=\S+/gm,
          (_, key) => `${key}=${Deno.execPath()}`,
        ),
      );
      const { code, stdout, stderr } = await new Deno.Command(ANALYZE, {
        args: ["verify", file],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const output = new TextDecoder().decode(stdout) +
        new TextDecoder().decode(stderr);
      assert.equal(code, 0, output);
      assert.equal(output, "", "no warnings");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
