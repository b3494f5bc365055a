import { FormatRegistry, TypeRegistry } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_DRAFT_PROBLEMS, DEMO_REFERENCE_DATE, demoCatalogue } from "../../src/demo/catalogue.ts";
import {
  aurelianNationalId,
  DEMO_DUPLICATE_PEOPLE,
  demoAchievements,
  demoLearnerName,
  emailLocalPart,
  resultFor,
} from "../../src/demo/learners.ts";
import { mulberry32, Random } from "../../src/demo/random.ts";
import { AchievementRecord, type LearnerIdentifier } from "../../src/domain/schema/accounts.ts";
import {
  type BundleUnit,
  CatalogueBundle,
  type GradingScheme,
  type Provider,
} from "../../src/domain/schema/catalogue.ts";
import { DIMENSIONS } from "../../src/domain/schema/common.ts";

beforeAll(() => {
  // Value.Check refuses formats it does not know; minimal checks so the schemas can be exercised here.
  const formats: Record<string, (v: string) => boolean> = {
    uri: (v) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(v),
    date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)),
    "date-time": (v) => !Number.isNaN(Date.parse(v)),
    email: (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
    uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  };
  for (const [name, check] of Object.entries(formats)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
  }
  // Type.Composite (BundleUnit, the learner in AchievementRecord) turns unions of literals into 'Unsafe'
  // schemas of the form { type: 'string', enum: [...] }, which Value.Check does not know how to check.
  if (!TypeRegistry.Has("Unsafe")) {
    TypeRegistry.Set("Unsafe", (schema: { type?: unknown; enum?: unknown[] }, value: unknown) => {
      if (Array.isArray(schema.enum)) return schema.enum.includes(value);
      if (schema.type === "string") return typeof value === "string";
      return true;
    });
  }
});

const bundle = demoCatalogue();
const records = demoAchievements(bundle);
const providers = new Map((bundle.providers ?? []).map((p) => [p.id, p]));
const units = bundle.units ?? [];
const approved = units.filter((u) => u.status === "approved");
const drafts = units.filter((u) => u.status === "draft");
const keyOf = (u: { provider: string; code: string }) => `${u.provider}:${u.code}`;
const approvedByKey = new Map(approved.map((u) => [keyOf(u), u]));
const prerequisiteKeys = (u: BundleUnit) =>
  (u.prerequisites ?? []).map((p) => (p.unit.includes(":") ? p.unit : `${u.provider}:${p.unit}`));

const EQF_LEVELS = ["1", "2", "3", "4", "5", "6", "7", "8"];
/** Hours per credit of the credit systems the bank ships (the catalogue only references them). */
const HOURS_PER_CREDIT: Record<string, [number, number]> = {
  ects: [25, 30],
  "us-credit-hour": [37.5, 45],
  "nz-credit": [10, 10],
  "uk-cats": [10, 10],
  "cpd-point": [1, 1],
};

// The API and the CLI validate with ajv and ajv-formats (CommonJS: its default export arrives wrapped).
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

function schemaErrors(schema: Parameters<typeof Value.Errors>[0], value: unknown): string[] {
  return [...Value.Errors(schema, value)].slice(0, 5).map((e) => `${e.path}: ${e.message}`);
}

function levelExists(framework: string, level: string): boolean {
  if (framework === "eqf") return EQF_LEVELS.includes(level);
  const fw = (bundle.frameworks ?? []).find((f) => f.id === framework);
  return fw?.levels.some((l) => l.code === level) ?? false;
}

function covered(provider: Provider, u: BundleUnit): boolean {
  const level = u.level;
  if (!level || !u.field) return false;
  return (provider.accreditations ?? []).some(
    (a) =>
      (a.status ?? "active") === "active" &&
      a.framework === level.framework &&
      Number(a.minLevel) <= Number(level.level) &&
      Number(level.level) <= Number(a.maxLevel) &&
      a.fields.some((f) => f === "*" || (u.field as string).startsWith(f)) &&
      a.validFrom <= DEMO_REFERENCE_DATE &&
      (a.validTo === undefined || DEMO_REFERENCE_DATE <= a.validTo),
  );
}

