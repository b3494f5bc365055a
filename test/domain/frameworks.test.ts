import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  convertCredits,
  creditsConsistentWithHours,
  describeLevel,
  expectedCreditsRange,
  expectedHoursRange,
  findLevel,
  hoursPerCredit,
  levelOrdinal,
  referenceLevel,
  validateFramework,
} from "../../src/domain/frameworks.ts";
import type { CreditSystem, Framework, LevelReference } from "../../src/domain/schema/catalogue.ts";

function framework(id: string, levels: number, references: [string, string, string][] = [], shortName?: string) {
  const fw: Framework = {
    id,
    name: `${id} framework`,
    levels: Array.from({ length: levels }, (_, i) => ({ code: String(i + 1), ordinal: i + 1 })),
    levelReferences: references.map(
      ([level, targetFramework, targetLevel]): LevelReference => ({ level, targetFramework, targetLevel }),
    ),
  };
  if (shortName) fw.shortName = shortName;
  return fw;
}

const eqf = framework("eqf", 8, [], "EQF");
// The Irish NFQ's referencing to the EQF: two NFQ levels share EQF 1 and EQF 6.
const nfq = framework(
  "ie-nfq",
  10,
  [
    ["1", "eqf", "1"],
    ["2", "eqf", "1"],
    ["3", "eqf", "2"],
    ["4", "eqf", "3"],
    ["5", "eqf", "4"],
    ["6", "eqf", "5"],
    ["7", "eqf", "6"],
    ["8", "eqf", "6"],
    ["9", "eqf", "7"],
    ["10", "eqf", "8"],
  ],
  "NFQ",
);
const fr = framework("fr-cnc", 8, [
  ["3", "eqf", "3"],
  ["5", "eqf", "5"],
  ["6", "eqf", "6"],
  ["7", "eqf", "7"],
]);
// A framework referenced to nothing.
const island = framework("island", 3);
const frameworks = new Map([eqf, nfq, fr, island].map((f) => [f.id, f]));

const ects: CreditSystem = {
  id: "ects",
  name: "European Credit Transfer System",
  hoursPerCredit: { min: 25, max: 30 },
};
const nzqf: CreditSystem = { id: "nzqf", name: "New Zealand credits", hoursPerCredit: { min: 10, max: 10 } };
const us: CreditSystem = { id: "us-sch", name: "US semester credit hours", hoursPerCredit: { min: 37.5, max: 45 } };

describe("levels", () => {
  it("finds levels and their ordinals", () => {
    expect(findLevel(nfq, "7")).toEqual({ code: "7", ordinal: 7 });
    expect(findLevel(nfq, "11")).toBeUndefined();
    expect(levelOrdinal(frameworks, { framework: "ie-nfq", level: "9" })).toBe(9);
    expect(levelOrdinal(frameworks, { framework: "ie-nfq", level: "0" })).toBeUndefined();
    expect(levelOrdinal(frameworks, { framework: "nowhere", level: "1" })).toBeUndefined();
  });

  it("describes a level by the framework's short name, else its name, else its id", () => {
    expect(describeLevel(frameworks, { framework: "eqf", level: "6" })).toBe("EQF level 6");
    expect(describeLevel(frameworks, { framework: "fr-cnc", level: "6" })).toBe("fr-cnc framework level 6");
    expect(describeLevel(frameworks, { framework: "zz", level: "2" })).toBe("zz level 2");
  });
});

