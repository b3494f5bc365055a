import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/domain/coherence.ts";
import {
  ACCREDITATION_ACTIONS,
  type AccreditationAction,
  type ActorRole,
  applyAccreditationAction,
  applyUnitAction,
  availableUnitActions,
  canRecordAgainst,
  UNIT_ACTIONS,
  type UnitAction,
} from "../../src/domain/register-workflow.ts";
import {
  ACCREDITATION_STATUSES,
  type AccreditationStatus,
  UNIT_STATUSES,
  type UnitStatus,
} from "../../src/domain/schema/catalogue.ts";

const ROLES: ActorRole[] = ["registry-admin", "provider-admin", "system"];

/**
 * Every allowed unit transition, written out by hand as "status action role → status". Anything not listed
 * is refused: 'forbidden' when the role may never take the action, otherwise 'transition-not-allowed'.
 */
const ALLOWED_UNIT = `
  draft      submit    provider-admin → submitted
  draft      submit    registry-admin → submitted
  returned   submit    provider-admin → submitted
  returned   submit    registry-admin → submitted
  submitted  approve   registry-admin → approved
  submitted  return    registry-admin → returned
  approved   suspend   registry-admin → suspended
  suspended  reinstate registry-admin → approved
  draft      withdraw  registry-admin → withdrawn
  draft      withdraw  provider-admin → withdrawn
  submitted  withdraw  registry-admin → withdrawn
  submitted  withdraw  provider-admin → withdrawn
  returned   withdraw  registry-admin → withdrawn
  returned   withdraw  provider-admin → withdrawn
  approved   withdraw  registry-admin → withdrawn
  approved   withdraw  provider-admin → withdrawn
  suspended  withdraw  registry-admin → withdrawn
  suspended  withdraw  provider-admin → withdrawn
  approved   supersede system         → superseded
  suspended  supersede system         → superseded
`;

const UNIT_ROLES: Record<UnitAction, ActorRole[]> = {
  submit: ["provider-admin", "registry-admin"],
  approve: ["registry-admin"],
  return: ["registry-admin"],
  suspend: ["registry-admin"],
  reinstate: ["registry-admin"],
  withdraw: ["registry-admin", "provider-admin"],
  supersede: ["system"],
};

const ALLOWED_ACCREDITATION = `
  active    suspend   registry-admin → suspended
  suspended reinstate registry-admin → active
  active    withdraw  registry-admin → withdrawn
  suspended withdraw  registry-admin → withdrawn
`;

function parse(table: string): Map<string, string> {
  const allowed = new Map<string, string>();
  for (const line of table.trim().split("\n")) {
    const [from, action, role, , to] = line.trim().split(/\s+/);
    allowed.set(`${from} ${action} ${role}`, to as string);
  }
  return allowed;
}

const error: Finding = {
  code: "outcome-unassessed",
  severity: "error",
  path: "/outcomes/0",
  message: "X.",
  hint: "Y.",
};
const warning: Finding = {
  code: "assessment-weights",
  severity: "warning",
  path: "/assessments",
  message: "X.",
  hint: "Y.",
};

