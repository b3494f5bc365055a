/**
 * Demo learners and their achievements: a few hundred people from many backgrounds, each with a
 * plausible learning history in the demo catalogue (a field of interest, units taken in order, after
 * their prerequisites, only while the provider is accredited, never in the future).
 *
 * Deterministic: everything comes from a seeded PRNG and a fixed reference date; no clock, no I/O.
 */
import type { AchievementRecord, LearnerIdentifier } from "../domain/schema/accounts.ts";
import type { BundleUnit, CatalogueBundle, GradingScheme, Provider } from "../domain/schema/catalogue.ts";
import { DEMO_REFERENCE_DATE } from "./catalogue.ts";
import { mixSeed, Random } from "./random.ts";

export const DEMO_LEARNER_COUNT = 240;
export const DEMO_SEED = 20261101;

export interface DemoAchievementOptions {
  /** How many generated learners (default 240); the duplicate people come on top. */
  learners?: number;
  seed?: number;
  /** The reference date (YYYY-MM-DD): nothing is achieved after it. Default '2026-11-01'. */
  today?: string;
}

// ---------------------------------------------------------------------------------------------
// Names

interface NameCulture {
  id: string;
  weight: number;
  /** Preferred language of learners of this background who prefer something other than English. */
  language?: string;
  given: string[];
  family: string[];
}