describe("validateFramework", () => {
  const withRefs = (refs: [string, string, string][]) => framework("x", 3, refs);

  it.each([
    { name: "a valid framework", fw: withRefs([["1", "eqf", "2"]]), codes: [] },
    {
      name: "a duplicate level code",
      fw: { ...eqf, levels: [...eqf.levels, { code: "8", ordinal: 9 }] },
      codes: [["duplicate-level-code", "/levels/8/code"]],
    },
    {
      name: "a duplicate ordinal",
      fw: { ...eqf, levels: [...eqf.levels, { code: "8+", ordinal: 8 }] },
      codes: [["duplicate-level-ordinal", "/levels/8/ordinal"]],
    },
    {
      name: "a reference from a level the framework lacks",
      fw: withRefs([["4", "eqf", "2"]]),
      codes: [["reference-unknown-level", "/levelReferences/0/level"]],
    },
    {
      name: "a reference to an unknown framework",
      fw: withRefs([["1", "nowhere", "2"]]),
      codes: [["reference-unknown-framework", "/levelReferences/0/targetFramework"]],
    },
    {
      name: "a reference to a level the target lacks",
      fw: withRefs([
        ["1", "eqf", "2"],
        ["2", "eqf", "9"],
      ]),
      codes: [["reference-unknown-target-level", "/levelReferences/1/targetLevel"]],
    },
    {
      name: "a reference to a missing level of itself",
      fw: withRefs([["1", "x", "4"]]),
      codes: [["reference-unknown-target-level", "/levelReferences/0/targetLevel"]],
    },
  ])("reports $name", ({ fw, codes }) => {
    const findings = validateFramework(fw, frameworks);
    expect(findings.map((f) => [f.code, f.path])).toEqual(codes);
    for (const f of findings) {
      expect(f.severity).toBe("error");
      expect(f.message).toMatch(/\.$/);
      expect(f.hint.length).toBeGreaterThan(0);
    }
  });

  it("checks target frameworks only when it knows the register", () => {
    expect(validateFramework(withRefs([["1", "nowhere", "2"]]))).toEqual([]);
    expect(validateFramework(withRefs([["1", "eqf", "99"]]))).toEqual([]);
  });

  it("names the offending codes in its messages", () => {
    const [dup] = validateFramework({ ...eqf, levels: [...eqf.levels, { code: "8+", ordinal: 8 }] });
    expect(dup?.message).toContain("'8'");
    expect(dup?.message).toContain("'8+'");
  });
});

describe("referenceLevel", () => {
  const ref = (framework: string, level: string) => ({ framework, level });

  it.each([
    { name: "within one framework", from: ref("eqf", "4"), to: "eqf", path: [ref("eqf", "4")] },
    { name: "directly", from: ref("ie-nfq", "8"), to: "eqf", path: [ref("ie-nfq", "8"), ref("eqf", "6")] },
    {
      name: "by the inverse of a unique reference",
      from: ref("eqf", "8"),
      to: "ie-nfq",
      path: [ref("eqf", "8"), ref("ie-nfq", "10")],
    },
    {
      // NFQ 7 and 8 are both referenced to EQF 6; going back, the lower is the conservative answer.
      name: "by the inverse of an ambiguous reference, choosing the lowest",
      from: ref("eqf", "6"),
      to: "ie-nfq",
      path: [ref("eqf", "6"), ref("ie-nfq", "7")],
    },
    {
      name: "through one intermediate framework",
      from: ref("ie-nfq", "8"),
      to: "fr-cnc",
      path: [ref("ie-nfq", "8"), ref("eqf", "6"), ref("fr-cnc", "6")],
    },
    {
      name: "through an intermediate, backwards on both hops",
      from: ref("fr-cnc", "7"),
      to: "ie-nfq",
      path: [ref("fr-cnc", "7"), ref("eqf", "7"), ref("ie-nfq", "9")],
    },
  ])("references $name", ({ from, to, path }) => {
    expect(referenceLevel(frameworks, from, to)).toEqual({ level: path.at(-1), path });
  });

  it.each([
    { name: "an unknown source level", from: ref("eqf", "9"), to: "ie-nfq" },
    { name: "an unknown source framework", from: ref("zz", "1"), to: "eqf" },
    { name: "an unknown target framework", from: ref("eqf", "1"), to: "zz" },
    { name: "a framework with no referencing", from: ref("island", "1"), to: "eqf" },
    { name: "a level the referencing skips", from: ref("fr-cnc", "4"), to: "eqf" },
  ])("finds nothing for $name", ({ from, to }) => {
    expect(referenceLevel(frameworks, from, to)).toBeUndefined();
  });

  it("prefers the source framework's own reference over the target's inverse", () => {
    const a = framework("a", 5, [["3", "b", "4"]]);
    const b = framework("b", 5, [["2", "a", "3"]]);
    const map = new Map([a, b].map((f) => [f.id, f]));
    expect(referenceLevel(map, ref("a", "3"), "b")?.level).toEqual(ref("b", "4"));
    expect(referenceLevel(map, ref("b", "2"), "a")?.level).toEqual(ref("a", "3"));
  });

  it("ignores references to levels that do not exist", () => {
    const a = framework("a", 3, [
      ["1", "eqf", "42"],
      ["1", "eqf", "5"],
    ]);
    const map = new Map([a, eqf].map((f) => [f.id, f]));
    expect(referenceLevel(map, ref("a", "1"), "eqf")?.level).toEqual(ref("eqf", "5"));
  });

  it("always returns a level that exists, reached by a path that starts at the source", () => {
    const all = [...frameworks.values()].flatMap((f) => f.levels.map((l) => ref(f.id, l.code)));
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.constantFrom(...frameworks.keys()), (from, to) => {
        const result = referenceLevel(frameworks, from, to);
        if (!result) return;
        expect(result.level.framework).toBe(to);
        expect(levelOrdinal(frameworks, result.level)).toBeDefined();
        expect(result.path[0]).toEqual(from);
        expect(result.path.at(-1)).toEqual(result.level);
        expect(result.path.length).toBeLessThanOrEqual(3);
      }),
    );
  });
});

