/**
 * Catalogue bundles: the demo catalogue imports and re-imports idempotently, every problem of a bad bundle
 * is reported at once with its JSON pointer and nothing is written, an incoherent unit asked to be approved
 * fails the whole import, YAML and JSON are the same bundle, and a changed unit gets a new version.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { DEMO_DRAFT_PROBLEMS, demoCatalogue } from "../../src/demo/catalogue.ts";
import type { CatalogueBundle } from "../../src/domain/schema/catalogue.ts";
import { type Actor, OPERATOR } from "../../src/services/actor.ts";
import { type ImportReport, importBundle } from "../../src/services/bundle-import.ts";
import { checkUnit, loadCatalogueContext, today } from "../../src/services/catalogue-context.ts";
import { testBank } from "../support/bank.ts";
import { appError, coherentUnit, provider } from "../support/fixtures.ts";

type TestBank = Awaited<ReturnType<typeof testBank>>;
type Db = TestBank["db"];

const TABLES = [
  "framework",
  "framework_level",
  "level_reference",
  "credit_system",
  "skill_framework",
  "skill_item",
  "provider",
  "accreditation",
  "unit",
  "unit_version",
  "qualification",
  "qualification_version",
  "register_event",
  "learner",
  "learner_profile",
  "learner_identifier",
  "account_merge",
  "achievement",
  "account_entry",
  "app_user",
  "user_session",
  "api_client",
  "access_token",
] as const;

async function tableCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(rows[0]?.n);
  }
  return counts;
}

/** The AppError a promise rejects with (fails the test when it resolves or throws something else). */
/** A unit on the common template that passes the coherence check (for a provider accredited for EQF 3-6). */
const zero = { created: 0, updated: 0 };

let bank: TestBank;

beforeAll(async () => {
  bank = await testBank();
});

afterAll(async () => {
  await bank?.dispose();
});

describe("the demo catalogue", () => {
  const bundle = demoCatalogue();
  const units = bundle.units ?? [];
  let first: ImportReport;

  beforeAll(async () => {
    first = await importBundle(bank.db, OPERATOR, demoCatalogue(), "demo catalogue");
  });

  it("imports: every provider, unit and qualification is created, the approved units approved", async () => {
    expect(first.providers).toEqual({ created: bundle.providers?.length, updated: 0, unchanged: 0 });
    expect(first.frameworks.created).toBe(bundle.frameworks?.length);
    expect(first.skillFrameworks.created).toBe(bundle.skillFrameworks?.length);
    expect(first.units.created).toBe(units.length);
    expect(first.units.approved).toBe(units.filter((u) => u.status === "approved").length);
    expect(first.qualifications.created).toBe(bundle.qualifications?.length);

    const stored = await bank.db
      .selectFrom("unit_version as v")
      .innerJoin("unit as u", "u.id", "v.unit_id")
      .select(["u.provider_id", "u.code", "v.version", "v.status"])
      .execute();
    expect(stored).toHaveLength(units.length);
    for (const u of units) {
      const row = stored.find((r) => r.provider_id === u.provider && r.code === u.code);
      expect(row, `${u.provider}:${u.code}`).toMatchObject({ version: 1, status: u.status ?? "draft" });
    }
  });

  it("importing it again reports everything unchanged and writes nothing, not even a register event", async () => {
    const before = await tableCounts(bank.db);
    const again = await importBundle(bank.db, OPERATOR, demoCatalogue(), "demo catalogue");
    expect(again.frameworks).toEqual({ ...zero, unchanged: bundle.frameworks?.length });
    expect(again.skillFrameworks).toEqual({ ...zero, unchanged: bundle.skillFrameworks?.length });
    expect(again.providers).toEqual({ ...zero, unchanged: bundle.providers?.length });
    expect(again.accreditations).toEqual({ ...zero, unchanged: first.accreditations.created });
    expect(again.units).toMatchObject({ ...zero, unchanged: units.length, approved: 0, submitted: 0 });
    expect(again.qualifications).toEqual({ ...zero, unchanged: bundle.qualifications?.length });
    expect(await tableCounts(bank.db)).toEqual(before);
  });

  it("the drafts get exactly the coherence errors they were built to have (checkUnit on the register)", async () => {
    const ctx = await loadCatalogueContext(bank.db);
    const drafts = units.filter((u) => u.status !== "approved");
    expect(drafts.map((u) => `${u.provider}:${u.code}`).sort()).toEqual(Object.keys(DEMO_DRAFT_PROBLEMS).sort());
    for (const { status: _status, ...spec } of drafts) {
      const key = `${spec.provider}:${spec.code}`;
      const codes = [
        ...new Set(
          checkUnit(ctx, spec)
            .filter((f) => f.severity === "error")
            .map((f) => f.code),
        ),
      ].sort();
      expect(codes, key).toEqual([...(DEMO_DRAFT_PROBLEMS[key] ?? [])].sort());
    }
    // ...and the approved units have none.
    for (const { status: _status, ...spec } of units.filter((u) => u.status === "approved")) {
      expect(
        checkUnit(ctx, spec).filter((f) => f.severity === "error"),
        `${spec.provider}:${spec.code}`,
      ).toEqual([]);
    }
  });

  it("the findings stored with each draft (what GET /units/:id shows) are exactly those errors", async () => {
    const rows = await bank.db
      .selectFrom("unit_version as v")
      .innerJoin("unit as u", "u.id", "v.unit_id")
      .select(["u.provider_id", "u.code", "v.findings"])
      .where("v.status", "=", "draft")
      .execute();
    const stored = Object.fromEntries(
      rows.map((r) => [
        `${r.provider_id}:${r.code}`,
        [
          ...new Set(
            (r.findings as Array<{ code: string; severity: string }>)
              .filter((f) => f.severity === "error")
              .map((f) => f.code),
          ),
        ].sort(),
      ]),
    );
    const expected = Object.fromEntries(
      Object.entries(DEMO_DRAFT_PROBLEMS).map(([k, codes]) => [k, [...codes].sort()]),
    );
    expect(stored).toEqual(expected);
  });
});