/** Units on a prerequisite cycle, over all units of the bundle (drafts included). */
function unitsOnCycles(): Set<string> {
  const all = new Map(units.map((u) => [keyOf(u), prerequisiteKeys(u)]));
  const onCycle = new Set<string>();
  for (const start of all.keys()) {
    const seen = new Set<string>();
    const stack = [...(all.get(start) ?? [])];
    while (stack.length > 0) {
      const k = stack.pop() as string;
      if (k === start) {
        onCycle.add(start);
        break;
      }
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...(all.get(k) ?? []));
    }
  }
  return onCycle;
}
const cycles = unitsOnCycles();

/** The coherence problems of a unit, by the codes of DEMO_DRAFT_PROBLEMS (a stand-in for domain/coherence.ts). */
function problems(u: BundleUnit): string[] {
  const found = new Set<string>();
  const objectives = u.objectives ?? [];
  const outcomes = u.outcomes ?? [];
  const assessments = u.assessments ?? [];
  const served = new Set(outcomes.flatMap((o) => o.objectives ?? []));
  const assessed = new Set(assessments.flatMap((a) => a.outcomes));
  if (objectives.some((o) => !served.has(o.id))) found.add("objective-unsupported");
  if (outcomes.some((o) => !assessed.has(o.id))) found.add("outcome-unassessed");
  if (outcomes.some((o) => o.dimension === undefined)) found.add("outcome-without-dimension");
  if (u.credits && u.notionalHours !== undefined) {
    const [min, max] = HOURS_PER_CREDIT[u.credits.system] ?? [Number.NaN, Number.NaN];
    const perCredit = u.notionalHours / u.credits.value;
    if (!(perCredit >= min * 0.9 - 1e-9 && perCredit <= max * 1.1 + 1e-9)) found.add("credits-hours-mismatch");
  }
  const provider = providers.get(u.provider);
  if (provider && u.level && !covered(provider, u)) found.add("level-outside-accreditation");
  if (cycles.has(keyOf(u))) found.add("prerequisite-cycle");
  const mandatory = [
    u.title,
    outcomes.length > 0,
    u.credits,
    u.notionalHours,
    u.level,
    assessments.length > 0,
    u.mode,
    u.qualityAssurance,
  ];
  if (mandatory.some((m) => m === undefined || m === false || m === "")) found.add("missing-mandatory-element");
  return [...found].sort();
}

function gradeConsistent(scheme: GradingScheme | undefined, r: AchievementRecord): boolean {
  if (!scheme || scheme.type === "pass-fail") return r.result === "passed" && r.grade === undefined;
  if (r.grade === undefined) return false;
  if (scheme.type === "numeric") {
    const pass = Number(scheme.passMark);
    const mark = Number(r.grade);
    if (!(mark >= pass && mark <= 100)) return false;
    const expected =
      mark >= pass + (100 - pass) / 2
        ? "passed-with-distinction"
        : mark >= pass + (100 - pass) / 3
          ? "passed-with-merit"
          : "passed";
    return r.result === expected;
  }
  const scale = scheme.scale ?? [];
  const index = scale.indexOf(r.grade);
  const passIndex = scale.indexOf(scheme.passMark ?? "");
  if (index < 0 || index > passIndex) return false;
  const expected = index === 0 ? "passed-with-distinction" : index === 1 ? "passed-with-merit" : "passed";
  return r.result === expected;
}

const identifierKey = (id: LearnerIdentifier) => `${id.kind}|${id.issuer ?? ""}|${id.value.toLowerCase()}`;

