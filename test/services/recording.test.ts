/**
 * Recording achievements: idempotent on (learner, unit, date) whatever the batching, order, repetition
 * or crash-and-rerun (property-based); per-row errors that name the row and the column; identifier
 * normalisation; and the refusals (identifiers of two accounts, suspended accreditation, draft unit).
 */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AchievementRecord } from "../../src/domain/schema/accounts.ts";
import { parseAchievementsCsv } from "../../src/services/achievement-files.ts";
import { type Actor, OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { today } from "../../src/services/catalogue-context.ts";
import { AppError } from "../../src/services/errors.ts";
import { findLearner } from "../../src/services/learners.ts";
import { actOnAccreditation, getProvider } from "../../src/services/providers.ts";
import { type NumberedRecord, recordAchievements } from "../../src/services/recording.ts";
import { testBank } from "../support/bank.ts";
import { coherentUnit, provider } from "../support/fixtures.ts";

type TestBank = Awaited<ReturnType<typeof testBank>>;
type Db = TestBank["db"];

/** Credits of the approved units the records below use. */
const CREDITS: Record<string, number> = { RC1: 3, RC2: 5, RC3: 2.5 };

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const email = (value: string) => ({ kind: "email" as const, value });

function achievement(
  unit: string,
  achievedOn: string,
  ...identifiers: AchievementRecord["learner"]["identifiers"]
): AchievementRecord {
  return { provider: "rc-a", unit, achievedOn, result: "passed", learner: { identifiers } };
}

const numbered = (records: unknown[]): NumberedRecord[] => records.map((record, i) => ({ row: i + 1, record }));

async function count(
  db: Db,
  table: "achievement" | "account_entry" | "learner" | "learner_identifier",
): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n);
}

async function counts(db: Db) {
  return {
    achievement: await count(db, "achievement"),
    account_entry: await count(db, "account_entry"),
    learner: await count(db, "learner"),
    learner_identifier: await count(db, "learner_identifier"),
  };
}

let bank: TestBank;

beforeAll(async () => {
  bank = await testBank();
  await importBundle(bank.db, OPERATOR, {
    providers: [provider("rc-a"), provider("rc-s")],
    units: [
      { ...coherentUnit("rc-a", "RC1", 3), status: "approved" },
      { ...coherentUnit("rc-a", "RC2", 5), status: "approved" },
      { ...coherentUnit("rc-a", "RC3", 2.5), status: "approved" },
      { ...coherentUnit("rc-a", "RC-DRAFT", 3), status: "draft" },
      { ...coherentUnit("rc-s", "RS1", 3), status: "approved" },
    ],
  });
});

afterAll(async () => {
  await bank?.dispose();
});

describe("idempotency", () => {
  it("recording the same set again reports every row unchanged and adds no row anywhere", async () => {
    const records = numbered([
      achievement("RC1", "2025-01-10", email("idem1@example.org")),
      achievement("RC2", "2025-02-10", email("idem1@example.org")),
      achievement("RC1", "2025-01-10", email("idem2@example.org"), {
        kind: "student-number",
        value: "id-2",
        issuer: "rc-a",
      }),
      achievement("RC3", "2025-03-10", email("idem2@example.org")),
    ]);
    const first = await recordAchievements(bank, OPERATOR, records);
    expect(first).toMatchObject({ rows: 4, recorded: 4, unchanged: 0, learnersCreated: 2, errors: [] });
    const after = await counts(bank.db);

    const again = await recordAchievements(bank, OPERATOR, records, { batchSize: 3 });
    expect(again).toMatchObject({ rows: 4, recorded: 0, unchanged: 4, learnersCreated: 0, errors: [] });
    expect(again.results.map((r) => r.achievementId)).toEqual(first.results.map((r) => r.achievementId));
    expect(await counts(bank.db)).toEqual(after);
  });

  it("a row repeating a key with different content is a conflict, not a silent change", async () => {
    const first = await recordAchievements(
      bank,
      OPERATOR,
      numbered([achievement("RC1", "2025-04-01", email("conflict@example.org"))]),
    );
    expect(first.recorded).toBe(1);
    const before = await counts(bank.db);
    const changed = { ...achievement("RC1", "2025-04-01", email("conflict@example.org")), result: "passed-with-merit" };
    const report = await recordAchievements(bank, OPERATOR, numbered([changed]));
    expect(report.errors).toEqual([expect.objectContaining({ row: 1, code: "achievement-conflict" })]);
    expect(await counts(bank.db)).toEqual(before);
  });
});