describe("applyUnitAction", () => {
  const allowed = parse(ALLOWED_UNIT);
  const triples = UNIT_STATUSES.flatMap((status) =>
    UNIT_ACTIONS.flatMap((action) => ROLES.map((role) => ({ status, action, role }))),
  );

  it("covers every (status, action, role) triple", () => {
    expect(triples.length).toBe(7 * 7 * 3);
    for (const key of allowed.keys()) expect(triples.map((t) => `${t.status} ${t.action} ${t.role}`)).toContain(key);
  });

  it.each(triples)("$status, $action by $role", ({ status, action, role }) => {
    // A reason and a clean check, so that only the status and the role decide.
    const result = applyUnitAction(status, action, { role }, { reason: "Because.", findings: [warning] });
    const to = allowed.get(`${status} ${action} ${role}`);
    if (to) expect(result).toEqual({ ok: true, to });
    else {
      const code = UNIT_ROLES[action].includes(role) ? "transition-not-allowed" : "forbidden";
      expect(result).toMatchObject({ ok: false, code });
      if (!result.ok) expect(result.message).toMatch(/^[A-Z].*\.$/);
    }
  });

  it.each([
    ["submitted", "return"],
    ["approved", "suspend"],
    ["draft", "withdraw"],
    ["suspended", "withdraw"],
  ] as const)("requires a reason to %s → %s", (status, action) => {
    const role = UNIT_ROLES[action][0] as ActorRole;
    for (const reason of [undefined, "", "   "])
      expect(applyUnitAction(status, action, { role }, reason === undefined ? {} : { reason })).toMatchObject({
        ok: false,
        code: "reason-required",
      });
    expect(applyUnitAction(status, action, { role }, { reason: "Outdated content." }).ok).toBe(true);
  });

  it.each([
    ["draft", "submit", "provider-admin", "submitted"],
    ["returned", "submit", "registry-admin", "submitted"],
    ["submitted", "approve", "registry-admin", "approved"],
    ["suspended", "reinstate", "registry-admin", "approved"],
  ] as const)("refuses to move a unit with errors from %s by %s", (status, action, role, to) => {
    const refused = applyUnitAction(status, action, { role }, { findings: [warning, error] });
    expect(refused).toMatchObject({ ok: false, code: "unit-has-errors" });
    if (!refused.ok) expect(refused.message).toContain("outcome-unassessed");
    expect(applyUnitAction(status, action, { role }, { findings: [warning] })).toEqual({ ok: true, to });
    expect(applyUnitAction(status, action, { role })).toEqual({ ok: true, to });
  });

  it.each([
    ["submitted", "return", "registry-admin"],
    ["approved", "suspend", "registry-admin"],
    ["approved", "withdraw", "provider-admin"],
    ["approved", "supersede", "system"],
  ] as const)("does not let errors block %s → %s", (status, action, role) => {
    expect(applyUnitAction(status, action, { role }, { reason: "R.", findings: [error] }).ok).toBe(true);
  });

  it("checks the role before the status, the status before the reason", () => {
    expect(applyUnitAction("draft", "approve", { role: "provider-admin" })).toMatchObject({ code: "forbidden" });
    expect(applyUnitAction("withdrawn", "withdraw", { role: "provider-admin" })).toMatchObject({
      code: "transition-not-allowed",
    });
  });

  it("explains refusals in sentences", () => {
    expect(applyUnitAction("draft", "approve", { role: "provider-admin" })).toMatchObject({
      message: "A provider admin may not approve a unit; only a registry admin may.",
    });
    expect(applyUnitAction("approved", "submit", { role: "provider-admin" })).toMatchObject({
      message: "An approved unit cannot be submitted; only a draft or returned unit can.",
    });
  });

  it.each(UNIT_STATUSES.flatMap((s) => ROLES.map((r) => [s, r] as const)))(
    "offers %s units to %s exactly the actions that would succeed",
    (status, role) => {
      const expected = UNIT_ACTIONS.filter((a) => allowed.has(`${status} ${a} ${role}`));
      expect(availableUnitActions(status, role)).toEqual(expected);
    },
  );
});

describe("canRecordAgainst", () => {
  it.each([
    ["approved", null, "2026-01-01", true],
    ["superseded", "2026-03-01", "2026-02-28", true],
    ["superseded", "2026-03-01", "2026-03-01", true],
    ["superseded", "2026-03-01", "2026-03-02", false],
    ["superseded", null, "2026-01-01", false],
    ["draft", null, "2026-01-01", false],
    ["submitted", null, "2026-01-01", false],
    ["returned", null, "2026-01-01", false],
    ["suspended", null, "2026-01-01", false],
    ["withdrawn", null, "2026-01-01", false],
    ["withdrawn", "2026-03-01", "2026-01-01", false],
  ] as const)("%s (superseded on %s), achieved %s: %s", (status, supersededOn, achievedOn, expected) => {
    expect(canRecordAgainst(status as UnitStatus, supersededOn, achievedOn)).toBe(expected);
  });
});

describe("applyAccreditationAction", () => {
  const allowed = parse(ALLOWED_ACCREDITATION);
  const triples = ACCREDITATION_STATUSES.flatMap((status) =>
    ACCREDITATION_ACTIONS.flatMap((action) => ROLES.map((role) => ({ status, action, role }))),
  );

  it.each(triples)("$status, $action by $role", ({ status, action, role }) => {
    const result = applyAccreditationAction(status, action, { role }, { reason: "Audit findings." });
    const to = allowed.get(`${status} ${action} ${role}`);
    if (to) expect(result).toEqual({ ok: true, to });
    else
      expect(result).toMatchObject({
        ok: false,
        code: role === "registry-admin" ? "transition-not-allowed" : "forbidden",
      });
  });

  it("treats an absent status as active", () => {
    expect(applyAccreditationAction(undefined, "suspend", { role: "registry-admin" }, { reason: "Audit." })).toEqual({
      ok: true,
      to: "suspended",
    });
  });

  it.each([
    ["active", "suspend", false],
    ["active", "withdraw", false],
    ["suspended", "withdraw", false],
    ["suspended", "reinstate", true],
  ] as [AccreditationStatus, AccreditationAction, boolean][])(
    "%s → %s without a reason succeeds: %s",
    (status, action, ok) => {
      const result = applyAccreditationAction(status, action, { role: "registry-admin" }, { reason: " " });
      expect(result.ok).toBe(ok);
      if (!result.ok) expect(result.code).toBe("reason-required");
    },
  );
});