const CULTURES: NameCulture[] = [
  {
    id: "aurelian",
    weight: 14,
    given: [
      "Aurel",
      "Livia",
      "Marius",
      "Elena",
      "Dorian",
      "Ilona",
      "Stefan",
      "Mira",
      "Valentin",
      "Corina",
      "Teodor",
      "Anca",
      "Sorin",
      "Irina",
      "Radu",
      "Dana",
    ],
    family: [
      "Albescu",
      "Varga",
      "Moldovan",
      "Serban",
      "Lupu",
      "Tomescu",
      "Dragan",
      "Marin",
      "Costa",
      "Iliescu",
      "Petran",
      "Sava",
      "Neagu",
      "Rusu",
    ],
  },
  {
    id: "irish-british",
    weight: 7,
    given: [
      "Aoife",
      "Ciarán",
      "Siobhán",
      "Niamh",
      "Eoin",
      "Oliver",
      "Grace",
      "Liam",
      "Emily",
      "Seán",
      "Hannah",
      "James",
    ],
    family: [
      "Murphy",
      "O'Brien",
      "Kelly",
      "Walsh",
      "Byrne",
      "Ní Bhriain",
      "Smith",
      "Taylor",
      "Clarke",
      "Evans",
      "Doyle",
    ],
  },
  {
    id: "french",
    weight: 7,
    language: "fr",
    given: [
      "Léa",
      "Hugo",
      "Camille",
      "Théo",
      "Chloé",
      "Mathis",
      "Inès",
      "Julien",
      "Manon",
      "Lucas",
      "Élodie",
      "Antoine",
    ],
    family: [
      "Martin",
      "Bernard",
      "Dubois",
      "Moreau",
      "Lefèvre",
      "Girard",
      "Fontaine",
      "Rousseau",
      "Mercier",
      "Chevalier",
    ],
  },
  {
    id: "german",
    weight: 6,
    given: ["Lukas", "Anna", "Jonas", "Lena", "Felix", "Sophie", "Maximilian", "Marie", "Tobias", "Johanna", "Niklas"],
    family: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Wagner"],
  },
  {
    id: "polish",
    weight: 5,
    given: ["Tomasz", "Agnieszka", "Piotr", "Katarzyna", "Michał", "Zofia", "Paweł", "Małgorzata", "Jakub", "Ewa"],
    family: ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamiński", "Lewandowska", "Zieliński", "Szymańska"],
  },
  {
    id: "italian",
    weight: 5,
    given: ["Giulia", "Marco", "Francesca", "Lorenzo", "Chiara", "Alessandro", "Sara", "Matteo", "Elisa", "Davide"],
    family: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"],
  },
  {
    id: "spanish-latin-american",
    weight: 6,
    given: ["Lucía", "Javier", "Sofía", "Alejandro", "Valentina", "Diego", "Camila", "Mateo", "Martina", "Carlos"],
    family: ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ramírez", "Torres", "Flores"],
  },
  {
    id: "portuguese-brazilian",
    weight: 3,
    given: ["João", "Beatriz", "Tiago", "Mariana", "Rafael", "Larissa", "Gonçalo", "Ana"],
    family: ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Almeida"],
  },
  {
    id: "greek",
    weight: 3,
    given: ["Eleni", "Georgios", "Maria", "Dimitris", "Katerina", "Nikos", "Sofia", "Yannis"],
    family: ["Papadopoulou", "Nikolaidis", "Georgiou", "Papadakis", "Vlachou", "Karagiannis", "Oikonomou"],
  },
  {
    id: "dutch-flemish",
    weight: 3,
    given: ["Daan", "Emma", "Sem", "Julia", "Bram", "Fleur", "Lotte", "Ruben"],
    family: ["de Jong", "Jansen", "de Vries", "van den Berg", "Peeters", "Janssens", "Bakker", "Visser"],
  },
  {
    id: "nordic",
    weight: 3,
    given: ["Astrid", "Erik", "Ingrid", "Lars", "Freja", "Mikkel", "Sigrid", "Henrik", "Saga"],
    family: ["Johansson", "Nielsen", "Hansen", "Andersson", "Lindqvist", "Virtanen", "Berg", "Dahl"],
  },
  {
    id: "ukrainian",
    weight: 4,
    given: ["Oksana", "Andriy", "Olena", "Dmytro", "Yulia", "Taras", "Iryna", "Bohdan"],
    family: ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko", "Oliynyk"],
  },
  {
    id: "turkish",
    weight: 3,
    given: ["Elif", "Mehmet", "Zeynep", "Emre", "Ayşe", "Burak", "Deniz", "Selin"],
    family: ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan"],
  },
  {
    id: "arabic",
    weight: 4,
    language: "fr",
    given: ["Amira", "Youssef", "Layla", "Omar", "Nour", "Karim", "Salma", "Hassan", "Yasmin", "Mehdi"],
    family: ["Haddad", "Benali", "El Amrani", "Mansour", "Khalil", "Saleh", "Bouzid", "Nasser"],
  },
  {
    id: "west-african",
    weight: 3,
    given: ["Kwame", "Ama", "Chidi", "Ngozi", "Kofi", "Aminata", "Moussa", "Fatou", "Adebayo"],
    family: ["Mensah", "Okafor", "Diallo", "Traoré", "Boateng", "Adeyemi", "Ndiaye", "Asante"],
  },
  {
    id: "south-asian",
    weight: 5,
    given: ["Priya", "Arjun", "Ananya", "Rohan", "Aisha", "Vikram", "Meera", "Imran", "Kavya", "Sanjay"],
    family: ["Sharma", "Patel", "Nair", "Iyer", "Khan", "Reddy", "Gupta", "Chowdhury", "Fernando"],
  },
  {
    id: "east-asian",
    weight: 4,
    given: ["Wei", "Mei", "Jun", "Xiaoling", "Hiroshi", "Yuki", "Minjun", "Seoyeon", "Hao", "Lan"],
    family: ["Wang", "Li", "Zhang", "Chen", "Liu", "Tanaka", "Sato", "Kim", "Park", "Lin"],
  },
  {
    id: "vietnamese-filipino",
    weight: 3,
    given: ["Linh", "Minh", "Thu", "Quang", "Maricel", "Jose", "Angelica", "Paolo"],
    family: ["Nguyen", "Tran", "Le", "Pham", "Reyes", "Santos", "Bautista", "Dela Cruz"],
  },
];

const TOTAL_CULTURE_WEIGHT = CULTURES.reduce((a, c) => a + c.weight, 0);