/** Groups records into people: records sharing any identifier belong to the same account (union-find). */
function learnerComponents(rs: AchievementRecord[]): Map<AchievementRecord, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  for (const r of rs) {
    const keys = r.learner.identifiers.map(identifierKey);
    for (const k of keys) if (!parent.has(k)) parent.set(k, k);
    for (const k of keys.slice(1)) parent.set(find(k), find(keys[0] as string));
  }
  return new Map(rs.map((r) => [r, find(identifierKey(r.learner.identifiers[0] as LearnerIdentifier))]));
}
const components = learnerComponents(records);

describe("random", () => {
  it("is deterministic per seed and stays in range", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const r = new Random(7);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 9);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(9);
    }
    expect(new Random(1).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("demo catalogue", () => {
  it("is a valid catalogue bundle", () => {
    expect(schemaErrors(CatalogueBundle, bundle)).toEqual([]);
    expect(Value.Check(CatalogueBundle, bundle)).toBe(true);
    const validate = ajv.compile(CatalogueBundle);
    expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it("is deterministic", () => {
    expect(demoCatalogue()).toEqual(bundle);
    expect(demoCatalogue()).not.toBe(bundle);
  });

  it("references EQF and the credit systems rather than shipping them", () => {
    expect((bundle.frameworks ?? []).map((f) => f.id)).toEqual(["aurelia-nqf"]);
    expect(bundle.creditSystems).toBeUndefined();
  });

  it("has a ten-level national framework referenced to EQF", () => {
    const nqf = (bundle.frameworks ?? [])[0];
    expect(nqf?.levels.map((l) => l.code)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(nqf?.levels.map((l) => l.ordinal)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const l of nqf?.levels ?? []) {
      expect(l.knowledge && l.skills && l.responsibilityAutonomy && l.title).toBeTruthy();
    }
    const refs = Object.fromEntries((nqf?.levelReferences ?? []).map((r) => [r.level, r.targetLevel]));
    expect(refs).toEqual({ 1: "1", 2: "2", 3: "3", 4: "4", 5: "4", 6: "5", 7: "6", 8: "6", 9: "7", 10: "8" });
    expect((nqf?.levelReferences ?? []).every((r) => r.targetFramework === "eqf" && r.basis)).toBe(true);
  });

  it("has a hierarchical skills taxonomy", () => {
    const skills = (bundle.skillFrameworks ?? [])[0];
    expect(skills?.id).toBe("aurelia-skills");
    const items = skills?.items ?? [];
    const top = items.filter((i) => i.parent === undefined);
    expect(top.length).toBeGreaterThanOrEqual(6);
    for (const group of top) {
      const children = items.filter((i) => i.parent === group.code);
      expect(children.length).toBeGreaterThanOrEqual(4);
      expect(children.length).toBeLessThanOrEqual(8);
    }
    const codes = new Set(items.map((i) => i.code));
    expect(codes.size).toBe(items.length);
    expect(items.every((i) => i.parent === undefined || codes.has(i.parent))).toBe(true);
  });

  it("has at least four providers of four kinds, each fully described and accredited", () => {
    const ps = bundle.providers ?? [];
    expect(ps.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ps.map((p) => p.kind)).size).toBeGreaterThanOrEqual(4);
    for (const p of ps) {
      expect(p.website).toMatch(/^https:\/\/.*\.example$/);
      expect(p.contactEmail && p.description && p.qualityAssurance).toBeTruthy();
      expect(p.identifiers?.length).toBeGreaterThan(0);
      expect(p.accreditations?.some((a) => a.status === "active")).toBe(true);
      for (const a of p.accreditations ?? []) {
        expect(levelExists(a.framework, a.minLevel) && levelExists(a.framework, a.maxLevel)).toBe(true);
      }
    }
    expect(ps.filter((p) => p.country === "XA").length).toBeGreaterThanOrEqual(4);
    // One provider has an accreditation history; the MOOC platform a narrow scope.
    expect(ps.some((p) => (p.accreditations ?? []).some((a) => a.status !== "active"))).toBe(true);
    const mooc = ps.find((p) => p.kind === "mooc-platform");
    expect(mooc?.accreditations?.map((a) => [a.framework, a.minLevel, a.maxLevel])).toEqual([["eqf", "4", "5"]]);
  });

  it("has at least 40 approved units in at least three broad fields, spread over the providers", () => {
    expect(approved.length).toBeGreaterThanOrEqual(40);
    expect(new Set(approved.map((u) => u.field?.slice(0, 2))).size).toBeGreaterThanOrEqual(3);
    for (const p of providers.keys()) expect(approved.some((u) => u.provider === p)).toBe(true);
    expect(approvedByKey.size).toBe(approved.length);
    expect(approved.some((u) => u.language === "fr")).toBe(true);
    expect(new Set(approved.map((u) => u.credits?.system)).size).toBeGreaterThanOrEqual(3);
  });

  it.each(approved.map((u) => [keyOf(u), u] as const))("approved unit %s is complete and coherent", (_key, u) => {
    // Complete.
    for (const field of [
      "description",
      "language",
      "level",
      "credits",
      "notionalHours",
      "field",
      "mode",
      "qualityAssurance",
      "identityVerification",
      "gradingScheme",
      "stackability",
    ] as const) {
      expect(u[field], field).toBeDefined();
    }
    if (u.mode !== "online") expect(u.venue).toBeTruthy();
    expect(["eqf", "aurelia-nqf"]).toContain(u.level?.framework);
    expect(levelExists(u.level?.framework ?? "", u.level?.level ?? "")).toBe(true);
    expect(u.price === undefined || u.price.currency === "EUR").toBe(true);

    // Objectives, outcomes, assessments.
    const objectives = u.objectives ?? [];
    const outcomes = u.outcomes ?? [];
    const assessments = u.assessments ?? [];
    expect(objectives.length).toBeGreaterThanOrEqual(1);
    expect(objectives.length).toBeLessThanOrEqual(4);
    expect(outcomes.length).toBeGreaterThanOrEqual(3);
    expect(outcomes.length).toBeLessThanOrEqual(6);
    expect(assessments.length).toBeGreaterThanOrEqual(1);
    expect(assessments.length).toBeLessThanOrEqual(3);
    const objectiveIds = new Set(objectives.map((o) => o.id));
    const outcomeIds = new Set(outcomes.map((o) => o.id));
    expect(objectiveIds.size).toBe(objectives.length);
    expect(outcomeIds.size).toBe(outcomes.length);
    for (const o of outcomes) {
      expect(DIMENSIONS).toContain(o.dimension);
      expect(o.objectives?.length).toBeGreaterThan(0);
      for (const ref of o.objectives ?? []) expect(objectiveIds.has(ref)).toBe(true);
    }
    for (const a of assessments) for (const ref of a.outcomes) expect(outcomeIds.has(ref)).toBe(true);
    const dims = new Set(outcomes.map((o) => o.dimension));
    expect(dims.has("knowledge-understanding") && dims.has("skills-capacity")).toBe(true);
    expect(assessments.reduce((s, a) => s + (a.weight ?? 0), 0)).toBe(100);

    // Skills exist in the taxonomy.
    const skillCodes = new Set((bundle.skillFrameworks ?? []).flatMap((f) => f.items.map((i) => `${f.id}:${i.code}`)));
    expect(u.skills?.length).toBeGreaterThan(0);
    for (const s of u.skills ?? []) expect(skillCodes.has(`${s.framework}:${s.code}`)).toBe(true);

    // Prerequisites are approved units (and not the unit itself).
    for (const k of prerequisiteKeys(u)) {
      expect(approvedByKey.has(k), k).toBe(true);
      expect(k).not.toBe(keyOf(u));
    }

    // No coherence problem: objectives served, outcomes assessed and tagged, credits match hours, level and
    // field within an active accreditation, no prerequisite cycle, mandatory elements present.
    expect(problems(u)).toEqual([]);
  });

  it("has a few cross-provider prerequisites", () => {
    const cross = approved.flatMap((u) => (u.prerequisites ?? []).filter((p) => p.unit.includes(":")));
    expect(cross.length).toBeGreaterThanOrEqual(2);
  });

  it("has drafts whose deliberate problems are listed in DEMO_DRAFT_PROBLEMS", () => {
    expect(drafts.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(DEMO_DRAFT_PROBLEMS).sort()).toEqual(drafts.map(keyOf).sort());
    const allCodes = new Set<string>();
    for (const d of drafts) {
      const expected = [...(DEMO_DRAFT_PROBLEMS[keyOf(d)] ?? [])].sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(problems(d), keyOf(d)).toEqual(expected);
      for (const c of expected) allCodes.add(c);
    }
    expect([...allCodes].sort()).toEqual([
      "credits-hours-mismatch",
      "level-outside-accreditation",
      "missing-mandatory-element",
      "objective-unsupported",
      "outcome-unassessed",
      "outcome-without-dimension",
      "prerequisite-cycle",
    ]);
  });

  it("has at least four qualifications of four types whose rules name approved units", () => {
    const qs = bundle.qualifications ?? [];
    expect(qs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(qs.map((q) => q.type)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(qs.map((q) => q.awardingBody)).size).toBeGreaterThanOrEqual(4);
    for (const q of qs) {
      expect(providers.has(q.awardingBody)).toBe(true);
      expect(levelExists(q.level.framework, q.level.level)).toBe(true);
      const refs: string[] = [];
      const walk = (v: unknown): void => {
        if (typeof v === "string" && /^[a-z0-9][a-z0-9._-]*:[A-Za-z0-9]/.test(v)) refs.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
      };
      walk(q.rules);
      expect(refs.length).toBeGreaterThan(0);
      for (const r of refs) expect(approvedByKey.has(r), `${q.code}: ${r}`).toBe(true);
      expect((q.rules as { totalCredits?: number }).totalCredits).toBe(q.credits.value);
    }
  });
});

describe("demo achievements", () => {
  it("are valid achievement records", () => {
    const validate = ajv.compile(AchievementRecord);
    for (const r of records) {
      expect(schemaErrors(AchievementRecord, r), r.recordId).toEqual([]);
      expect(validate(r), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
  });

  it("are deterministic, and depend on the seed", () => {
    expect(demoAchievements(demoCatalogue())).toEqual(records);
    expect(demoAchievements(bundle, { seed: 99 })).not.toEqual(records);
    expect(demoLearnerName(17)).toEqual(demoLearnerName(17));
  });

  it("come from at least 200 distinct learners with 1 to 12 achievements each", () => {
    const perLearner = new Map<string, number>();
    for (const c of components.values()) perLearner.set(c, (perLearner.get(c) ?? 0) + 1);
    expect(perLearner.size).toBeGreaterThanOrEqual(200);
    expect(Math.max(...perLearner.values())).toBeLessThanOrEqual(12);
    const names = new Set(records.map((r) => `${r.learner.givenName} ${r.learner.familyName}`));
    expect(names.size).toBeGreaterThanOrEqual(150);
  });

  it("give every learner an e-mail, some a national id and some student numbers from the provider", () => {
    const kinds = new Set<string>();
    for (const r of records) {
      for (const id of r.learner.identifiers) {
        kinds.add(id.kind);
        if (id.kind === "student-number") expect(id.issuer).toBe(r.provider);
        if (id.kind === "national-id") {
          expect(id.issuer).toBe("XA");
          expect(id.value).toMatch(/^XA-\d{4}-\d{4}-\d$/);
        }
        if (id.kind === "email") expect(id.value).toMatch(/^[a-z0-9.+]+@[a-z0-9.-]+\.example$/);
      }
    }
    expect([...kinds].sort()).toEqual(["email", "national-id", "student-number"]);
    const duplicateIds = new Set(
      DEMO_DUPLICATE_PEOPLE.flatMap((p) => [...p.a.identifiers, ...p.b.identifiers]).map(identifierKey),
    );
    const generated = records.filter((r) => !r.learner.identifiers.some((id) => duplicateIds.has(identifierKey(id))));
    expect(generated.every((r) => r.learner.identifiers.some((id) => id.kind === "email"))).toBe(true);
  });

  it("reference approved units, on or before the reference date, while the provider is accredited", () => {
    for (const r of records) {
      const u = approvedByKey.get(`${r.provider}:${r.unit}`);
      expect(u, `${r.provider}:${r.unit}`).toBeDefined();
      expect(r.achievedOn <= DEMO_REFERENCE_DATE).toBe(true);
      const p = providers.get(r.provider) as Provider;
      const inForce = (p.accreditations ?? []).some(
        (a) =>
          (a.status ?? "active") === "active" &&
          a.validFrom <= r.achievedOn &&
          (a.validTo === undefined || r.achievedOn <= a.validTo),
      );
      expect(inForce, r.recordId).toBe(true);
    }
  });

  it("respect prerequisites within each learner's history and never repeat a unit", () => {
    const held = new Map<string, Map<string, string>>();
    for (const r of records) {
      const c = components.get(r) as string;
      const mine = held.get(c) ?? new Map<string, string>();
      held.set(c, mine);
      const key = `${r.provider}:${r.unit}`;
      expect(mine.has(key), `${c} ${key}`).toBe(false);
      mine.set(key, r.achievedOn);
    }
    for (const r of records) {
      const mine = held.get(components.get(r) as string) as Map<string, string>;
      const u = approvedByKey.get(`${r.provider}:${r.unit}`) as BundleUnit;
      for (const pre of prerequisiteKeys(u)) {
        const when = mine.get(pre);
        expect(when, `${r.recordId} needs ${pre}`).toBeDefined();
        expect((when as string) < r.achievedOn, `${r.recordId} after ${pre}`).toBe(true);
      }
    }
  });

  it("have grades and results that match the unit's grading scheme", () => {
    for (const r of records) {
      const u = approvedByKey.get(`${r.provider}:${r.unit}`) as BundleUnit;
      expect(gradeConsistent(u.gradingScheme, r), `${r.recordId} ${r.grade} ${r.result}`).toBe(true);
    }
    expect(new Set(records.map((r) => r.result)).size).toBe(3);
  });

  it("have unique, stable record ids and occasional evidence links", () => {
    const ids = records.map((r) => r.recordId);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(records.length);
    for (const r of records) expect(r.recordId?.startsWith(`${r.provider}-`)).toBe(true);
    const withEvidence = records.filter((r) => r.evidence);
    expect(withEvidence.length).toBeGreaterThan(0);
    expect(withEvidence.every((r) => r.evidence?.every((e) => e.url.startsWith("https://evidence.example/")))).toBe(
      true,
    );
  });

  it("are sorted by date, and every approved unit has been achieved by someone", () => {
    const dates = records.map((r) => r.achievedOn);
    expect([...dates].sort()).toEqual(dates);
    const achieved = new Set(records.map((r) => `${r.provider}:${r.unit}`));
    expect(approved.filter((u) => !achieved.has(keyOf(u))).map(keyOf)).toEqual([]);
  });

  it("include learners who hold every core unit of each qualification but the bachelor", () => {
    const held = new Map<string, Set<string>>();
    for (const r of records) {
      const c = components.get(r) as string;
      held.set(c, (held.get(c) ?? new Set()).add(`${r.provider}:${r.unit}`));
    }
    for (const q of bundle.qualifications ?? []) {
      if (q.type === "bachelor-degree") continue;
      const blocks = (q.rules as { blocks: { all?: string[] }[] }).blocks;
      const core = blocks.flatMap((b) => b.all ?? []);
      const holders = [...held.values()].filter((units) => core.every((k) => units.has(k)));
      expect(holders.length, q.code).toBeGreaterThan(0);
    }
  });

  it("include people known at two providers under different identifiers", () => {
    expect(DEMO_DUPLICATE_PEOPLE.length).toBeGreaterThanOrEqual(3);
    for (const person of DEMO_DUPLICATE_PEOPLE) {
      expect(person.a.provider).not.toBe(person.b.provider);
      const a = new Set(person.a.identifiers.map(identifierKey));
      expect(person.b.identifiers.some((id) => a.has(identifierKey(id)))).toBe(false);
      const side = (s: typeof person.a) =>
        records.filter(
          (r) =>
            r.provider === s.provider &&
            r.learner.identifiers.length === s.identifiers.length &&
            r.learner.identifiers.every((id) => s.identifiers.some((x) => identifierKey(x) === identifierKey(id))),
        );
      const ra = side(person.a);
      const rb = side(person.b);
      expect(ra.length).toBeGreaterThan(0);
      expect(rb.length).toBeGreaterThan(0);
      for (const r of [...ra, ...rb]) {
        expect(r.learner.givenName).toBe(person.givenName);
        expect(r.learner.familyName).toBe(person.familyName);
        expect(r.learner.birthDate).toBe(person.birthDate);
      }
      expect(components.get(ra[0] as AchievementRecord)).not.toBe(components.get(rb[0] as AchievementRecord));
    }
  });

  it("follow the options: learner count and reference date", () => {
    const few = demoAchievements(bundle, { learners: 10 });
    // 10 generated learners plus both identities of each duplicate person.
    expect(new Set(learnerComponents(few).values()).size).toBeLessThanOrEqual(10 + 2 * DEMO_DUPLICATE_PEOPLE.length);
    const early = demoAchievements(bundle, { today: "2025-06-30" });
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((r) => r.achievedOn <= "2025-06-30")).toBe(true);
    expect(() => demoAchievements(bundle, { today: "01/11/2026" })).toThrow(RangeError);
  });
});

describe("helpers", () => {
  it("turn names into e-mail local parts", () => {
    expect(emailLocalPart("Ní Bhriain")).toBe("nibhriain");
    expect(emailLocalPart("Wiśniewska")).toBe("wisniewska");
    expect(emailLocalPart("Michał")).toBe("michal");
    expect(emailLocalPart("O'Brien")).toBe("obrien");
    expect(emailLocalPart("Yılmaz")).toBe("yilmaz");
    expect(emailLocalPart("Müller")).toBe("muller");
  });

  it("make national ids with a check digit", () => {
    expect(aurelianNationalId(12345678)).toMatch(/^XA-1234-5678-\d$/);
    expect(aurelianNationalId(12345678)).not.toBe(aurelianNationalId(12345679));
  });

  it("give results consistent with each kind of grading scheme", () => {
    expect(resultFor({ type: "pass-fail" }, 0.9)).toEqual({ result: "passed" });
    expect(resultFor({ type: "numeric", passMark: "40" }, 0)).toEqual({ result: "passed", grade: "40" });
    expect(resultFor({ type: "numeric", passMark: "40" }, 0.999)).toEqual({
      result: "passed-with-distinction",
      grade: "100",
    });
    const letter: GradingScheme = { type: "letter", passMark: "E", scale: ["A", "B", "C", "D", "E", "F"] };
    expect(resultFor(letter, 0.95)).toEqual({ result: "passed-with-distinction", grade: "A" });
    expect(resultFor(letter, 0.75)).toEqual({ result: "passed-with-merit", grade: "B" });
    expect(resultFor(letter, 0)).toEqual({ result: "passed", grade: "E" });
  });
});
