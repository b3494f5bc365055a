/**
 * The benchmark's synthetic workload, fully determined by a seed (no Math.random, no clock):
 *
 * - a catalogue bundle: two providers accredited for EQF levels 4–7 in field '06', each with 50 approved,
 *   coherent units (EQF level, ECTS credits with 25–30 notional hours each, field '0613', mode, quality
 *   assurance, objectives served by outcomes covering knowledge and skills, every outcome assessed);
 * - N achievement records over N / 5 learners (one e-mail identifier each, five achievements each), every
 *   (learner, unit, date) distinct so that none is a repeat, all dated in the past, in shuffled order;
 * - the rows of the bare-insert baseline: the same achievements as plain `achievement`-shaped rows.
 *
 * EQF ('eqf') and ECTS ('ects') are shipped by the bank itself, so the bundle only refers to them.
 */
import { createHash } from "node:crypto";
import { Random } from "../src/demo/random.ts";
import type { AchievementRecord } from "../src/domain/schema/accounts.ts";
import type { BundleUnit, CatalogueBundle, Provider } from "../src/domain/schema/catalogue.ts";

export const UNITS_PER_PROVIDER = 50;
export const ACHIEVEMENTS_PER_LEARNER = 5;
/** Achievement dates are drawn from this range: all in the past, all inside the accreditations. */
const FIRST_DAY = Date.UTC(2020, 0, 1);
const LAST_DAY = Date.UTC(2025, 11, 31);

const PROVIDERS: Provider[] = [
  {
    id: "bench-university",
    name: "Benchmark University",
    kind: "university",
    country: "XA",
    website: "https://www.bench-university.example",
    qualityAssurance: "Internal quality assurance reviewed every six years by the national agency (ESG 2015).",
    accreditations: [
      {
        framework: "eqf",
        minLevel: "4",
        maxLevel: "7",
        fields: ["06"],
        validFrom: "2015-01-01",
        status: "active",
        reference: "BENCH-ACC-1",
      },
    ],
  },
  {
    id: "bench-polytechnic",
    name: "Benchmark Polytechnic",
    kind: "polytechnic",
    country: "XA",
    website: "https://www.bench-polytechnic.example",
    qualityAssurance: "Programme approval and annual monitoring under the institutional quality manual.",
    accreditations: [
      {
        framework: "eqf",
        minLevel: "4",
        maxLevel: "7",
        fields: ["06"],
        validFrom: "2015-01-01",
        status: "active",
        reference: "BENCH-ACC-2",
      },
    ],
  },
];

const TOPICS = [
  "Databases",
  "Web Development",
  "Software Testing",
  "Cloud Platforms",
  "Data Engineering",
  "Secure Coding",
  "Distributed Systems",
  "Machine Learning",
  "Mobile Apps",
  "DevOps",
];
const CREDITS = [1, 2, 3, 4, 5, 6, 10] as const;
const MODES = ["online", "onsite", "blended"] as const;
const LEVELS = ["4", "5", "6", "7"] as const;

function unit(provider: Provider, index: number, random: Random): BundleUnit {
  const credits = random.pick(CREDITS);
  const hoursPerCredit = random.int(25, 30);
  const mode = random.pick(MODES);
  const topic = random.pick(TOPICS);
  const code = `BU${String(index + 1).padStart(3, "0")}`;
  return {
    provider: provider.id,
    code,
    title: `${topic} ${index + 1}`,
    description: `A synthetic benchmark unit on ${topic.toLowerCase()}.`,
    language: "en",
    level: { framework: "eqf", level: random.pick(LEVELS) },
    credits: { value: credits, system: "ects" },
    notionalHours: credits * hoursPerCredit,
    field: "0613",
    objectives: [
      { id: "O1", text: `Understand the principles of ${topic.toLowerCase()}.` },
      { id: "O2", text: `Apply ${topic.toLowerCase()} techniques in practice.` },
    ],
    outcomes: [
      {
        id: "LO1",
        text: "Explain the core concepts and their trade-offs.",
        dimension: "knowledge-understanding",
        objectives: ["O1"],
      },
      {
        id: "LO2",
        text: "Build a working solution to a realistic problem.",
        dimension: "skills-capacity",
        objectives: ["O2"],
      },
      {
        id: "LO3",
        text: "Evaluate a solution against stated requirements.",
        dimension: "skills-capacity",
        objectives: ["O1", "O2"],
      },
    ],
    assessments: [
      {
        id: "A1",
        method: "written-exam",
        description: "Supervised written examination.",
        outcomes: ["LO1", "LO3"],
        weight: 40,
      },
      {
        id: "A2",
        method: "project",
        description: "Individual project with a report.",
        outcomes: ["LO2", "LO3"],
        weight: 60,
      },
    ],
    mode,
    ...(mode !== "online" ? { venue: `${provider.name}, main campus` } : {}),
    qualityAssurance: "Second marking of all assessments; external examiner's report every year.",
    identityVerification: "supervised-with-identity-verification",
    gradingScheme: { type: "pass-fail", description: "Pass or fail against the assessment criteria." },
    stackability: "stackable",
    url: `${provider.website}/courses/${code.toLowerCase()}`,
    status: "approved",
  };
}