interface DemoName {
  givenName: string;
  familyName: string;
  language?: string;
}

function nameFor(i: number): DemoName {
  const rng = new Random(mixSeed(0x4e414d45, i));
  const culture = rng.weighted(CULTURES, (c) => c.weight / TOTAL_CULTURE_WEIGHT);
  const givenName = rng.pick(culture.given);
  // Families and names mix: about one in seven family names comes from another background.
  const familyCulture = rng.chance(0.15) ? rng.weighted(CULTURES, (c) => c.weight) : culture;
  const familyName = rng.pick(familyCulture.family);
  return { givenName, familyName, ...(culture.language ? { language: culture.language } : {}) };
}

/** The name of demo learner number i (0-based); depends on i only. */
export function demoLearnerName(i: number): { givenName: string; familyName: string } {
  const { givenName, familyName } = nameFor(i);
  return { givenName, familyName };
}

const TRANSLITERATION: Record<string, string> = {
  ł: "l",
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/** A name as the ASCII local part of an e-mail address: 'Ní Bhriain' → 'nibhriain', 'Łukasz' → 'lukasz'. */
export function emailLocalPart(name: string): string {
  return name
    .toLowerCase()
    .replace(/[łøæœßđðþı]/g, (c) => TRANSLITERATION[c] ?? c)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]/g, "");
}

// ---------------------------------------------------------------------------------------------
// Identifiers

/** An Aurelian national id 'XA-dddd-dddd-c' with a weighted check digit. */
export function aurelianNationalId(eightDigits: number): string {
  const digits = String(eightDigits % 100_000_000).padStart(8, "0");
  const check = [...digits].reduce((sum, d, i) => sum + Number(d) * (i % 2 === 0 ? 3 : 1), 0) % 10;
  return `XA-${digits.slice(0, 4)}-${digits.slice(4)}-${check}`;
}

/** Student number formats of the providers that give them. */
const STUDENT_NUMBER: Record<string, (year: number, serial: number) => string> = {
  "uni-aurelia": (year, serial) => `UA-${year}-${String(serial).padStart(5, "0")}`,
  "aurelia-poly": (year, serial) => `P${year}${String(serial).padStart(4, "0")}`,
  "aurelia-care-college": (_year, serial) => `ACHSC-${String(serial).padStart(5, "0")}`,
};

/** Providers whose records also carry the learner's national id when they know it. */
const PUBLIC_INSTITUTIONS = new Set(["uni-aurelia", "aurelia-poly", "aurelia-care-college"]);

// ---------------------------------------------------------------------------------------------
// The same people at two providers under different identifiers (for the account-merge demo)

export interface DemoIdentity {
  provider: string;
  identifiers: LearnerIdentifier[];
}

export interface DemoDuplicatePerson {
  givenName: string;
  familyName: string;
  birthDate: string;
  preferredLanguage?: string;
  /** How the person is known at one provider. */
  a: DemoIdentity;
  /** How the same person is known at another provider: no identifier in common with `a`. */
  b: DemoIdentity;
}

interface DuplicatePlan {
  person: DemoDuplicatePerson;
  /** [unit code, days before the reference date] for each side, in order. */
  a: [string, number][];
  b: [string, number][];
}