describe("credit systems", () => {
  it("takes the midpoint of the hours per credit", () => {
    expect(hoursPerCredit(ects)).toBe(27.5);
    expect(hoursPerCredit(nzqf)).toBe(10);
  });

  it("gives the range of hours for credits and of credits for hours", () => {
    expect(expectedHoursRange({ value: 6, system: "ects" }, ects)).toEqual({ min: 150, max: 180 });
    expect(expectedCreditsRange(150, ects)).toEqual({ min: 5, max: 6 });
  });

  it("refuses to compute with another system's rate", () => {
    expect(() => expectedHoursRange({ value: 6, system: "nzqf" }, ects)).toThrow(/nzqf/);
  });

  it.each([
    { hours: 150, tolerance: undefined, consistent: true },
    { hours: 180, tolerance: undefined, consistent: true },
    { hours: 135, tolerance: undefined, consistent: true },
    { hours: 198, tolerance: undefined, consistent: true },
    { hours: 134.9, tolerance: undefined, consistent: false },
    { hours: 198.1, tolerance: undefined, consistent: false },
    { hours: 149, tolerance: 0, consistent: false },
    { hours: 181, tolerance: 0, consistent: false },
    { hours: 120, tolerance: 0.2, consistent: true },
  ])("6 ECTS with $hours h (tolerance $tolerance) is consistent: $consistent", ({ hours, tolerance, consistent }) => {
    const result = creditsConsistentWithHours({ value: 6, system: "ects" }, hours, ects, tolerance);
    expect(result.consistent).toBe(consistent);
  });

  it("reports the widened range it checked against", () => {
    const result = creditsConsistentWithHours({ value: 6, system: "ects" }, 100, ects);
    expect(result.expectedMin).toBeCloseTo(135);
    expect(result.expectedMax).toBeCloseTo(198);
  });

  it("accepts every number of hours inside the nominal range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (credits, t) => {
        const hours = credits * (25 + 5 * t);
        expect(creditsConsistentWithHours({ value: credits, system: "ects" }, hours, ects).consistent).toBe(true);
      }),
    );
  });
});

