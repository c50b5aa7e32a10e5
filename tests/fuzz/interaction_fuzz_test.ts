import assert from "node:assert/strict";
import { ChannelDirectory } from "../../src/discord/channel_directory.ts";
import { handleInteraction } from "../../src/discord/slash_commands.ts";
import type {
  GatewayInteraction,
  InteractionResponder,
} from "../../src/discord/slash_commands.ts";
import { log } from "../../src/log/logging.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import {
  ADMIN_ROLE,
  CHANNEL,
  GUILD,
  testConfig,
  USER_SCOPE_CHANNEL,
} from "../support/test_config.ts";
import { chance, fuzzCases, int, pick } from "./fuzz_random.ts";
import type { Random } from "./fuzz_random.ts";
import { idCheckingStore } from "./id_checking_store.ts";
import { copyTree, mutateTree } from "./value_mutations.ts";

type Call =
  | { kind: "defer"; ok: boolean }
  | { kind: "edit"; content: unknown; ok: boolean }
  | { kind: "autocomplete"; choices: unknown; ok: boolean }
  | { kind: "respond"; content: unknown; ok: boolean };

/** A responder that records every call and fails some of them. */
function flakyResponder(random: Random): {
  responder: InteractionResponder;
  calls: Call[];
} {
  const calls: Call[] = [];
  const outcome = () => !chance(random, 0.1);
  const settle = (ok: boolean) =>
    ok ? Promise.resolve() : Promise.reject(new Error("Discord said 500"));
  return {
    calls,
    responder: {
      respond(_id, _token, content) {
        const ok = outcome();
        calls.push({ kind: "respond", content, ok });
        return settle(ok);
      },
      deferEphemeral() {
        const ok = outcome();
        calls.push({ kind: "defer", ok });
        return settle(ok);
      },
      editResponse(_token, content) {
        const ok = outcome();
        calls.push({ kind: "edit", content, ok });
        return settle(ok);
      },
      autocomplete(_id, _token, choices) {
        const ok = outcome();
        calls.push({ kind: "autocomplete", choices, ok });
        return settle(ok);
      },
    },
  };
}

/** An INTERACTION_CREATE as Discordeno hands it over: camelCase, ids as bigint. */
function gatewayInteraction(random: Random): Record<string, unknown> {
  const command = pick(random, ["reset", "persona"]);
  const autocomplete = command === "persona" && chance(random, 0.3);
  const options: Record<string, unknown>[] = [];
  if (command === "persona" && chance(random, 0.7)) {
    options.push({
      name: "name",
      value: pick(random, ["pirate", "Helper", "nobody", "", "  PIRATE "]),
      ...(autocomplete ? { focused: true } : {}),
    });
  }
  if (chance(random, 0.4)) options.push({ name: "target", value: "channel" });
  const user = { id: 400000000000000001n, username: "alice" };
  const inGuild = chance(random, 0.8);
  return {
    id: 700000000000000001n,
    type: autocomplete ? 4 : 2,
    token: "interaction-token",
    data: { name: command, options },
    channelId: BigInt(
      pick(random, [CHANNEL, USER_SCOPE_CHANNEL, "100000000000000042"]),
    ),
    ...(inGuild
      ? {
        guildId: BigInt(GUILD),
        member: {
          roles: chance(random, 0.5) ? [BigInt(ADMIN_ROLE)] : [],
          user,
        },
      }
      : { user }),
  };
}

