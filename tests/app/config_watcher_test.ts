import assert from "node:assert/strict";
import { reloadConfig, watchConfig } from "../../src/app/config_watcher.ts";
import { describeConfigChanges } from "../../src/config/config_changes.ts";
import type { Config } from "../../src/config/config_types.ts";
import { loadConfig } from "../../src/config/load_config.ts";
import { log, setupLogging, stopLogging } from "../../src/log/logging.ts";

const valid = Deno.readTextFileSync(
  new URL("../config/valid_minimal.yaml", import.meta.url),
);
const env = (name: string) => name === "DISCORD_TOKEN" ? "t.t.t" : undefined;

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("watchConfig() applies a valid edit and keeps the running config on a broken one", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/bot.config.yaml`;
  const lines: string[] = [];
  await setupLogging({
    level: "info",
    format: "text",
    write: (line) => lines.push(line),
  });
  await Deno.writeTextFile(file, valid);
  let current: Config = await loadConfig(file, env);
  const applied: string[] = [];
  let rejected = 0;
  const watcher = watchConfig({
    file,
    env,
    current: () => current,
    apply: (next) => {
      current = next;
      applied.push(Object.keys(next.personas).join(","));
    },
    logger: log("reload"),
    onRejected: () => rejected++,
    debounce_ms: 20,
  });
  try {
    await Deno.writeTextFile(
      file,
      valid.replace(
        "personas:\n",
        "personas:\n  poet: { endpoint: local, model: m }\n",
      ),
    );
    await eventually(() => applied.length === 1, "the reload");
    assert.deepEqual(applied, ["poet,helper"]);
    assert.ok(
      lines.some((l) => l.includes("Config reloaded: personas +poet")),
      lines.join(""),
    );

    await Deno.writeTextFile(
      file,
      valid.replace("persona: helper", "persona: nobody"),
    );
    await eventually(
      () => lines.some((l) => l.includes("Config change rejected")),
      "the rejection",
    );
    assert.ok(lines.some((l) => l.includes('unknown persona "nobody"')));
    assert.deepEqual(applied, ["poet,helper"], "a broken file is not applied");
    assert.equal(rejected, 1);
    assert.ok("poet" in current.personas);
  } finally {
    watcher.close();
    await stopLogging();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("describeConfigChanges() names what changed and never the token", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.yaml`, valid);
    await Deno.writeTextFile(
      `${dir}/b.yaml`,
      valid.replace("temperature: 0.7", "temperature: 0.2"),
    );
    const a = await loadConfig(`${dir}/a.yaml`, env);
    const b = await loadConfig(
      `${dir}/b.yaml`,
      (n) => n === "DISCORD_TOKEN" ? "new.secret.token" : undefined,
    );
    const text = describeConfigChanges(a, b);
    assert.equal(
      text,
      "personas ~helper; token changed (applies after a restart)",
    );
    assert.equal(describeConfigChanges(a, a), "no changes");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("describeConfigChanges() says message_content applies after a restart, and names attachments", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.yaml`, valid);
    const a = await loadConfig(`${dir}/a.yaml`, env);
    const b = structuredClone(a);
    b.discord.message_content = false;
    b.attachments.max_images = 1;
    assert.equal(
      describeConfigChanges(a, b),
      "discord settings changed; message_content changed (applies after a restart); attachments changed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a reload that changes only memory or recovery is applied, and says so", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/bot.config.yaml`;
  await setupLogging({ level: "info", format: "text", write: () => {} });
  try {
    await Deno.writeTextFile(file, valid);
    let current: Config = await loadConfig(file, env);
    assert.equal(current.memory.max_notes, 20);
    await Deno.writeTextFile(file, `${valid}memory:\n  max_notes: 0\n`);
    const reload = () =>
      reloadConfig({
        file,
        env,
        current: () => current,
        apply: (next) => {
          current = next;
        },
        logger: log("reload"),
      });
    assert.equal(await reload(), true, "the change was not applied");
    assert.equal(current.memory.max_notes, 0);

    const a = await loadConfig(file, env);
    const b = structuredClone(a);
    b.recovery.max_age += 1;
    assert.equal(describeConfigChanges(a, b), "recovery changed");
    // A section this summary does not name still counts as a change.
    const c = structuredClone(a) as Config & { future?: number };
    c.future = 1;
    assert.equal(describeConfigChanges(a, c), "settings changed");
    assert.equal(describeConfigChanges(a, structuredClone(a)), "no changes");
  } finally {
    await stopLogging();
    await Deno.remove(dir, { recursive: true });
  }
});
