/**
 * Validation of rule sets: every problem with its JSON pointer, machine code and sentence; compiling
 * refuses rules with errors; the exported JSON Schema accepts good rules and rejects bad ones.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/coherence.ts";
import {
  compileRules,
  InvalidRulesError,
  RequirementRulesJsonSchema,
  type RulesValidationContext,
  rulesAreUsable,
  validateRules,
} from "../../../src/domain/requirements/index.ts";
import { catalogue, context, creditSystems, frameworks } from "./fixtures.ts";

const ctx: RulesValidationContext = {
  frameworks,
  creditSystems,
  lookupUnit: (provider, code) => catalogue.lookup(provider, code),
  skillFrameworks: new Map([["esco", { items: new Set(["S1", "S2"]) }]]),
};

const base = { version: 1, creditSystem: "ects" };
const ok = { ...base, requirements: [{ id: "core", units: ["uni:CORE1"], minCount: "all" }] };

/** The findings of a rule set, as [code, pointer] pairs. */
function problems(rules: unknown, c: RulesValidationContext = ctx): [string, string][] {
  return validateRules(rules, c).map((f) => [f.code, f.path]);
}

function only(rules: unknown, code: string): Finding {
  const found = validateRules(rules, ctx).filter((f) => f.code === code);
  expect(found, `expected one '${code}' in ${JSON.stringify(validateRules(rules, ctx))}`).toHaveLength(1);
  return found[0] as Finding;
}

describe("a valid rule set", () => {
  it("has no findings and compiles", () => {
    expect(validateRules(ok, ctx)).toEqual([]);
    expect(() => compileRules(ok as never, context())).not.toThrow();
  });
});

describe("structure", () => {
  it("refuses what is not an object", () => {
    expect(problems([])).toEqual([["not-an-object", ""]]);
  });

  it("missing and unexpected properties, at their pointers", () => {
    expect(problems({ version: 1, requirements: ok.requirements })).toEqual([["missing-property", "/creditSystem"]]);
    expect(problems({ ...ok, colour: "blue" })).toEqual([["unexpected-property", "/colour"]]);
    expect(
      problems({ ...base, requirements: [{ id: "x", units: ["uni:CORE1"], minCount: "all", minCreditz: 3 }] }),
    ).toEqual([["unexpected-property", "/requirements/0/minCreditz"]]);
  });

  it("negative credits and counts", () => {
    const f = only({ ...base, requirements: [{ id: "x", select: {}, minCredits: -5 }] }, "negative-credits");
    expect(f.path).toBe("/requirements/0/minCredits");
    expect(f.message).toBe("minCredits is -5; credits cannot be negative.");
    expect(problems({ ...ok, totalCredits: -1 })).toEqual([["negative-credits", "/totalCredits"]]);
    expect(problems({ ...base, requirements: [{ id: "x", select: {}, maxCount: -1 }] })).toEqual([
      ["negative-count", "/requirements/0/maxCount"],
    ]);
  });

  it("nested requirements are checked at their own pointer", () => {
    const rules = {
      ...base,
      requirements: [
        {
          id: "g",
          all: [
            { id: "a", units: ["uni:CORE1"] },
            { id: "b", any: [{ id: "c", select: {}, minCredits: -1 }] },
          ],
        },
      ],
    };
    expect(problems(rules)).toContainEqual(["negative-credits", "/requirements/0/all/1/any/0/minCredits"]);
  });

  it("empty groups, choosing nothing, no requirements", () => {
    expect(problems({ ...base, requirements: [{ id: "g", any: [] }] })).toEqual([
      ["empty-group", "/requirements/0/any"],
    ]);
    expect(problems({ ...base, requirements: [{ id: "g", choose: 0, of: [{ id: "a", select: {} }] }] })).toContainEqual(
      ["choose-nothing", "/requirements/0/choose"],
    );
    expect(problems({ ...base, requirements: [] })).toEqual([["no-requirements", "/requirements"]]);
  });

  it("a group with two forms, a requirement that is not an object, a bad unit reference", () => {
    expect(problems({ ...base, requirements: [{ id: "g", all: [], any: [] }] })).toEqual([
      ["ambiguous-group", "/requirements/0"],
    ]);
    expect(problems({ ...base, requirements: ["core"] })).toEqual([["invalid-requirement", "/requirements/0"]]);
    expect(problems({ ...base, requirements: [{ id: "x", units: ["CORE1"] }] })).toEqual([
      ["invalid-unit-reference", "/requirements/0/units/0"],
    ]);
  });

  it("an unsupported language version", () => {
    const f = only({ ...ok, version: 2 }, "unsupported-version");
    expect(f.path).toBe("/version");
  });
});