function checkCalls(calls: readonly Call[]): void {
  const deferred = calls.findIndex((c) => c.kind === "defer" && c.ok);
  const edits = calls.filter((c) => c.kind === "edit");
  const completes = calls.filter((c) => c.kind === "autocomplete");
  if (deferred !== -1) {
    // Answered, or at least the "something went wrong" fallback was tried.
    const after = calls.slice(deferred + 1);
    const last = after.at(-1);
    assert.ok(last !== undefined, "a deferred interaction was never answered");
    assert.ok(
      after.some((c) => c.ok) ||
        (last.kind === "edit" && /went wrong/.test(String(last.content))),
      "gave up on a deferred interaction after a failed answer",
    );
  }
  if (calls.every((c) => c.kind !== "defer" || !c.ok)) {
    assert.equal(edits.length, 0, "edited a response that was never deferred");
  }
  assert.ok(
    !(completes.length > 0 && calls.some((c) => c.kind === "defer")),
    "both deferred and autocompleted",
  );
  assert.ok(
    !(calls.some((c) => c.kind === "respond") &&
      calls.some((c) => c.kind === "defer")),
    "both answered directly and deferred",
  );
  for (const edit of [...edits, ...calls.filter((c) => c.kind === "respond")]) {
    assert.ok(edit.kind === "edit" || edit.kind === "respond");
    assert.equal(typeof edit.content, "string");
    const content = edit.content as string;
    assert.ok(content.trim() !== "" && content.length <= 2000, content);
  }
  for (const complete of completes) {
    assert.ok(complete.kind === "autocomplete");
    const choices = complete.choices as { name: unknown; value: unknown }[];
    assert.ok(Array.isArray(choices) && choices.length <= 25);
    for (const choice of choices) {
      for (const field of [choice.name, choice.value]) {
        assert.ok(
          typeof field === "string" && field.length >= 1 &&
            field.length <= 100,
          `bad choice ${JSON.stringify(choice)}`,
        );
      }
    }
  }
}

Deno.test("handleInteraction() never throws and answers every deferral for 5,000 mutated INTERACTION_CREATEs", async () => {
  await using sqlite = await SqliteStore.open(":memory:");
  let failing = false;
  const { store, problems } = idCheckingStore(sqlite, () => failing);
  const config = testConfig();
  let clock = 1_000_000;
  let answered = 0;
  await fuzzCases({ seed: 7_700, iterations: 5_000 }, async (random) => {
    const raw = copyTree(gatewayInteraction(random));
    const mutations = int(random, 0, 4);
    for (let i = 0; i < mutations; i++) mutateTree(random, raw);
    const { responder, calls } = flakyResponder(random);
    failing = chance(random, 0.1);
    const directory = new ChannelDirectory(() =>
      chance(random, 0.5)
        ? Promise.resolve(null)
        : Promise.reject(new Error("REST said 500"))
    );
    const describe = () =>
      JSON.stringify(raw, (_k, v) => typeof v === "bigint" ? `${v}n` : v)
        .slice(0, 500);
    try {
      await handleInteraction(raw as unknown as GatewayInteraction, {
        commands: { store, config: () => config, now: () => clock++ },
        config: () => config,
        directory,
        responder,
        logger: log("fuzz"),
      });
      checkCalls(calls);
      const bad = problems.splice(0);
      assert.equal(
        bad.length,
        0,
        `bad ids reached the store: ${bad.join("; ")}`,
      );
    } catch (error) {
      throw new Error(`${String(error)} for ${describe()}`, { cause: error });
    }
    if (
      calls.some((c) => (c.kind === "edit" || c.kind === "respond") && c.ok)
    ) {
      answered++;
    }
  });
  assert.ok(answered > 1_500, `only ${answered} commands were answered`);
});

Deno.test("handleInteraction() answers /persona with a 3,000-character name within Discord's 2,000 characters", async () => {
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig();
  const { responder, calls } = flakyResponder(() => 0.5);
  await handleInteraction({
    id: 700000000000000001n,
    type: 2,
    token: "interaction-token",
    data: {
      name: "persona",
      options: [{ name: "name", value: "x".repeat(3_000) }],
    },
    channelId: BigInt(CHANNEL),
    guildId: BigInt(GUILD),
    member: { roles: [], user: { id: 400000000000000001n } },
  }, {
    commands: { store, config: () => config, now: () => 1 },
    config: () => config,
    directory: new ChannelDirectory(() => Promise.resolve(null)),
    responder,
    logger: log("fuzz"),
  });
  checkCalls(calls);
  const answers = calls.filter((c) => c.kind === "respond");
  assert.equal(answers.length, 1);
  const content = String((answers[0] as { content: unknown }).content);
  assert.ok(content.length <= 2000, `${content.length} characters`);
});