describe("a bundle with problems", () => {
  const unknownLevelQualification = {
    awardingBody: "mp-a",
    code: "Q1",
    title: "Certificate with a level that does not exist",
    type: "certificate",
    level: { framework: "eqf", level: "99" },
    credits: { value: 10, system: "ects" },
  };

  it("reports every cross-reference problem at once, each with its JSON pointer, and writes nothing", async () => {
    const before = await tableCounts(bank.db);
    const error = await appError(
      importBundle(bank.db, OPERATOR, {
        providers: [
          {
            ...provider("mp-a"),
            accreditations: [
              { framework: "no-such-framework", minLevel: "1", maxLevel: "2", fields: ["*"], validFrom: "2020-01-01" },
            ],
          },
          provider("mp-a"),
        ],
        units: [coherentUnit("mp-ghost", "G1")],
        qualifications: [unknownLevelQualification],
      }),
    );
    expect(error.code).toBe("bundle-invalid");
    expect(error.status).toBe(400);
    expect(error.details?.map((d) => [d.path, d.code]).sort()).toEqual(
      [
        ["/providers/0/accreditations/0/framework", "unknown-framework"],
        ["/providers/1", "duplicate"],
        ["/units/0/provider", "unknown-provider"],
        ["/qualifications/0/level/level", "unknown-level"],
      ].sort(),
    );
    for (const d of error.details ?? []) expect(d.message.length).toBeGreaterThan(5);
    expect(await tableCounts(bank.db)).toEqual(before);
  });

  it("reports ALL problems at once even when one of them is a schema error, and writes nothing", async () => {
    const before = await tableCounts(bank.db);
    const error = await appError(
      importBundle(bank.db, OPERATOR, {
        providers: [
          {
            ...provider("mp-a"),
            accreditations: [
              { framework: "no-such-framework", minLevel: "1", maxLevel: "2", fields: ["*"], validFrom: "2020-01-01" },
            ],
          },
          provider("mp-a"),
          { ...provider("mp-b"), kind: "castle" },
        ],
        units: [coherentUnit("mp-ghost", "G1")],
        qualifications: [unknownLevelQualification],
      }),
    );
    expect(error.code).toBe("bundle-invalid");
    expect(error.details?.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        "/providers/2/kind", // the schema error
        "/providers/1", // the duplicate id
        "/providers/0/accreditations/0/framework", // the unknown framework
        "/units/0/provider", // the unit of an unknown provider
        "/qualifications/0/level/level", // the unknown level
      ]),
    );
    expect(await tableCounts(bank.db)).toEqual(before);
  });

  it("a unit asked to be approved but incoherent fails the whole import with its findings; nothing is written", async () => {
    const before = await tableCounts(bank.db);
    const incoherent = coherentUnit("inc-a", "BAD1");
    // LO3 is no longer assessed: 'outcome-unassessed'.
    incoherent.assessments = [{ id: "A1", method: "project", outcomes: ["LO1", "LO2"], weight: 100 }];
    const error = await appError(
      importBundle(bank.db, OPERATOR, {
        providers: [provider("inc-a")],
        units: [
          { ...coherentUnit("inc-a", "GOOD1"), status: "approved" },
          { ...incoherent, status: "approved" },
        ],
      }),
    );
    expect(error.code).toBe("bundle-units-incoherent");
    expect(error.details).toEqual([
      expect.objectContaining({ path: "/units/1/outcomes/2", code: "outcome-unassessed" }),
    ]);
    expect(await tableCounts(bank.db)).toEqual(before);
    expect(await bank.db.selectFrom("provider").select("id").where("id", "=", "inc-a").execute()).toEqual([]);
  });

  it("only a registry administrator may import", async () => {
    const providerAdmin: Actor = { kind: "user", role: "provider-admin", providerId: "mp-a", label: "provider-admin" };
    const error = await appError(importBundle(bank.db, providerAdmin, { providers: [provider("pa-a")] }));
    expect(error.code).toBe("registry-admin-only");
    expect(error.status).toBe(403);
  });
});