const DUPLICATE_PLANS: DuplicatePlan[] = [
  {
    person: {
      givenName: "Amira",
      familyName: "Haddad",
      birthDate: "1994-03-17",
      a: { provider: "openlearn-xa", identifiers: [{ kind: "email", value: "amira.haddad@mail.example" }] },
      b: {
        provider: "aurelia-poly",
        identifiers: [{ kind: "student-number", value: "P20249017", issuer: "aurelia-poly" }],
      },
    },
    a: [
      ["OL-PY01", 900],
      ["OL-AI01", 700],
    ],
    b: [
      ["DA110", 500],
      ["DA130", 400],
      ["DA120", 300],
    ],
  },
  {
    person: {
      givenName: "Tomasz",
      familyName: "Wiśniewski",
      birthDate: "1988-11-02",
      a: {
        provider: "xa-digital-skills-council",
        identifiers: [{ kind: "email", value: "tomasz.wisniewski@mail.example" }],
      },
      b: {
        provider: "uni-aurelia",
        identifiers: [
          { kind: "student-number", value: "UA-2023-90002", issuer: "uni-aurelia" },
          { kind: "email", value: "t.wisniewski@students.uni-aurelia.example" },
        ],
      },
    },
    a: [
      ["DSC-CLOUD1", 800],
      ["DSC-AGILE", 760],
    ],
    b: [
      ["DS110", 600],
      ["DS101", 450],
    ],
  },
  {
    person: {
      givenName: "Siobhán",
      familyName: "Ní Bhriain",
      birthDate: "1991-07-24",
      a: { provider: "greenway-skillnet", identifiers: [{ kind: "email", value: "siobhan.nibhriain@mail.example" }] },
      b: { provider: "openlearn-xa", identifiers: [{ kind: "email", value: "s.nibhriain@work.example" }] },
    },
    a: [
      ["GS100", 700],
      ["GS130", 500],
    ],
    b: [["OL-GRN01", 900]],
  },
  {
    person: {
      givenName: "Kwame",
      familyName: "Mensah",
      birthDate: "1979-01-30",
      a: {
        provider: "aurelia-care-college",
        identifiers: [{ kind: "student-number", value: "ACHSC-90004", issuer: "aurelia-care-college" }],
      },
      b: { provider: "openlearn-xa", identifiers: [{ kind: "email", value: "kwame.mensah@mail.example" }] },
    },
    a: [
      ["HC101", 1000],
      ["HC102", 900],
      ["HC110", 800],
    ],
    b: [["OL-DIG01", 300]],
  },
  {
    person: {
      givenName: "Léa",
      familyName: "Moreau",
      birthDate: "1997-05-09",
      preferredLanguage: "fr",
      a: {
        provider: "uni-aurelia",
        identifiers: [
          { kind: "national-id", value: aurelianNationalId(48210937), issuer: "XA" },
          { kind: "student-number", value: "UA-2022-90005", issuer: "uni-aurelia" },
        ],
      },
      b: { provider: "openlearn-xa", identifiers: [{ kind: "email", value: "lea.moreau@mail.example" }] },
    },
    a: [
      ["DR205", 700],
      ["DS301", 400],
    ],
    b: [["OL-FIN01", 600]],
  },
  {
    person: {
      givenName: "Arjun",
      familyName: "Nair",
      birthDate: "1985-09-12",
      a: { provider: "aurelia-poly", identifiers: [{ kind: "email", value: "arjun.nair@mail.example" }] },
      b: { provider: "xa-digital-skills-council", identifiers: [{ kind: "email", value: "a.nair@work.example" }] },
    },
    a: [
      ["WEB110", 1100],
      ["NET120", 1000],
      ["CYB130", 800],
    ],
    b: [
      ["DSC-SEC1", 600],
      ["DSC-SEC2", 300],
    ],
  },
];

/**
 * People who appear at two providers under different identifiers (no identifier in common), so the demo
 * can show a registry admin merging their accounts. Their records are part of `demoAchievements`.
 */
export const DEMO_DUPLICATE_PEOPLE: readonly DemoDuplicatePerson[] = DUPLICATE_PLANS.map((p) => p.person);

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function toDay(iso: string): number {
  if (!ISO_DATE.test(iso)) throw new RangeError(`'${iso}' is not a date in the form YYYY-MM-DD.`);
  const ms = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`'${iso}' is not a valid date.`);
  return Math.round(ms / DAY_MS);
}

function fromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Catalogue index

interface UnitInfo {
  key: string;
  unit: BundleUnit;
  provider: Provider;
  /** Prerequisites as unit keys. */
  prerequisites: string[];
  track: string;
  levelOrdinal: number;
  /** Days (since the epoch) on which the provider holds an accreditation in force, as [from, to] ranges. */
  windows: [number, number][];
}