describe("convertCredits", () => {
  it("explains the conversion step by step", () => {
    expect(convertCredits(6, ects, nzqf)).toEqual({
      value: 16,
      hours: 165,
      explanation: "6 ECTS credits × 27.5 h = 165 h; 165 h ÷ 10 h per NZQF credit = 16.5 → 16 (rounded down)",
    });
  });

  it("does not mention rounding when the result is whole", () => {
    expect(convertCredits(4, ects, nzqf).explanation).toBe(
      "4 ECTS credits × 27.5 h = 110 h; 110 h ÷ 10 h per NZQF credit = 11",
    );
  });

  it.each([
    { amount: 6, rounding: "down", value: 16 },
    { amount: 6, rounding: "nearest", value: 17 },
    { amount: 6, rounding: "half-up-to-0.5", value: 16.5 },
    { amount: 5, rounding: "down", value: 13 },
    { amount: 5, rounding: "nearest", value: 14 },
    { amount: 5, rounding: "half-up-to-0.5", value: 14 },
    { amount: 1, rounding: "half-up-to-0.5", value: 3 },
    { amount: 1, rounding: "nearest", value: 3 },
    { amount: 1, rounding: "down", value: 2 },
    { amount: 0, rounding: "nearest", value: 0 },
  ] as const)("$amount ECTS rounded $rounding is $value NZQF credits", ({ amount, rounding, value }) => {
    expect(convertCredits(amount, ects, nzqf, rounding).value).toBe(value);
  });

  it("does not lose a credit to floating point", () => {
    // 0.3 / 0.1 is 2.9999999999999996 in binary, which a bare floor would turn into 2.
    const tenths: CreditSystem = { id: "tenths", name: "Tenths", hoursPerCredit: { min: 0.1, max: 0.1 } };
    const threeTenths: CreditSystem = {
      id: "three-tenths",
      name: "Three tenths",
      hoursPerCredit: { min: 0.3, max: 0.3 },
    };
    expect(0.3 / 0.1).toBeLessThan(3);
    expect(convertCredits(1, threeTenths, tenths).value).toBe(3);
  });

  const systemOf = ({ min, spread }: { min: number; spread: number }): CreditSystem => ({
    id: `s${min}-${spread}`,
    name: "S",
    hoursPerCredit: { min, max: min + spread },
  });
  const system = fc
    .record({ min: fc.integer({ min: 1, max: 60 }), spread: fc.integer({ min: 0, max: 20 }) })
    .map(systemOf);
  const amount = fc.double({ min: 0, max: 1000, noNaN: true });
  const rounding = fc.constantFrom("down" as const, "nearest" as const, "half-up-to-0.5" as const);

  it("is the identity within one system", () => {
    fc.assert(
      fc.property(amount, system, rounding, (a, s, r) => {
        expect(convertCredits(a, s, s, r).value).toBe(a);
      }),
    );
  });

  it("never grants more hours than the source when rounding down", () => {
    fc.assert(
      fc.property(amount, system, system, (a, from, to) => {
        const result = convertCredits(a, from, to, "down");
        expect(result.hours).toBeCloseTo(a * hoursPerCredit(from), 9);
        expect(result.value * hoursPerCredit(to)).toBeLessThanOrEqual(result.hours * (1 + 1e-9) + 1e-9);
        if (from.id !== to.id) expect(Number.isInteger(result.value)).toBe(true);
      }),
    );
  });

  it("rounds to within half a credit, or a quarter with half credits", () => {
    fc.assert(
      fc.property(amount, system, system, (a, from, to) => {
        fc.pre(from.id !== to.id);
        const raw = (a * hoursPerCredit(from)) / hoursPerCredit(to);
        expect(Math.abs(convertCredits(a, from, to, "nearest").value - raw)).toBeLessThanOrEqual(0.5 + 1e-6);
        const half = convertCredits(a, from, to, "half-up-to-0.5").value;
        expect(Math.abs(half - raw)).toBeLessThanOrEqual(0.25 + 1e-6);
        expect(Number.isInteger(half * 2)).toBe(true);
      }),
    );
  });

  it("converts the way the rates say", () => {
    expect(convertCredits(3, us, ects, "nearest")).toMatchObject({ value: 5, hours: 123.75 });
  });
});
