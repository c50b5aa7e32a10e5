import assert from "node:assert/strict";
import { AccessGate } from "../../../src/pipeline/access/access_gate.ts";
import {
  MEMBER_ROLES_FAILURE_TTL_MS,
  MEMBER_ROLES_TTL_MS,
} from "../../../src/pipeline/access/member_roles.ts";
import { GUILD, testConfig } from "../../support/test_config.ts";

const USER = "400000000000000001";
const ALLOWED = "500000000000000001";
const DENIED = "500000000000000002";

function gate(
  access: Partial<ReturnType<typeof testConfig>["access"]>,
  roles: () => Promise<string[] | null>,
) {
  const config = testConfig();
  Object.assign(config.access, access);
  let clock = 1_000;
  let lookups = 0;
  const g = new AccessGate({
    config: () => config,
    now: () => clock,
    memberRoles: () => {
      lookups++;
      return roles();
    },
  });
  return {
    g,
    lookups: () => lookups,
    advance: (ms: number) => clock += ms,
  };
}

const dm = { user_id: USER, guild_id: "", role_ids: [] };

Deno.test("AccessGate judges a DM by the user's roles in the bound servers", async (t) => {
  const cases: [string, object, string[] | null, boolean][] = [
    ["allow_roles, holds one", { allow_roles: [ALLOWED] }, [ALLOWED], true],
    ["allow_roles, holds none", { allow_roles: [ALLOWED] }, [], false],
    ["deny_roles, holds it", { deny_roles: [DENIED] }, [DENIED], false],
    ["deny_roles, holds others", { deny_roles: [DENIED] }, [ALLOWED], true],
    ["deny_roles, unknown roles", { deny_roles: [DENIED] }, null, false],
    ["allow_roles, unknown roles", { allow_roles: [ALLOWED] }, null, false],
  ];
  for (const [name, access, roles, allowed] of cases) {
    await t.step(name, async () => {
      const { g } = gate(access, () => Promise.resolve(roles));
      assert.equal((await g.decide(dm)).allowed, allowed);
    });
  }
  await t.step("a failing lookup is the safe side too", async () => {
    const { g } = gate(
      { allow_roles: [ALLOWED] },
      () => Promise.reject(new Error("Discord is down")),
    );
    assert.equal((await g.decide(dm)).allowed, false);
  });
});

Deno.test("AccessGate looks roles up only when role rules exist, and caches them for minutes", async () => {
  const open = gate({}, () => Promise.resolve([]));
  assert.equal((await open.g.decide(dm)).allowed, true);
  assert.equal(open.lookups(), 0);
  const { g, lookups, advance } = gate(
    { allow_roles: [ALLOWED] },
    () => Promise.resolve([ALLOWED]),
  );
  await Promise.all([g.decide(dm), g.decide(dm)]);
  await g.decide(dm);
  assert.equal(lookups(), 1);
  advance(MEMBER_ROLES_TTL_MS);
  await g.decide(dm);
  assert.equal(lookups(), 2);
  // In a server the roles arrive with the event: no lookup.
  await g.decide({ user_id: USER, guild_id: GUILD, role_ids: [ALLOWED] });
  assert.equal(lookups(), 2);
});

Deno.test("AccessGate retries a failed lookup after a short pause", async () => {
  let fail = true;
  const { g, lookups, advance } = gate(
    { allow_roles: [ALLOWED] },
    () => fail ? Promise.resolve(null) : Promise.resolve([ALLOWED]),
  );
  assert.equal((await g.decide(dm)).allowed, false);
  fail = false;
  assert.equal((await g.decide(dm)).allowed, false, "still cached");
  advance(MEMBER_ROLES_FAILURE_TTL_MS);
  assert.equal((await g.decide(dm)).allowed, true);
  assert.equal(lookups(), 2);
});