/** A coarse area of interest from an ISCED-F field code. */
function trackOf(field: string | undefined): string {
  if (!field) return "general";
  if (field.startsWith("06") || field.startsWith("054")) return "digital";
  if (field.startsWith("052") || field.startsWith("07")) return "green";
  if (field.startsWith("09")) return "health";
  if (field.startsWith("04")) return "business";
  return "general";
}

const TRACK_WEIGHTS: Record<string, number> = { digital: 40, health: 22, business: 18, green: 15, general: 5 };

function indexCatalogue(bundle: CatalogueBundle, today: number): Map<string, UnitInfo> {
  const providers = new Map((bundle.providers ?? []).map((p) => [p.id, p]));
  const nqfToEqf = new Map<string, number>();
  for (const fw of bundle.frameworks ?? []) {
    for (const ref of fw.levelReferences ?? []) {
      if (ref.targetFramework === "eqf") nqfToEqf.set(`${fw.id}:${ref.level}`, Number(ref.targetLevel));
    }
  }
  const index = new Map<string, UnitInfo>();
  for (const unit of bundle.units ?? []) {
    if (unit.status !== "approved") continue;
    const provider = providers.get(unit.provider);
    if (!provider) continue;
    const windows = (provider.accreditations ?? [])
      .filter((a) => (a.status ?? "active") === "active")
      .map((a): [number, number] => [toDay(a.validFrom), a.validTo ? toDay(a.validTo) : today]);
    if (windows.length === 0) continue;
    const level = unit.level;
    const levelOrdinal = !level
      ? 5
      : level.framework === "eqf"
        ? Number(level.level)
        : (nqfToEqf.get(`${level.framework}:${level.level}`) ?? 5);
    const key = `${unit.provider}:${unit.code}`;
    index.set(key, {
      key,
      unit,
      provider,
      prerequisites: (unit.prerequisites ?? []).map((p) =>
        p.unit.includes(":") ? p.unit : `${unit.provider}:${p.unit}`,
      ),
      track: trackOf(unit.field),
      levelOrdinal,
      windows,
    });
  }
  // A unit whose prerequisites are not all approved units cannot be reached by anyone.
  let changed = true;
  while (changed) {
    changed = false;
    for (const [key, info] of index) {
      if (info.prerequisites.some((p) => !index.has(p))) {
        index.delete(key);
        changed = true;
      }
    }
  }
  return index;
}

function accreditedOn(info: UnitInfo, day: number): boolean {
  return info.windows.some(([from, to]) => from <= day && day <= to);
}