describe("YAML and JSON, and new versions", () => {
  const bundle = (): CatalogueBundle => ({
    providers: [provider("yj-a")],
    units: [
      { ...coherentUnit("yj-a", "YJ1"), status: "approved" },
      { ...coherentUnit("yj-a", "YJ2", 5), status: "approved" },
    ],
    qualifications: [
      {
        awardingBody: "yj-a",
        code: "CERT-YJ",
        title: "Certificate in YAML and JSON",
        type: "certificate",
        level: { framework: "eqf", level: "5" },
        credits: { value: 8, system: "ects" },
        field: "0521",
        rules: { version: 1, blocks: [{ id: "core", all: ["yj-a:YJ1", "yj-a:YJ2"] }] },
      },
    ],
  });

  it("a bundle read from YAML is the same bundle as from JSON: importing one after the other changes nothing", async () => {
    const jsonText = JSON.stringify(bundle(), null, 2);
    const yamlText = `# written by hand, with comments and unquoted dates\n${YAML.stringify(bundle())}`;
    expect(yamlText).toMatch(/validFrom: 2020-01-01/);
    const fromJson: unknown = JSON.parse(jsonText);
    const fromYaml: unknown = YAML.parse(yamlText);
    expect(fromYaml).toEqual(fromJson);

    const viaJson = await importBundle(bank.db, OPERATOR, fromJson, "bundle.json");
    expect(viaJson.providers.created).toBe(1);
    expect(viaJson.units).toMatchObject({ created: 2, approved: 2 });
    expect(viaJson.qualifications.created).toBe(1);

    const before = await tableCounts(bank.db);
    const viaYaml = await importBundle(bank.db, OPERATOR, fromYaml, "bundle.yaml");
    expect(viaYaml.providers).toEqual({ ...zero, unchanged: 1 });
    expect(viaYaml.accreditations).toEqual({ ...zero, unchanged: 1 });
    expect(viaYaml.units).toMatchObject({ ...zero, unchanged: 2, approved: 0 });
    expect(viaYaml.qualifications).toEqual({ ...zero, unchanged: 1 });
    expect(await tableCounts(bank.db)).toEqual(before);
  });

  it("a changed unit after approval becomes version 2, a draft; version 1 stays approved", async () => {
    const changed = bundle();
    const units = changed.units ?? [];
    const yj1 = units[0];
    if (!yj1) throw new Error("fixture");
    const { status: _approved, ...spec } = yj1;
    units[0] = { ...spec, title: "Unit YJ1, revised" };

    const report = await importBundle(bank.db, OPERATOR, changed, "bundle-v2.json");
    expect(report.units).toMatchObject({ created: 0, updated: 1, unchanged: 1, approved: 0 });

    const versions = await bank.db
      .selectFrom("unit_version as v")
      .innerJoin("unit as u", "u.id", "v.unit_id")
      .select(["v.version", "v.status", "v.title", "v.superseded_on", "u.latest_version", "u.id"])
      .where("u.provider_id", "=", "yj-a")
      .where("u.code", "=", "YJ1")
      .orderBy("v.version")
      .execute();
    expect(versions.map((v) => [v.version, v.status, v.title, v.superseded_on])).toEqual([
      [1, "approved", "Unit YJ1", null],
      [2, "draft", "Unit YJ1, revised", null],
    ]);
    expect(versions[0]?.latest_version).toBe(2);
    const events = await bank.db
      .selectFrom("register_event")
      .select(["action", "to_status"])
      .where("subject_type", "=", "unit")
      .where("subject_id", "=", versions[0]?.id as string)
      .orderBy("id")
      .execute();
    expect(events.at(-1)).toEqual({ action: "version-created", to_status: "draft" });

    // The same changed bundle again: nothing new.
    const before = await tableCounts(bank.db);
    const again = await importBundle(bank.db, OPERATOR, changed, "bundle-v2.json");
    expect(again.units).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await tableCounts(bank.db)).toEqual(before);
  });

  it("asking for the changed unit to be approved approves version 2 and supersedes version 1 today", async () => {
    const changed = bundle();
    const units = changed.units ?? [];
    const yj1 = units[0];
    if (!yj1) throw new Error("fixture");
    units[0] = { ...yj1, title: "Unit YJ1, revised" };
    const report = await importBundle(bank.db, OPERATOR, changed, "bundle-v2-approved.json");
    expect(report.units).toMatchObject({ approved: 1, unchanged: 2 });
    const versions = await bank.db
      .selectFrom("unit_version as v")
      .innerJoin("unit as u", "u.id", "v.unit_id")
      .select(["v.version", "v.status", "v.superseded_on"])
      .where("u.provider_id", "=", "yj-a")
      .where("u.code", "=", "YJ1")
      .orderBy("v.version")
      .execute();
    expect(versions).toEqual([
      { version: 1, status: "superseded", superseded_on: today() },
      { version: 2, status: "approved", superseded_on: null },
    ]);
  });
});