describe("meaning", () => {
  it("duplicate ids", () => {
    const rules = {
      ...base,
      requirements: [
        { id: "a", select: {} },
        { id: "g", all: [{ id: "a", select: {} }] },
      ],
    };
    expect(only(rules, "duplicate-id").path).toBe("/requirements/1/all/0/id");
  });

  it("unknown credit systems, frameworks and levels", () => {
    expect(only({ ...ok, creditSystem: "zz" }, "unknown-credit-system").path).toBe("/creditSystem");
    const rules = {
      ...ok,
      minCreditsAtOrAbove: [{ level: { framework: "nowhere", level: "6" }, credits: 5 }],
      maxCreditsBelow: [{ level: { framework: "eqf", level: "12" }, credits: 5 }],
    };
    expect(problems(rules)).toEqual([
      ["unknown-level", "/maxCreditsBelow/0/level/level"],
      ["unknown-framework", "/minCreditsAtOrAbove/0/level/framework"],
    ]);
    expect(only({ ...ok, conversion: { rates: [{ from: "zz", rate: 2 }] } }, "unknown-credit-system").path).toBe(
      "/conversion/rates/0/from",
    );
    expect(only({ ...ok, conversion: { rates: [{ from: "ects", rate: 2 }] } }, "same-system-rate").severity).toBe(
      "warning",
    );
  });

  it("unknown units, given a catalogue", () => {
    const rules = {
      ...base,
      requirements: [{ id: "x", units: ["uni:CORE1", { provider: "uni", code: "NOPE" }], minCount: 1 }],
    };
    const f = only(rules, "unknown-unit");
    expect(f.path).toBe("/requirements/0/units/1");
    expect(f.message).toBe("Unit uni:NOPE is not in the catalogue.");
    expect(problems(rules, { frameworks, creditSystems })).toEqual([]);
  });

  it("impossible choices and blocks", () => {
    const choose = {
      ...base,
      requirements: [
        {
          id: "g",
          choose: 3,
          of: [
            { id: "a", select: {} },
            { id: "b", select: {} },
          ],
        },
      ],
    };
    const f = only(choose, "impossible-choice");
    expect(f.path).toBe("/requirements/0/choose");
    expect(f.message).toBe("'g' asks to choose 3 of 2 requirements.");
    const count = { ...base, requirements: [{ id: "x", units: ["uni:EL1", "uni:EL2"], minCount: 3 }] };
    expect(only(count, "impossible-block").path).toBe("/requirements/0/minCount");
    const credits = { ...base, requirements: [{ id: "x", units: ["uni:EL1", "uni:EL2"], minCredits: 15 }] };
    expect(only(credits, "impossible-block").message).toBe(
      "Block 'x' needs 15 credits but its units carry only 10 ECTS credits in all.",
    );
  });

  it("minimums above maximums", () => {
    const rules = {
      ...base,
      requirements: [
        { id: "c", select: {}, minCredits: 10, maxCredits: 5 },
        { id: "n", select: {}, minCount: 3, maxCount: 2 },
        { id: "l", select: { minLevel: { framework: "eqf", level: "7" }, maxLevel: { framework: "eqf", level: "5" } } },
      ],
    };
    expect(problems(rules).filter(([c]) => c === "min-above-max")).toEqual([
      ["min-above-max", "/requirements/0/minCredits"],
      ["min-above-max", "/requirements/1/minCount"],
      ["min-above-max", "/requirements/2/select/minLevel"],
    ]);
  });

  it("pools: unknown references and cycles", () => {
    const rules = {
      ...base,
      pools: [
        { id: "p1", include: ["p2"] },
        { id: "p2", include: ["p3"] },
        { id: "p3", include: ["p1"], units: ["uni:EL1"] },
      ],
      requirements: [{ id: "x", pools: ["p1", "p9"], minCredits: 5 }],
    };
    const findings = validateRules(rules, ctx);
    expect(findings.find((f) => f.code === "unknown-pool")?.path).toBe("/requirements/0/pools/1");
    const cycle = findings.filter((f) => f.code === "pool-cycle");
    expect(cycle).toHaveLength(1);
    expect(cycle[0]?.message).toBe("Pools include each other in a circle: p1 → p2 → p3 → p1.");
    expect(cycle[0]?.path).toBe("/pools/2/include/0");
  });

  it("blocks that select nothing, 'all' without units, grades off the scale, no minimum", () => {
    expect(only({ ...base, requirements: [{ id: "x", minCredits: 5 }] }, "selects-nothing").path).toBe(
      "/requirements/0",
    );
    expect(only({ ...base, requirements: [{ id: "x", select: {}, minCount: "all" }] }, "all-without-units").path).toBe(
      "/requirements/0/minCount",
    );
    const grade = { ...base, requirements: [{ id: "x", select: {}, minGrade: { grade: "E", scale: ["A", "B"] } }] };
    expect(only(grade, "grade-not-in-scale").path).toBe("/requirements/0/minGrade/grade");
    const info = only({ ...base, requirements: [{ id: "x", select: {} }] }, "no-minimum");
    expect(info.severity).toBe("info");
    expect(rulesAreUsable([info])).toBe(true);
  });

  it("a unit every one of two blocks requires, when an entry may count once", () => {
    const rules = {
      ...base,
      requirements: [
        { id: "a", units: ["uni:CORE1"], minCount: "all" },
        { id: "b", units: ["uni:CORE1", "uni:CORE2"], minCount: "all" },
      ],
    };
    expect(only(rules, "unit-required-twice").path).toBe("/requirements/1");
    expect(problems({ ...rules, allowDoubleCounting: true })).toEqual([]);
  });

  it("limits, capstone and residency", () => {
    expect(only({ ...ok, limits: [{ id: "l", where: {} }] }, "limit-without-bound").path).toBe("/limits/0");
    expect(only({ ...ok, capstone: { block: "nope" } }, "unknown-block").path).toBe("/capstone/block");
    const group = { ...base, requirements: [{ id: "g", all: [{ id: "a", select: {} }] }], capstone: { block: "g" } };
    expect(only(group, "capstone-not-a-block").path).toBe("/capstone/block");
    const residency = { ...ok, totalCredits: 30, residency: { minCreditsAtAwardingBody: 60 } };
    expect(only(residency, "min-above-total").severity).toBe("warning");
  });

  it("skills against the skill frameworks given", () => {
    const rules = {
      ...base,
      requirements: [
        {
          id: "x",
          select: {
            skills: [
              { framework: "esco", code: "S9" },
              { framework: "onet", code: "1" },
            ],
          },
        },
      ],
    };
    expect(problems(rules).filter(([c]) => c !== "no-minimum")).toEqual([
      ["unknown-skill", "/requirements/0/select/skills/0/code"],
      ["unknown-skill-framework", "/requirements/0/select/skills/1/framework"],
    ]);
  });

  it("too many capped shared blocks for the exact search", () => {
    const rules = {
      ...base,
      allowDoubleCounting: true,
      requirements: Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, select: {}, minCredits: 5, maxCredits: 10 })),
    };
    expect(only(rules, "too-many-capped-shared-blocks").path).toBe("/requirements/6");
  });

  it("findings are ordered by pointer, then code", () => {
    const rules = {
      ...base,
      creditSystem: "zz",
      requirements: [
        { id: "x", minCredits: 5 },
        { id: "x", select: {} },
      ],
    };
    const paths = validateRules(rules, ctx).map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
  });
});