/** A qualification's rules as the demo catalogue writes them: core units and elective lists. */
interface QualificationPlan {
  track: string;
  core: string[];
  electives: { credits: number; units: string[] }[];
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * The qualifications whose rules (opaque data for now) have the demo's shape and name only reachable
 * units: blocks with `all: [unit keys]` or `chooseCredits: n, from: { units: [unit keys] }`. Others, such as
 * rules choosing by field, are skipped.
 */
function planQualifications(bundle: CatalogueBundle, index: Map<string, UnitInfo>): QualificationPlan[] {
  const plans: QualificationPlan[] = [];
  for (const q of bundle.qualifications ?? []) {
    const rules = q.rules as { blocks?: unknown } | undefined;
    if (!rules || !Array.isArray(rules.blocks)) continue;
    const plan: QualificationPlan = { track: trackOf(q.field), core: [], electives: [] };
    let usable = true;
    for (const block of rules.blocks as { all?: unknown; chooseCredits?: unknown; from?: { units?: unknown } }[]) {
      if (isStringArray(block.all)) plan.core.push(...block.all);
      else if (typeof block.chooseCredits === "number" && isStringArray(block.from?.units))
        plan.electives.push({ credits: block.chooseCredits, units: block.from.units });
      else usable = false;
    }
    const keys = [...plan.core, ...plan.electives.flatMap((e) => e.units)];
    if (usable && keys.length > 0 && keys.every((k) => index.has(k))) plans.push(plan);
  }
  return plans;
}

/** Credits of a unit in ECTS terms (25 notional hours each), for filling elective blocks. */
function ectsEquivalent(info: UnitInfo): number {
  const credits = info.unit.credits;
  if (credits?.system === "ects") return credits.value;
  return (info.unit.notionalHours ?? 0) / 25;
}

// ---------------------------------------------------------------------------------------------
// Results

interface Outcome {
  result: NonNullable<AchievementRecord["result"]>;
  grade?: string;
}

/**
 * A result and grade consistent with the grading scheme, from a performance in [0, 1).
 * Numeric: the mark is at least the pass mark; distinction from half-way between the pass mark and 100,
 * merit from a third of the way. Letter: the first grade of the scale is a distinction, the second a merit
 * (when the pass mark is lower), the rest down to the pass mark a plain pass. Pass-fail: 'passed', no grade.
 */
export function resultFor(scheme: GradingScheme | undefined, performance: number): Outcome {
  if (!scheme || scheme.type === "pass-fail") return { result: "passed" };
  if (scheme.type === "numeric") {
    const pass = Number(scheme.passMark ?? "40");
    const mark = Math.min(100, Math.max(pass, Math.round(pass + performance * (100 - pass))));
    const result =
      mark >= pass + (100 - pass) / 2
        ? "passed-with-distinction"
        : mark >= pass + (100 - pass) / 3
          ? "passed-with-merit"
          : "passed";
    return { result, grade: String(mark) };
  }
  const scale = scheme.scale ?? [];
  const passIndex = scheme.passMark !== undefined ? scale.indexOf(scheme.passMark) : scale.length - 1;
  if (passIndex < 0) return { result: "passed" };
  const index = Math.min(passIndex, Math.floor((1 - performance) * (passIndex + 1)));
  const grade = scale[index] as string;
  const result =
    index === 0 ? "passed-with-distinction" : index === 1 && passIndex > 1 ? "passed-with-merit" : "passed";
  return { result, grade };
}

// ---------------------------------------------------------------------------------------------
// Generation

const ACHIEVEMENT_COUNT_WEIGHTS = [0, 12, 14, 16, 14, 12, 9, 7, 5, 4, 3, 2, 2];
const EVIDENCE_METHODS = new Set(["project", "portfolio", "presentation"]);

interface PendingRecord {
  order: number;
  info: UnitInfo;
  day: number;
  learner: AchievementRecord["learner"];
  outcome: Outcome;
  evidence: boolean;
}

/**
 * Achievement records for the demo learners, sorted by date; each has a stable recordId
 * `${provider}-${nnnnn}` numbered per provider in date order, so loading the same output twice records
 * nothing new.
 */
export function demoAchievements(bundle: CatalogueBundle, opts: DemoAchievementOptions = {}): AchievementRecord[] {
  const count = opts.learners ?? DEMO_LEARNER_COUNT;
  const seed = opts.seed ?? DEMO_SEED;
  const todayIso = opts.today ?? DEMO_REFERENCE_DATE;
  const today = toDay(todayIso);
  const index = indexCatalogue(bundle, today);
  const units = [...index.values()];
  const pending: PendingRecord[] = [];
  if (units.length === 0) return [];

  const closures = new Map<string, Set<string>>();
  /** The transitive prerequisites of a unit. */
  const closure = (key: string): Set<string> => {
    let set = closures.get(key);
    if (set) return set;
    set = new Set<string>();
    closures.set(key, set);
    for (const p of index.get(key)?.prerequisites ?? []) {
      set.add(p);
      for (const q of closure(p)) set.add(q);
    }
    return set;
  };
  const qualificationPlans = planQualifications(bundle, index);
  /** The units of a qualification plan a learner sets out to take, with their prerequisites; empty if over 12. */
  const planPath = (plan: QualificationPlan, rng: Random): Set<string> => {
    const path = new Set(plan.core);
    for (const key of [...path]) for (const pre of closure(key)) path.add(pre);
    const extra = (key: string) => [key, ...closure(key)].filter((k) => !path.has(k)).length;
    for (const block of plan.electives) {
      let credits = 0;
      // Learners prefer electives they can take without further prerequisites.
      const candidates = rng.shuffle(block.units).sort((a, b) => extra(a) - extra(b));
      for (const key of candidates) {
        if (credits >= block.credits) break;
        if (path.has(key)) continue;
        for (const k of [key, ...closure(key)]) path.add(k);
        credits += ectsEquivalent(index.get(key) as UnitInfo);
      }
    }
    return path.size <= 12 ? path : new Set();
  };
  const tracks = Object.keys(TRACK_WEIGHTS).filter((t) => units.some((u) => u.track === t));
  const usedNationalIds = new Set(
    DUPLICATE_PLANS.flatMap((p) => [p.person.a, p.person.b]).flatMap((side) =>
      side.identifiers.filter((id) => id.kind === "national-id").map((id) => id.value),
    ),
  );
  const studentSerials = new Map<string, number>();
  let order = 0;

  for (let i = 0; i < count; i++) {
    const rng = new Random(mixSeed(seed, i));
    const name = nameFor(i);
    const age = rng.int(18, 62);
    const birthDate = fromDay(today - age * 365 - rng.int(0, 364));
    const email = `${emailLocalPart(name.givenName)}.${emailLocalPart(name.familyName)}+${i + 1}@mail.example`;
    let nationalId: string | undefined;
    if (rng.chance(0.45)) {
      do nationalId = aurelianNationalId(rng.int(10_000_000, 99_999_999));
      while (usedNationalIds.has(nationalId));
      usedNationalIds.add(nationalId);
    }
    const preferredLanguage = name.language && rng.chance(0.6) ? name.language : "en";
    const studentNumbers = new Map<string, string>();

    const track = rng.weighted(tracks, (t) => TRACK_WEIGHTS[t] ?? 1);
    const secondTrack = rng.weighted(tracks, (t) => (t === track ? 0.0001 : (TRACK_WEIGHTS[t] ?? 1)));
    const inTrack = units.filter((u) => u.track === track);
    const home = rng.weighted(inTrack.length > 0 ? inTrack : units, () => 1).provider.id;
    const drawnCount = rng.weighted(
      ACHIEVEMENT_COUNT_WEIGHTS.map((_, n) => n),
      (n) => ACHIEVEMENT_COUNT_WEIGHTS[n] ?? 0,
    );
    // Some learners work towards a qualification of their field (its core units, enough electives and
    // everything these require); others towards a unit with prerequisites (a capstone, an advanced unit).
    const plans = qualificationPlans.filter((q) => q.track === track);
    const goals = inTrack.filter((u) => u.prerequisites.length > 0);
    let path = new Set<string>();
    const aim = rng.next();
    if (aim < 0.2 && plans.length > 0) path = planPath(rng.pick(plans), rng);
    else if (aim < 0.4 && goals.length > 0) {
      const goal = rng.weighted(goals, (u) => closure(u.key).size);
      path = new Set([goal.key, ...closure(goal.key)]);
    }
    const target = Math.min(12, Math.max(drawnCount, path.size + rng.int(0, 2)));
    const ability = rng.range(0.2, 1);
    const span = rng.int(365, 4 * 365);
    let day = today - span + rng.int(0, 60);
    const held = new Map<string, number>();
    const providersUsed = new Set<string>();

    for (let k = 0; k < target && day <= today; k++) {
      const eligible = units.filter(
        (u) =>
          !held.has(u.key) &&
          accreditedOn(u, day) &&
          u.prerequisites.every((p) => (held.get(p) ?? Number.POSITIVE_INFINITY) < day),
      );
      if (eligible.length === 0) break;
      // A learner with a plan takes the planned units while any of them is open to them.
      const planned = eligible.filter((u) => path.has(u.key));
      const info = rng.weighted(planned.length > 0 ? planned : eligible, (u) => {
        let w = u.track === track ? 6 : u.track === secondTrack ? 1.2 : 0.25;
        if (u.provider.id === home) w *= 4;
        else if (providersUsed.has(u.provider.id)) w *= 2;
        if (u.prerequisites.length > 0) w *= 2.5; // progression once the way is open
        w *= 1 / (1 + Math.max(0, u.levelOrdinal - 4 - k / 3)); // start at lower levels
        return w;
      });
      held.set(info.key, day);
      providersUsed.add(info.provider.id);

      const providerId = info.provider.id;
      const identifiers: LearnerIdentifier[] = [{ kind: "email", value: email }];
      const format = STUDENT_NUMBER[providerId];
      if (format) {
        let number = studentNumbers.get(providerId);
        if (number === undefined) {
          const serial = (studentSerials.get(providerId) ?? 0) + 1;
          studentSerials.set(providerId, serial);
          number = format(Number(fromDay(day).slice(0, 4)), serial);
          studentNumbers.set(providerId, number);
        }
        identifiers.push({ kind: "student-number", value: number, issuer: providerId });
      }
      if (nationalId && PUBLIC_INSTITUTIONS.has(providerId))
        identifiers.push({ kind: "national-id", value: nationalId, issuer: "XA" });

      const performance = Math.min(0.999, Math.max(0, ability * 0.7 + rng.next() * 0.3));
      pending.push({
        order: order++,
        info,
        day,
        learner: { givenName: name.givenName, familyName: name.familyName, birthDate, preferredLanguage, identifiers },
        outcome: resultFor(info.unit.gradingScheme, performance),
        evidence: rng.chance(0.3) && (info.unit.assessments ?? []).some((a) => EVIDENCE_METHODS.has(a.method)),
      });
      const gap = Math.round((span / (target + 1)) * rng.range(0.5, 1.5));
      day += Math.max(14, gap);
    }
  }

  // The duplicate people, each side with its own identifiers.
  DUPLICATE_PLANS.forEach((plan, p) => {
    const rng = new Random(mixSeed(seed, 0xd0b1e, p));
    const person = plan.person;
    for (const [side, steps] of [
      [person.a, plan.a],
      [person.b, plan.b],
    ] as const) {
      for (const [code, daysAgo] of steps) {
        const info = index.get(`${side.provider}:${code}`);
        const day = today - daysAgo;
        if (!info || !accreditedOn(info, day)) continue;
        pending.push({
          order: order++,
          info,
          day,
          learner: {
            givenName: person.givenName,
            familyName: person.familyName,
            birthDate: person.birthDate,
            preferredLanguage: person.preferredLanguage ?? "en",
            identifiers: structuredClone(side.identifiers),
          },
          outcome: resultFor(info.unit.gradingScheme, rng.range(0.3, 0.95)),
          evidence: false,
        });
      }
    }
  });

  pending.sort((a, b) => a.day - b.day || a.order - b.order);
  const serials = new Map<string, number>();
  return pending.map((d) => {
    const provider = d.info.provider.id;
    const n = (serials.get(provider) ?? 0) + 1;
    serials.set(provider, n);
    const recordId = `${provider}-${String(n).padStart(5, "0")}`;
    const record: AchievementRecord = {
      recordId,
      provider,
      unit: d.info.unit.code,
      learner: d.learner,
      achievedOn: fromDay(d.day),
      result: d.outcome.result,
      ...(d.outcome.grade !== undefined ? { grade: d.outcome.grade } : {}),
      ...(d.evidence
        ? { evidence: [{ url: `https://evidence.example/${provider}/${recordId}`, name: "Assessed work" }] }
        : {}),
    };
    return record;
  });
}
