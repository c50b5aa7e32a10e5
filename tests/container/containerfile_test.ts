/**
 * No container engine runs here, so these tests check what can be checked
 * by reading the Containerfile and its ignore file: the files it copies
 * exist and reach the build, its command names a real task, its Deno version
 * is the one CI pins, it runs unprivileged with /data as a volume, and its
 * health check (run here with Deno) asks /healthz.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));

interface Instruction {
  keyword: string;
  args: string;
}

/** Splits a Containerfile into instructions: comments dropped, `\` continuations joined. */
function parseContainerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    pending += pending === "" ? line : ` ${line}`;
    if (pending.endsWith("\\")) {
      pending = pending.slice(0, -1).trimEnd();
      continue;
    }
    const [keyword = "", ...rest] = pending.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(" ") });
    pending = "";
  }
  return instructions;
}

/** The words of a shell-form argument list, or the array of an exec-form one. */
function words(args: string): string[] {
  return args.startsWith("[")
    ? JSON.parse(args) as string[]
    : args.split(/\s+/);
}

/** `--flag=value` options removed: the sources and destination of COPY. */
function operands(args: string): string[] {
  return words(args).filter((word) => !word.startsWith("--"));
}

/** True when `.containerignore` rules exclude `path` (last matching rule wins). */
function ignored(rules: string[], path: string): boolean {
  let result = false;
  for (const rule of rules) {
    const negated = rule.startsWith("!");
    const pattern = (negated ? rule.slice(1) : rule).replace(/^\/|\/$/g, "");
    // `**/` matches any number of folders (none too), `*` any name part.
    const source = pattern.split("**/").map((part) =>
      part.split("*").map((piece) =>
        piece.replace(/[.+^${}()|[\]\\?]/g, "\\$&")
      ).join("[^/]*")
    ).join("(?:.*/)?");
    const regex = new RegExp(`^${source}(/.*)?$`);
    if (regex.test(path)) result = !negated;
  }
  return result;
}

const instructions = parseContainerfile(read("Containerfile"));
const all = (keyword: string) =>
  instructions.filter((i) => i.keyword === keyword);
const last = (keyword: string) => all(keyword).at(-1);
const ignoreRules = read(".containerignore").split("\n").map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const tasks =
  (JSON.parse(read("deno.json")) as { tasks: Record<string, unknown> })
    .tasks;

Deno.test("the Containerfile's Deno image is the version CI pins", () => {
  const pinned = /^deno_version=(.+)$/m.exec(read(".ci/versions"))?.[1];
  assert.ok(pinned, "deno_version in .ci/versions");
  const from = all("FROM");
  assert.equal(from.length, 1);
  assert.equal(from[0]?.args, `denoland/deno:${pinned}`);
});