export interface BenchUnit {
  provider: string;
  code: string;
}

/** The catalogue bundle to import before recording: providers, accreditations and approved units. */
export function benchCatalogue(seed: number): CatalogueBundle {
  const random = new Random(seed);
  const providers = PROVIDERS.map((p) => structuredClone(p));
  const units = providers.flatMap((p) => Array.from({ length: UNITS_PER_PROVIDER }, (_, i) => unit(p, i, random)));
  return { providers, units };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const RESULTS = ["passed", "passed", "passed", "passed-with-merit", "passed-with-distinction"] as const;
const GIVEN = ["Ana", "Ben", "Chloé", "Dara", "Eli", "Femi", "Grete", "Hugo", "Ines", "Jonas", "Kai", "Lena"];
const FAMILY = ["Murphy", "Novak", "Okafor", "Papadopoulos", "Quinn", "Rossi", "Schmidt", "Tanaka", "Ulloa"];

/**
 * `n` achievement records over ceil(n / 5) learners, shuffled. Each learner takes distinct units, so no two
 * records share (learner, unit, date) and a run records every one of them.
 */
export function benchRecords(seed: number, n: number, units: BenchUnit[]): AchievementRecord[] {
  const random = new Random(seed ^ 0x5eed);
  const learners = Math.ceil(n / ACHIEVEMENTS_PER_LEARNER);
  const days = Math.round((LAST_DAY - FIRST_DAY) / 86_400_000);
  const records: AchievementRecord[] = [];
  for (let l = 0; l < learners && records.length < n; l++) {
    const email = `learner${String(l + 1).padStart(6, "0")}@bench.example`;
    const givenName = random.pick(GIVEN);
    const familyName = random.pick(FAMILY);
    const taken = new Set<number>();
    for (let k = 0; k < ACHIEVEMENTS_PER_LEARNER && records.length < n; k++) {
      let u = random.int(0, units.length - 1);
      while (taken.has(u)) u = (u + 1) % units.length;
      taken.add(u);
      const target = units[u] as BenchUnit;
      records.push({
        recordId: `R${String(records.length + 1).padStart(7, "0")}`,
        provider: target.provider,
        unit: target.code,
        learner: { givenName, familyName, identifiers: [{ kind: "email", value: email }] },
        achievedOn: isoDay(FIRST_DAY + random.int(0, days) * 86_400_000),
        result: random.pick(RESULTS),
      });
    }
  }
  return random.shuffle(records);
}

/** A row of the bare baseline table: the columns of `achievement` a recording writes. */
export interface BareRow {
  learner_id: string;
  provider_id: string;
  unit_id: string;
  unit_version: number;
  achieved_on: string;
  result: string | null;
  grade: string | null;
  evidence: string;
  record_id: string | null;
  content_hash: string;
  recorded_by: string;
}

/** A deterministic UUID-shaped string (version 4 layout) from a name. */
function nameUuid(name: string): string {
  const h = createHash("sha256").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The same achievements as rows of the bare table, computed before the clock starts: the baseline times the
 * insert alone. Learner and unit ids are stand-ins (the bare table has no foreign keys).
 */
export function bareRows(records: AchievementRecord[], recordedBy: string): BareRow[] {
  return records.map((r) => ({
    learner_id: nameUuid(`learner:${r.learner.identifiers[0]?.value}`),
    provider_id: r.provider,
    unit_id: nameUuid(`unit:${r.provider}:${r.unit}`),
    unit_version: 1,
    achieved_on: r.achievedOn,
    result: r.result ?? null,
    grade: r.grade ?? null,
    evidence: "[]",
    record_id: r.recordId ?? null,
    content_hash: createHash("sha256").update(JSON.stringify(r)).digest("hex"),
    recorded_by: recordedBy,
  }));
}