describe("property: one achievement and one deposit per (learner, unit, date), whatever happens", () => {
  const LEARNERS = 8;
  const PER_LEARNER = 4;
  const UNITS = ["RC1", "RC2", "RC3"];

  /** A fixed pool of ~30 valid records with distinct keys; identifiers spelled in different ways. */
  function pool(run: number): Array<{ learner: number; unit: string; date: string; record: AchievementRecord }> {
    const out: Array<{ learner: number; unit: string; date: string; record: AchievementRecord }> = [];
    for (let i = 0; i < LEARNERS; i++) {
      for (let j = 0; j < PER_LEARNER; j++) {
        const unit = UNITS[(i + j) % UNITS.length] as string;
        const date = `2025-0${j + 1}-${String(10 + i).padStart(2, "0")}`;
        const spellings = [`l${i}@run${run}.example`, `  L${i}@Run${run}.Example `, `L${i}@RUN${run}.EXAMPLE`];
        const identifiers: AchievementRecord["learner"]["identifiers"] = [email(spellings[j % 3] as string)];
        if (j % 2 === 1)
          identifiers.push({
            kind: "student-number",
            value: j === 1 ? `sn ${run}-${i}` : `SN${run}-${i}`,
            issuer: "rc-a",
          });
        out.push({ learner: i, unit, date, record: achievement(unit, date, ...identifiers) });
      }
    }
    return out;
  }

  let run = 0;

  it("holds for random subsets, orders, repeats, batch sizes, re-runs and crashes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: LEARNERS * PER_LEARNER - 1 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.option(fc.nat({ max: 4 }), { nil: undefined }),
        async (picks, batchSize, twice, crashAfterBatches) => {
          run += 1;
          const all = pool(run);
          const chosen = picks.map((k) => all[k] as (typeof all)[number]);
          const records = numbered(chosen.map((c) => c.record));
          const reports = [];
          if (crashAfterBatches !== undefined) {
            // The process died after k batches had committed; the whole file is then run again.
            reports.push(
              await recordAchievements(bank, OPERATOR, records.slice(0, crashAfterBatches * batchSize), {
                batchSize,
              }),
            );
          }
          reports.push(await recordAchievements(bank, OPERATOR, records, { batchSize }));
          if (twice) {
            const again = await recordAchievements(bank, OPERATOR, records, { batchSize });
            expect(again).toMatchObject({ recorded: 0, unchanged: records.length, learnersCreated: 0 });
            reports.push(again);
          }
          for (const r of reports) expect(r.errors).toEqual([]);

          const keys = new Map(chosen.map((c) => [`${c.learner}|${c.unit}|${c.date}`, c]));
          const learners = new Set(chosen.map((c) => c.learner));
          expect(reports.reduce((n, r) => n + r.recorded, 0)).toBe(keys.size);
          expect(reports.reduce((n, r) => n + r.learnersCreated, 0)).toBe(learners.size);

          // Each learner of the run has one account, found by its e-mail in any spelling.
          const ids = await bank.db
            .selectFrom("learner_identifier")
            .select(["kind", "value", "learner_id"])
            .where((eb) => eb.or([eb("value", "like", `%@run${run}.example`), eb("value", "like", `SN${run}-%`)]))
            .execute();
          const accountOf = new Map<number, string>();
          for (const id of ids) {
            const learner = Number(/^(?:l|SN\d+-)(\d+)/i.exec(id.value)?.[1]);
            const known = accountOf.get(learner);
            if (known) expect(id.learner_id, `identifiers of learner ${learner}`).toBe(known);
            accountOf.set(learner, id.learner_id);
          }
          expect([...accountOf.keys()].sort()).toEqual([...learners].sort());
          expect(new Set(accountOf.values()).size).toBe(learners.size);
          const learnerOf = new Map([...accountOf].map(([i, id]) => [id, i]));
          const accountIds = [...accountOf.values()];

          const achievements = await bank.db
            .selectFrom("achievement as a")
            .innerJoin("unit as u", "u.id", "a.unit_id")
            .select(["a.id", "a.learner_id", "u.code", "a.achieved_on"])
            .where("a.learner_id", "in", accountIds)
            .where("a.revoked_at", "is", null)
            .execute();
          const found = achievements.map((a) => `${learnerOf.get(a.learner_id)}|${a.code}|${a.achieved_on}`);
          expect(found.length).toBe(keys.size);
          expect(new Set(found)).toEqual(new Set(keys.keys()));

          const entries = await bank.db
            .selectFrom("account_entry")
            .select(["achievement_id", "entry_type", "credits"])
            .where("learner_id", "in", accountIds)
            .execute();
          expect(entries.every((e) => e.entry_type === "deposit")).toBe(true);
          expect(entries.length).toBe(keys.size);
          expect(new Set(entries.map((e) => e.achievement_id))).toEqual(new Set(achievements.map((a) => a.id)));

          const expectedCredits = [...keys.values()].reduce((sum, c) => sum + (CREDITS[c.unit] as number), 0);
          const total = entries.reduce((sum, e) => sum + e.credits, 0);
          expect(total).toBeCloseTo(expectedCredits, 6);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe("per-row errors", () => {
  const header = "provider,unit,achieved_on,email,given_name";
  const nextYear = addDays(today(), 365);

  it("a CSV row with errors names its row and column; the good rows are recorded", async () => {
    const csv = [
      header,
      "rc-a,RC1,2025-05-01,rows-ok@example.org,Ada",
      "rc-a,RC1,31/05/2025,rows-date@example.org,Bob",
      "rc-a,RC1,2025-05-01,not-an-email,Cy",
      "rc-a,NO-SUCH-UNIT,2025-05-01,rows-unit@example.org,Di",
      `rc-a,RC1,${nextYear},rows-future@example.org,Ed`,
    ].join("\n");
    const records = parseAchievementsCsv(csv);
    expect(records.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
    const report = await recordAchievements(bank, OPERATOR, records);
    expect(report.recorded).toBe(1);
    expect(report.results.map((r) => r.row)).toEqual([1]);
    expect(report.errors.map((e) => ({ row: e.row, field: e.field, code: e.code }))).toEqual([
      { row: 2, field: "achieved_on", code: "invalid-field" },
      { row: 3, field: "email", code: "identifier-invalid-email" },
      { row: 4, field: "unit", code: "unknown-unit" },
      { row: 5, field: "achieved_on", code: "date-in-future" },
    ]);
    for (const e of report.errors) expect(e.message.length).toBeGreaterThan(10);
  });

  it("a CSV header with an unknown column is refused as a whole: 'csv-header-invalid'", () => {
    let error: unknown;
    try {
      parseAchievementsCsv("provider,unit,achieved_on,email,shoe_size\nrc-a,RC1,2025-05-01,a@example.org,42\n");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("csv-header-invalid");
    expect((error as AppError).details).toEqual([expect.objectContaining({ path: "shoe_size" })]);
  });

  it("a record for a unit that is only a draft is refused: 'unit-not-creditable'", async () => {
    const report = await recordAchievements(
      bank,
      OPERATOR,
      numbered([achievement("RC-DRAFT", "2025-05-01", email("draft@example.org"))]),
    );
    expect(report.errors).toEqual([expect.objectContaining({ row: 1, code: "unit-not-creditable" })]);
    expect(report.recorded).toBe(0);
  });

  it("a provider may record only its own achievements: 'not-your-provider'", async () => {
    const other: Actor = { kind: "user", role: "provider-admin", providerId: "rc-s", label: "provider-admin rc-s" };
    const report = await recordAchievements(
      bank,
      other,
      numbered([achievement("RC1", "2025-05-01", email("notmine@example.org"))]),
    );
    expect(report.errors).toEqual([expect.objectContaining({ row: 1, field: "/provider", code: "not-your-provider" })]);
  });
});

describe("learners' identifiers", () => {
  it("' Ada@Example.ORG ' and 'ada@example.org' find the same account", async () => {
    const first = await recordAchievements(
      bank,
      OPERATOR,
      numbered([achievement("RC1", "2025-06-01", email(" Ada@Example.ORG "))]),
    );
    expect(first).toMatchObject({ recorded: 1, learnersCreated: 1 });
    const second = await recordAchievements(
      bank,
      OPERATOR,
      numbered([achievement("RC2", "2025-06-02", email("ada@example.org"))]),
    );
    expect(second).toMatchObject({ recorded: 1, learnersCreated: 0 });
    expect(second.results[0]?.learnerId).toBe(first.results[0]?.learnerId);
    const found = await findLearner(bank.db, OPERATOR, email("ADA@EXAMPLE.org"));
    expect(found.id).toBe(first.results[0]?.learnerId);
    expect(found.identifiers).toEqual([{ kind: "email", issuer: "", value: "ada@example.org" }]);
  });

  it("a record whose identifiers belong to two different accounts is refused: 'identifiers-conflict'", async () => {
    await recordAchievements(
      bank,
      OPERATOR,
      numbered([
        achievement("RC1", "2025-06-01", email("twin-a@example.org")),
        achievement("RC1", "2025-06-01", email("twin-b@example.org")),
      ]),
    );
    const before = await counts(bank.db);
    const report = await recordAchievements(
      bank,
      OPERATOR,
      numbered([achievement("RC2", "2025-06-03", email("twin-a@example.org"), email("TWIN-B@example.org"))]),
    );
    expect(report.recorded).toBe(0);
    expect(report.errors).toEqual([
      expect.objectContaining({ row: 1, field: "/learner/identifiers", code: "identifiers-conflict" }),
    ]);
    expect(await counts(bank.db)).toEqual(before);
  });
});

describe("accreditation", () => {
  it("recording for a provider whose accreditation is suspended is refused with an accreditation code", async () => {
    const record = (date: string) => achievement("RS1", date, email(`suspended-${date}@example.org`));
    const ok = await recordAchievements(bank, OPERATOR, numbered([{ ...record("2025-07-01"), provider: "rc-s" }]));
    expect(ok.recorded).toBe(1);

    const accreditation = (await getProvider(bank.db, "rc-s")).accreditations[0];
    if (!accreditation) throw new Error("fixture: rc-s has an accreditation");
    const suspended = await actOnAccreditation(
      bank.db,
      OPERATOR,
      "rc-s",
      accreditation.id,
      "suspend",
      "Quality review pending.",
    );
    expect(suspended.accreditations[0]?.status).toBe("suspended");

    const refused = await recordAchievements(bank, OPERATOR, numbered([{ ...record("2025-07-02"), provider: "rc-s" }]));
    expect(refused.recorded).toBe(0);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]?.code).toBe("accreditation-not-in-force");
    expect(refused.errors[0]?.message).toMatch(/suspended/);

    await actOnAccreditation(bank.db, OPERATOR, "rc-s", accreditation.id, "reinstate");
    const reinstated = await recordAchievements(
      bank,
      OPERATOR,
      numbered([{ ...record("2025-07-02"), provider: "rc-s" }]),
    );
    expect(reinstated.errors).toEqual([]);
    expect(reinstated.recorded).toBe(1);
  });
});