Deno.test("every file the Containerfile copies exists and is not excluded from the build", () => {
  const copies = all("COPY").concat(all("ADD"));
  assert.ok(copies.length > 0);
  for (const copy of copies) {
    const sources = operands(copy.args).slice(0, -1);
    for (const source of sources) {
      const path = source.replace(/^\.\//, "").replace(/\/$/, "");
      assert.doesNotThrow(
        () => Deno.statSync(new URL(path, ROOT)),
        `COPY source ${source} exists`,
      );
      assert.equal(ignored(ignoreRules, path), false, `${source} is ignored`);
    }
  }
  const copied = copies.flatMap((c) => operands(c.args).slice(0, -1));
  for (const needed of ["deno.json", "deno.lock", "src/", "migrations/"]) {
    assert.ok(copied.includes(needed), `copies ${needed}`);
  }
});

Deno.test("the Containerfile caches dependencies from the lock before copying the sources", () => {
  const index = (predicate: (i: Instruction) => boolean) =>
    instructions.findIndex(predicate);
  const lock = index((i) =>
    i.keyword === "COPY" && i.args.includes("deno.lock")
  );
  const install = index((i) =>
    i.keyword === "RUN" && /^deno install --frozen$/.test(i.args)
  );
  const sources = index((i) =>
    i.keyword === "COPY" && i.args.startsWith("src/")
  );
  assert.ok(lock >= 0 && lock < install && install < sources, "layer order");
  const entrypoints = all("RUN").find((i) => i.args.includes("--entrypoint"));
  assert.ok(entrypoints, "a RUN deno install --entrypoint");
  const files = entrypoints.args.split(/\s+/).filter((w) => w.endsWith(".ts"));
  assert.ok(files.includes("src/main.ts"));
  for (const file of files) Deno.statSync(new URL(file, ROOT));
});

Deno.test("the image carries the bundle `start` runs, built after the sources and owned by root", () => {
  const sources = instructions.findIndex((i) =>
    i.keyword === "COPY" && i.args.startsWith("src/")
  );
  const build = instructions.findIndex((i) =>
    i.keyword === "RUN" && /(^|\s)deno task build(\s|$)/.test(i.args)
  );
  assert.ok(sources >= 0 && build > sources, "built from the copied sources");
  const userBefore = instructions.slice(0, build).filter((i) =>
    i.keyword === "USER"
  ).at(-1);
  assert.equal(userBefore?.args, "root", "the bot cannot change its bundle");
  assert.equal(
    ignored(ignoreRules, "build/bot/main.js"),
    true,
    "not copied in",
  );
});

Deno.test("the Containerfile's command runs a task that exists in deno.json", () => {
  assert.equal(all("CMD").length, 1);
  assert.equal(all("ENTRYPOINT").length, 0, "the image's own entrypoint stays");
  const command = words(last("CMD")?.args ?? "");
  const [verb, name] = command[0] === "deno" ? command.slice(1) : command;
  assert.equal(verb, "task");
  assert.ok(name !== undefined && name in tasks, `task ${name} exists`);
  assert.equal(name, "start");
});

Deno.test("the container runs as a non-root user with /data as its volume", () => {
  const user = last("USER")?.args;
  assert.ok(user !== undefined && !["root", "0", "0:0"].includes(user));
  assert.equal(last("WORKDIR")?.args, "/app");
  assert.ok(all("VOLUME").some((v) => words(v.args).includes("/data")));
  const env = all("ENV").map((e) => e.args).join(" ");
  assert.match(env, /(^|\s)DATABASE_URL=sqlite:\/data\/bot\.db(\s|$)/);
  assert.match(env, /(^|\s)HEALTH_HOST=0\.0\.0\.0(\s|$)/);
  assert.ok(all("EXPOSE").some((e) => e.args === "8080"));
  assert.equal(last("STOPSIGNAL")?.args, "SIGTERM");
  const run = all("RUN").find((r) => r.args.includes("/data"));
  assert.match(run?.args ?? "", /chown deno:deno \/data/);
});

Deno.test("the ignore files keep secrets, data and tests out of the build, and agree", () => {
  assert.equal(read(".dockerignore"), read(".containerignore"));
  for (
    const path of [
      ".env",
      ".env.local",
      "sub/.env",
      "data",
      "data/bot.db",
      ".git",
      "tests",
      "node_modules",
      "bench/last-run.json",
      "x.db-wal",
    ]
  ) {
    assert.equal(ignored(ignoreRules, path), true, `${path} is excluded`);
  }
  for (
    const path of [
      "src/main.ts",
      "deno.lock",
      "bot.config.yaml",
      ".env.example",
    ]
  ) {
    assert.equal(ignored(ignoreRules, path), false, `${path} is kept`);
  }
});

Deno.test("the HEALTHCHECK asks /healthz with Deno and fails when it is not OK", async (t) => {
  const check = last("HEALTHCHECK")?.args ?? "";
  const [, options = "", exec = ""] = /^(.*?)CMD (\[.*\])$/.exec(check) ?? [];
  assert.match(options, /--timeout=\d+s/);
  const command = JSON.parse(exec) as string[];
  assert.equal(command[0], "deno", "no curl in the image");
  assert.ok(command.at(-1)?.includes("/healthz"));
  const run = (port: number) =>
    new Deno.Command(Deno.execPath(), {
      args: command.slice(1),
      env: { HEALTH_PORT: String(port), NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
  for (const [status, code] of [[200, 0], [503, 1]] as const) {
    await t.step(`HTTP ${status} → exit ${code}`, async () => {
      const paths: string[] = [];
      await using server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        (request) => {
          paths.push(new URL(request.url).pathname);
          return new Response("ok", { status });
        },
      );
      const result = await run(server.addr.port);
      assert.equal(result.code, code, new TextDecoder().decode(result.stderr));
      assert.deepEqual(paths, ["/healthz"]);
    });
  }
  await t.step("nothing listening → exit 1", async () => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response("ok"),
    );
    const port = server.addr.port;
    await server.shutdown();
    assert.equal((await run(port)).code, 1);
  });
});