describe("compiling", () => {
  it("refuses rules with errors, carrying the findings", () => {
    try {
      compileRules(
        { ...base, requirements: [{ id: "g", choose: 2, of: [{ id: "a", select: {} }] }] } as never,
        context(),
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRulesError);
      expect((error as InvalidRulesError).findings.map((f) => f.code)).toContain("impossible-choice");
    }
  });

  it("does not need the named units to exist (a withdrawn unit just stops matching)", () => {
    const rules = { ...base, requirements: [{ id: "x", units: ["uni:GONE"], minCount: "all" }] };
    expect(() => compileRules(rules as never, context())).not.toThrow();
  });
});

describe("the JSON Schema", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const check = ajv.compile(RequirementRulesJsonSchema);

  it("accepts a rule set using every construct", () => {
    const rules = {
      $schema: "https://creditbank.example/schemas/requirement-rules-v1.json",
      version: 1,
      creditSystem: "ects",
      totalCredits: 60,
      pools: [{ id: "ict", select: { fields: ["06"] } }],
      requirements: [
        { id: "core", units: ["uni:CORE1", { provider: "uni", code: "CORE2" }], minCount: "all" },
        {
          id: "options",
          choose: 1,
          of: [
            { id: "a", pools: ["ict"], minCredits: 10, maxCredits: 20, minResult: "passed-with-merit" },
            {
              id: "b",
              any: [{ id: "b1", select: [{ providers: ["mooc"] }, { sources: ["recognised"] }], minCount: 2 }],
            },
          ],
        },
      ],
      minCreditsAtOrAbove: [{ level: { framework: "eqf", level: "6" }, credits: 30 }],
      maxCreditsBelow: [{ level: { framework: "eqf", level: "5" }, credits: 10 }],
      minCreditsByDimension: [{ dimension: "attitudes-values", credits: 5 }],
      residency: {
        homeProviders: ["uni-online"],
        maxCreditsOutside: 30,
        maxCreditsRecognised: 15,
        minCreditsAtAwardingBody: 30,
      },
      recency: { withinYears: 10, respectValidity: true },
      capstone: { block: "core", atAwardingBody: true, minCreditsBefore: 40 },
      limits: [{ id: "moocs", maxCredits: 10, where: { achievementTypes: ["Course"] } }],
      allowDoubleCounting: false,
      conversion: { rounding: "half-up-to-0.5", rates: [{ from: "uk-cats", rate: 0.5 }] },
    };
    expect(check(rules), JSON.stringify(check.errors)).toBe(true);
    expect(validateRules(rules, ctx).filter((f) => f.severity === "error")).toEqual([]);
  });

  it("rejects what the validator rejects structurally", () => {
    expect(check({ ...ok, version: 2 })).toBe(false);
    expect(check({ ...base, requirements: [{ id: "x", select: {}, minCredits: -1 }] })).toBe(false);
    expect(check({ ...base, requirements: [{ id: "g", all: [{ id: "x", nonsense: true }] }] })).toBe(false);
  });
});
