/**
 * The register workflow through services/units.ts: a unit from draft to approved and on to a second
 * version, with who, when and why kept in register_event; every refusal with its code; and what the
 * supersede date means for recording credit against the old version.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canRecordAgainst } from "../../src/domain/register-workflow.ts";
import { type Actor, OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { today } from "../../src/services/catalogue-context.ts";
import { recordAchievements } from "../../src/services/recording.ts";
import { actOnUnit, getUnit, saveUnitDraft, unitVersions } from "../../src/services/units.ts";
import { testBank } from "../support/bank.ts";
import { appError, coherentUnit, provider } from "../support/fixtures.ts";

type TestBank = Awaited<ReturnType<typeof testBank>>;

const registry: Actor = {
  kind: "user",
  role: "registry-admin",
  userId: randomUUID(),
  label: "registry-admin officer@authority.example",
};
const providerA: Actor = {
  kind: "user",
  role: "provider-admin",
  userId: randomUUID(),
  providerId: "wf-a",
  label: "provider-admin staff@wf-a.example",
};
const providerB: Actor = {
  kind: "user",
  role: "provider-admin",
  userId: randomUUID(),
  providerId: "wf-b",
  label: "provider-admin staff@wf-b.example",
};

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

let bank: TestBank;

async function events(unitId: string) {
  return bank.db
    .selectFrom("register_event")
    .select(["at", "actor_id", "actor_label", "action", "from_status", "to_status", "reason", "details"])
    .where("subject_type", "=", "unit")
    .where("subject_id", "=", unitId)
    .orderBy("id")
    .execute();
}

beforeAll(async () => {
  bank = await testBank();
  await importBundle(bank.db, OPERATOR, { providers: [provider("wf-a"), provider("wf-b")] });
});

afterAll(async () => {
  await bank?.dispose();
});

describe("a unit through the register workflow", () => {
  const spec = coherentUnit("wf-a", "WF1");
  let unitId: string;
  const started = new Date();

  it("a provider saves a draft; the register records who created it", async () => {
    const saved = await saveUnitDraft(bank.db, providerA, spec);
    expect(saved.outcome).toBe("created");
    expect(saved.unit).toMatchObject({ providerId: "wf-a", code: "WF1", version: 1, status: "draft" });
    unitId = saved.unit.unitId;
    const [created] = await events(unitId);
    expect(created).toMatchObject({
      actor_id: providerA.userId,
      actor_label: providerA.label,
      action: "created",
      to_status: "draft",
      details: { version: 1 },
    });
    // Saving the same content again changes nothing and records nothing.
    expect((await saveUnitDraft(bank.db, providerA, spec)).outcome).toBe("unchanged");
    expect(await events(unitId)).toHaveLength(1);
  });

  it("another provider may neither edit nor act on it: 'not-your-provider'", async () => {
    const edit = await appError(saveUnitDraft(bank.db, providerB, { ...spec, title: "Hijacked" }));
    expect([edit.code, edit.status]).toEqual(["not-your-provider", 403]);
    for (const action of ["submit", "withdraw"] as const) {
      const act = await appError(actOnUnit(bank.db, providerB, unitId, 1, action, "not mine"));
      expect([act.code, act.status]).toEqual(["not-your-provider", 403]);
    }
    expect((await getUnit(bank.db, unitId)).status).toBe("draft");
    expect(await events(unitId)).toHaveLength(1);
  });

  it("the provider submits it; while under review it cannot be edited", async () => {
    const submitted = await actOnUnit(bank.db, providerA, unitId, 1, "submit");
    expect(submitted.status).toBe("submitted");
    const edit = await appError(saveUnitDraft(bank.db, providerA, { ...spec, title: "Changed under review" }));
    expect([edit.code, edit.status]).toEqual(["unit-under-review", 409]);
  });

  it("a provider may not approve its own unit: 'forbidden'", async () => {
    const error = await appError(actOnUnit(bank.db, providerA, unitId, 1, "approve"));
    expect([error.code, error.status]).toEqual(["forbidden", 403]);
    expect((await getUnit(bank.db, unitId)).status).toBe("submitted");
  });

  it("the registry must give a reason to return it: 'reason-required'", async () => {
    for (const reason of [undefined, "", "   "]) {
      const error = await appError(actOnUnit(bank.db, registry, unitId, 1, "return", reason));
      expect(error.code).toBe("reason-required");
      expect(error.status).toBe(422);
    }
    expect((await getUnit(bank.db, unitId)).status).toBe("submitted");
    const returned = await actOnUnit(bank.db, registry, unitId, 1, "return", "State the assessment criteria.");
    expect(returned.status).toBe("returned");
  });

  it("the provider revises and resubmits; the registry approves", async () => {
    const revised = await saveUnitDraft(bank.db, providerA, { ...spec, title: "Unit WF1 (with criteria)" });
    expect(revised.outcome).toBe("updated");
    expect(revised.unit).toMatchObject({ version: 1, status: "draft", title: "Unit WF1 (with criteria)" });
    await actOnUnit(bank.db, providerA, unitId, 1, "submit");
    const approved = await actOnUnit(bank.db, registry, unitId, 1, "approve", "Meets the template.");
    expect(approved.status).toBe("approved");
    expect(approved.supersededOn).toBeNull();
  });

  it("register_event holds the whole history: who, when and why, in order", async () => {
    const history = await events(unitId);
    expect(history.map((e) => [e.action, e.from_status, e.to_status, e.actor_label, e.reason])).toEqual([
      ["created", null, "draft", providerA.label, null],
      ["submit", "draft", "submitted", providerA.label, null],
      ["return", "submitted", "returned", registry.label, "State the assessment criteria."],
      ["draft-updated", "returned", "draft", providerA.label, null],
      ["submit", "draft", "submitted", providerA.label, null],
      ["approve", "submitted", "approved", registry.label, "Meets the template."],
    ]);
    expect(history.map((e) => e.actor_id)).toEqual([
      providerA.userId,
      providerA.userId,
      registry.userId,
      providerA.userId,
      providerA.userId,
      registry.userId,
    ]);
    const times = history.map((e) => new Date(e.at).getTime());
    for (const [i, t] of times.entries()) {
      expect(t).toBeGreaterThanOrEqual(started.getTime() - 5_000);
      expect(t).toBeLessThanOrEqual(Date.now() + 5_000);
      if (i > 0) expect(t).toBeGreaterThanOrEqual(times[i - 1] as number);
    }
  });

  it("a change to the approved unit opens version 2 as a draft; version 1 stays approved", async () => {
    const v2 = await saveUnitDraft(bank.db, providerA, { ...spec, title: "Unit WF1, second edition" });
    expect(v2.outcome).toBe("new-version");
    expect(v2.unit).toMatchObject({ version: 2, status: "draft", latestVersion: 2 });
    const versions = await unitVersions(bank.db, unitId);
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [1, "approved"],
      [2, "draft"],
    ]);
  });

  it("approving version 2 supersedes version 1, with the date it was superseded", async () => {
    await actOnUnit(bank.db, providerA, unitId, 2, "submit");
    await actOnUnit(bank.db, registry, unitId, 2, "approve");
    const versions = await unitVersions(bank.db, unitId);
    expect(versions.map((v) => [v.version, v.status, v.supersededOn])).toEqual([
      [1, "superseded", today()],
      [2, "approved", null],
    ]);
    const supersede = (await events(unitId)).filter((e) => e.action === "supersede");
    expect(supersede).toEqual([
      expect.objectContaining({
        actor_label: registry.label,
        from_status: "approved",
        to_status: "superseded",
        reason: "version 2 approved",
        details: { version: 1 },
      }),
    ]);
  });

  it("credit can be recorded against version 1 only for achievements on or before the supersede date", async () => {
    const supersededOn = today();
    const tomorrow = addDays(supersededOn, 1);
    expect(canRecordAgainst("superseded", supersededOn, supersededOn)).toBe(true);
    expect(canRecordAgainst("superseded", supersededOn, tomorrow)).toBe(false);

    const record = (email: string, achievedOn: string, unitVersion?: number) => ({
      provider: "wf-a",
      unit: "WF1",
      ...(unitVersion ? { unitVersion } : {}),
      achievedOn,
      learner: { identifiers: [{ kind: "email" as const, value: email }] },
    });
    // Recorded today (the supersede date) for achievements before and on it: version 1 is fine.
    const onTime = await recordAchievements(bank, providerA, [
      { row: 1, record: record("early@wf.example", "2025-03-01", 1) },
      { row: 2, record: record("ontheday@wf.example", supersededOn, 1) },
    ]);
    expect(onTime.errors).toEqual([]);
    expect(onTime.recorded).toBe(2);

    // Recorded tomorrow for an achievement of tomorrow: version 1 is no longer creditable; version 2 is.
    const late = await recordAchievements(
      bank,
      providerA,
      [
        { row: 1, record: record("late@wf.example", tomorrow, 1) },
        { row: 2, record: record("current@wf.example", tomorrow) },
      ],
      { on: tomorrow },
    );
    expect(late.errors).toEqual([
      expect.objectContaining({ row: 1, field: "/unitVersion", code: "unit-not-creditable" }),
    ]);
    expect(late.recorded).toBe(1);

    const versionsUsed = await bank.db
      .selectFrom("achievement")
      .select(["achieved_on", "unit_version"])
      .where("unit_id", "=", unitId)
      .orderBy("achieved_on")
      .execute();
    expect(versionsUsed).toEqual([
      { achieved_on: "2025-03-01", unit_version: 1 },
      { achieved_on: supersededOn, unit_version: 1 },
      { achieved_on: tomorrow, unit_version: 2 },
    ]);
  });

  it("without a unit version, an achievement dated before the supersede date is credited to version 1 (in force then)", async () => {
    // docs/recording.md: "unit_version … by default the version in force on achieved_on". Version 2 was
    // approved today; on 2025-03-02 the version in force was version 1.
    const report = await recordAchievements(bank, providerA, [
      {
        row: 1,
        record: {
          provider: "wf-a",
          unit: "WF1",
          achievedOn: "2025-03-02",
          learner: { identifiers: [{ kind: "email", value: "default-version@wf.example" }] },
        },
      },
    ]);
    expect(report.errors).toEqual([]);
    const row = await bank.db
      .selectFrom("achievement")
      .select(["unit_version"])
      .where("achievement.id", "=", report.results[0]?.achievementId as string)
      .executeTakeFirstOrThrow();
    expect(row.unit_version).toBe(1);
  });
});

describe("a unit with coherence errors", () => {
  it("can be saved as a draft, but submitting it is refused with 'unit-has-errors' and the errors as details", async () => {
    const incoherent = coherentUnit("wf-a", "WF-BAD");
    incoherent.assessments = [{ id: "A1", method: "project", outcomes: ["LO1", "LO2"], weight: 100 }];
    incoherent.notionalHours = 500; // 3 ECTS are 75-90 hours
    const saved = await saveUnitDraft(bank.db, providerA, incoherent);
    expect(saved.outcome).toBe("created");
    expect(
      saved.unit.findings
        .filter((f) => f.severity === "error")
        .map((f) => f.code)
        .sort(),
    ).toEqual(["credits-hours-mismatch", "outcome-unassessed"]);

    const error = await appError(actOnUnit(bank.db, providerA, saved.unit.unitId, 1, "submit"));
    expect(error.code).toBe("unit-has-errors");
    expect(error.status).toBe(422);
    expect(error.details?.map((d) => [d.code, d.path]).sort()).toEqual(
      [
        ["credits-hours-mismatch", "/credits"],
        ["outcome-unassessed", "/outcomes/2"],
      ].sort(),
    );
    for (const d of error.details ?? []) expect(d.message).toBeTruthy();
    expect((await getUnit(bank.db, saved.unit.unitId)).status).toBe("draft");
    const actions = (await events(saved.unit.unitId)).map((e) => e.action);
    expect(actions).toEqual(["created"]);
  });

  it("the registry cannot push it through either, even acting for the provider", async () => {
    const incoherent = coherentUnit("wf-a", "WF-BAD2");
    incoherent.outcomes = incoherent.outcomes?.map((o) =>
      o.id === "LO3" ? { id: o.id, text: o.text, objectives: o.objectives } : o,
    );
    const saved = await saveUnitDraft(bank.db, registry, incoherent);
    const error = await appError(actOnUnit(bank.db, registry, saved.unit.unitId, 1, "submit"));
    expect(error.code).toBe("unit-has-errors");
    expect(error.details).toEqual([expect.objectContaining({ code: "outcome-without-dimension" })]);
  });
});
