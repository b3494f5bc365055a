import { FormatRegistry, type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CREDIT_SYSTEMS, DEFAULT_CATALOGUE, EQF } from "../../src/domain/default-data.ts";
import { CatalogueBundle, CreditSystem, Framework } from "../../src/domain/schema/catalogue.ts";
import { readStandardsJson, standardsDir } from "../support/standards.ts";

// The part of the shared reference file this test relies on. Checking it first means a change to the
// shared file fails here with a schema error rather than as a confusing undefined further down.
const SharedEqfFile = Type.Object({
  eqf: Type.Object({
    levels: Type.Array(
      Type.Object({
        level: Type.Integer(),
        knowledge: Type.String(),
        skills: Type.String(),
        responsibilityAndAutonomy: Type.String(),
      }),
    ),
    ects: Type.Object({ facts: Type.Array(Type.String()) }),
  }),
});
type SharedEqfFile = Static<typeof SharedEqfFile>;

function loadShared(): SharedEqfFile {
  const raw = readStandardsJson("frameworks/eqf-and-eu-microcredentials.json");
  if (!Value.Check(SharedEqfFile, raw)) {
    const first = [...Value.Errors(SharedEqfFile, raw)][0];
    throw new Error(`Shared EQF file has an unexpected shape at ${first?.path}: ${first?.message}`);
  }
  return raw;
}

/** Comparison that ignores case, spacing and punctuation, so a copy with a changed comma still counts as a copy. */
const squash = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

beforeAll(() => {
  // Value.Check refuses any `format` it does not know; these minimal checks exist only so the schemas
  // can be exercised here (the API validates formats with ajv-formats).
  const formats: Record<string, (v: string) => boolean> = {
    uri: (v) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(v),
    date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
    "date-time": (v) => !Number.isNaN(Date.parse(v)),
    email: (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
    uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  };
  for (const [name, check] of Object.entries(formats)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
  }
});

describe("EQF against the shared reference facts", () => {
  const shared = loadShared();

  it("has exactly the eight levels of the reference, in order, with matching codes and ordinals", () => {
    expect(shared.eqf.levels).toHaveLength(8);
    expect(EQF.levels.map((l) => l.code)).toEqual(shared.eqf.levels.map((l) => String(l.level)));
    expect(EQF.levels.map((l) => l.ordinal)).toEqual(shared.eqf.levels.map((l) => l.level));
    expect(EQF.levels.map((l) => l.title)).toEqual(shared.eqf.levels.map((l) => `EQF level ${l.level}`));
  });

  it.each(EQF.levels.map((l) => [l.code, l] as const))("level %s has a descriptor in all three dimensions", (_, l) => {
    for (const text of [l.knowledge, l.skills, l.responsibilityAutonomy]) {
      expect(text?.trim().length ?? 0).toBeGreaterThan(10);
    }
  });

  it.each(shared.eqf.levels.map((l) => [l.level, l] as const))(
    "level %s descriptors are our own words, not the shared file's",
    (level, ref) => {
      const ours = EQF.levels.find((l) => l.ordinal === level);
      expect(ours).toBeDefined();
      const pairs: Array<[string | undefined, string]> = [
        [ours?.knowledge, ref.knowledge],
        [ours?.skills, ref.skills],
        [ours?.responsibilityAutonomy, ref.responsibilityAndAutonomy],
      ];
      for (const [mine, theirs] of pairs) {
        expect(squash(mine ?? "")).not.toBe(squash(theirs));
      }
    },
  );

  it("cites its source in the description", () => {
    expect(EQF.description).toContain("2017/C 189/03");
    expect(EQF.description).toContain("Annex II");
  });

  it("gives ECTS the hours per credit the shared ECTS facts state", () => {
    const fact = shared.eqf.ects.facts.find((f) => /ECTS credit corresponds to/i.test(f));
    const match = fact?.match(/(\d+) to (\d+) hours/);
    expect(match, "shared file no longer states the ECTS hour range").toBeTruthy();
    const ects = CREDIT_SYSTEMS.find((s) => s.id === "ects");
    expect(ects?.hoursPerCredit).toEqual({ min: Number(match?.[1]), max: Number(match?.[2]) });
  });

  it("derives the same ECTS range from the year's workload (60 credits for 1,500-1,800 hours)", () => {
    const fact = shared.eqf.ects.facts.find((f) => /1,500 to 1,800 hours/.test(f));
    expect(fact).toBeDefined();
    const ects = CREDIT_SYSTEMS.find((s) => s.id === "ects");
    expect(ects?.hoursPerCredit.min).toBe(1500 / 60);
    expect(ects?.hoursPerCredit.max).toBe(1800 / 60);
  });
});

describe("credit systems", () => {
  it("are exactly the five shipped systems", () => {
    expect(CREDIT_SYSTEMS.map((s) => s.id)).toEqual(["ects", "us-credit-hour", "nz-credit", "uk-cats", "cpd-point"]);
  });

  it.each([
    ["ects", 25, 30],
    ["us-credit-hour", 37.5, 45],
    ["nz-credit", 10, 10],
    ["uk-cats", 10, 10],
    ["cpd-point", 1, 1],
  ])("%s stands for %d-%d hours per credit", (id, min, max) => {
    const system = CREDIT_SYSTEMS.find((s) => s.id === id);
    expect(system?.hoursPerCredit).toEqual({ min, max });
    expect(system?.description?.length ?? 0).toBeGreaterThan(20);
  });

  it("have min <= max and unique ids", () => {
    for (const s of CREDIT_SYSTEMS) expect(s.hoursPerCredit.min).toBeLessThanOrEqual(s.hoursPerCredit.max);
    expect(new Set(CREDIT_SYSTEMS.map((s) => s.id)).size).toBe(CREDIT_SYSTEMS.length);
  });
});

describe("schema validity", () => {
  it("EQF is a valid Framework", () => {
    expect([...Value.Errors(Framework, EQF)]).toEqual([]);
    expect(Value.Check(Framework, EQF)).toBe(true);
  });

  it.each(CREDIT_SYSTEMS.map((s) => [s.id, s] as const))("%s is a valid CreditSystem", (_, s) => {
    expect([...Value.Errors(CreditSystem, s)]).toEqual([]);
  });

  it("the default catalogue is a valid bundle holding EQF and every credit system", () => {
    expect(Value.Check(CatalogueBundle, DEFAULT_CATALOGUE)).toBe(true);
    expect(DEFAULT_CATALOGUE.frameworks).toEqual([EQF]);
    expect(DEFAULT_CATALOGUE.creditSystems).toEqual(CREDIT_SYSTEMS);
  });

  it("the format stand-ins are strict enough to reject a bad URL (so the checks above can fail)", () => {
    // Passes the schema's ^https?:// pattern, so only the 'uri' format can refuse it.
    expect(Value.Check(Framework, { ...EQF, url: "https://has a space" })).toBe(false);
  });
});

describe("standardsDir", () => {
  const saved = process.env.STANDARDS_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.STANDARDS_DIR;
    else process.env.STANDARDS_DIR = saved;
  });

  it("uses STANDARDS_DIR when set", () => {
    const real = standardsDir();
    process.env.STANDARDS_DIR = real;
    expect(standardsDir()).toBe(real);
  });

  it("explains how to fix a missing standards checkout", () => {
    process.env.STANDARDS_DIR = "/nonexistent/standards-for-test";
    expect(() => standardsDir()).toThrow(
      "Standards data not found at /nonexistent/standards-for-test: clone ../shared beside the project or set STANDARDS_DIR",
    );
  });
});
