import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CoherenceContext,
  checkUnitCoherence,
  comparePointers,
  type Finding,
  hasBlockingFindings,
  prerequisiteKey,
} from "../../src/domain/coherence.ts";
import {
  type CreditSystem,
  type Framework,
  type LearningOutcome,
  type Provider,
  UnitSpec,
} from "../../src/domain/schema/catalogue.ts";
import {
  DEFAULT_TEMPLATE_POLICY,
  MANDATORY_ELEMENT_IDS,
  missingMandatoryElements,
  OPTIONAL_ELEMENT_IDS,
  TEMPLATE_ELEMENTS,
  templateElement,
  valueAt,
} from "../../src/domain/template.ts";

// ---------------------------------------------------------------------------------------------
// Fixtures: a register with the EQF, ECTS, one skill framework and an accredited provider, and a complete,
// coherent unit of that provider.

const eqf: Framework = {
  id: "eqf",
  name: "European Qualifications Framework",
  shortName: "EQF",
  levels: Array.from({ length: 8 }, (_, i) => ({ code: String(i + 1), ordinal: i + 1 })),
};
const ects: CreditSystem = { id: "ects", name: "ECTS", hoursPerCredit: { min: 25, max: 30 } };

const provider: Provider = {
  id: "uni-a",
  name: "University A",
  kind: "university",
  country: "IE",
  qualityAssurance: "Institutional review by the national quality agency.",
  accreditations: [
    { framework: "eqf", minLevel: "5", maxLevel: "7", fields: ["06"], validFrom: "2024-01-01", validTo: "2028-12-31" },
  ],
};

/** The catalogue's prerequisite graph, as unit keys. */
const catalogue: Record<string, string[]> = {
  "uni-a:CS101": [],
  "uni-a:CS201": ["uni-a:CS101"],
  "uni-b:MATH1": [],
};

function context(overrides: Partial<CoherenceContext> = {}): CoherenceContext {
  return {
    provider,
    frameworks: new Map([[eqf.id, eqf]]),
    creditSystems: new Map([[ects.id, ects]]),
    skillFrameworks: new Map([["esco", { items: new Set(["S1.1", "S2.3"]) }]]),
    today: "2026-06-30",
    prerequisitesOf: (key) => catalogue[key],
    ...overrides,
  };
}

function completeUnit(): UnitSpec {
  return {
    provider: "uni-a",
    code: "CS301",
    title: "Data engineering with SQL",
    level: { framework: "eqf", level: "6" },
    credits: { value: 5, system: "ects" },
    notionalHours: 140,
    field: "0613",
    objectives: [
      { id: "O1", text: "Understand relational data." },
      { id: "O2", text: "Build data pipelines." },
    ],
    outcomes: [
      { id: "LO1", text: "Explain normal forms.", dimension: "knowledge-understanding", objectives: ["O1"] },
      { id: "LO2", text: "Write correct SQL queries.", dimension: "skills-capacity", objectives: ["O1"] },
      { id: "LO3", text: "Respect data protection.", dimension: "attitudes-values", objectives: ["O2"] },
      { id: "LO4", text: "Build a pipeline.", dimension: "skills-capacity", objectives: ["O2"] },
    ],
    assessments: [
      { id: "A1", method: "written-exam", outcomes: ["LO1", "LO2"], weight: 40 },
      { id: "A2", method: "project", outcomes: ["LO3", "LO4"], weight: 60 },
    ],
    skills: [{ framework: "esco", code: "S1.1" }],
    mode: "blended",
    prerequisites: [{ unit: "CS201" }, { unit: "uni-b:MATH1" }],
    identityVerification: "supervised-with-identity-verification",
    stackability: "stackable",
    gradingScheme: { type: "letter", scale: ["A", "B", "C", "D", "F"], passMark: "D" },
  };
}

const codes = (findings: Finding[]) => [...new Set(findings.map((f) => f.code))].sort();

// ---------------------------------------------------------------------------------------------

describe("the common template", () => {
  it("has the Annex I elements with their ids, mandatory ones first", () => {
    expect(TEMPLATE_ELEMENTS.filter((e) => e.mandatory).map((e) => e.id)).toEqual([...MANDATORY_ELEMENT_IDS]);
    expect(TEMPLATE_ELEMENTS.filter((e) => !e.mandatory).map((e) => e.id)).toEqual([...OPTIONAL_ELEMENT_IDS]);
    expect(MANDATORY_ELEMENT_IDS).toEqual([
      "learnerIdentification",
      "title",
      "issuerCountryOrRegion",
      "awardingBody",
      "dateOfIssuing",
      "learningOutcomes",
      "notionalWorkload",
      "level",
      "typeOfAssessment",
      "formOfParticipation",
      "qualityAssurance",
    ]);
    expect(OPTIONAL_ELEMENT_IDS).toEqual([
      "prerequisites",
      "supervisionAndIdentityVerification",
      "gradeAchieved",
      "integrationStackability",
      "furtherInformation",
    ]);
  });

  it.each([
    ["title", { kind: "unit", unit: ["/title"] }],
    ["learningOutcomes", { kind: "unit", unit: ["/outcomes"] }],
    ["notionalWorkload", { kind: "unit", unit: ["/notionalHours", "/credits"] }],
    ["typeOfAssessment", { kind: "unit", unit: ["/assessments"] }],
    ["formOfParticipation", { kind: "unit", unit: ["/mode"] }],
    ["qualityAssurance", { kind: "unit", unit: ["/qualityAssurance"], provider: ["/qualityAssurance"] }],
    ["awardingBody", { kind: "unit", unit: ["/awardingBodies"], provider: ["/id"] }],
    ["issuerCountryOrRegion", { kind: "provider", provider: ["/country"] }],
    ["gradeAchieved", { kind: "unit", unit: ["/gradingScheme"] }],
    ["integrationStackability", { kind: "unit", unit: ["/stackability"] }],
    ["supervisionAndIdentityVerification", { kind: "unit", unit: ["/identityVerification"] }],
    ["learnerIdentification", { kind: "issuance" }],
    ["dateOfIssuing", { kind: "issuance" }],
  ] as const)("places %s at %j", (id, location) => {
    expect(templateElement(id).location).toEqual(location);
  });

  it("every unit path of the template is a property of the unit schema", () => {
    for (const element of TEMPLATE_ELEMENTS)
      if (element.location.kind === "unit")
        for (const path of element.location.unit) expect(Object.keys(UnitSpec.properties)).toContain(path.slice(1));
  });

  it("requires knowledge and skills, not attitudes, by default", () => {
    expect(DEFAULT_TEMPLATE_POLICY.requiredDimensions).toEqual(["knowledge-understanding", "skills-capacity"]);
  });

  it("reads JSON pointers", () => {
    const doc = { a: [{ "b/c": 1, "d~e": 2 }] };
    expect(valueAt(doc, "")).toBe(doc);
    expect(valueAt(doc, "/a/0/b~1c")).toBe(1);
    expect(valueAt(doc, "/a/0/d~0e")).toBe(2);
    expect(valueAt(doc, "/a/1")).toBeUndefined();
    expect(valueAt(doc, "/a/0/b~1c/x")).toBeUndefined();
    expect(valueAt(doc, "/toString")).toBeUndefined();
  });

  it("takes quality assurance and the awarding body from the provider when the unit is silent", () => {
    const unit = completeUnit();
    expect(missingMandatoryElements(unit, provider)).toEqual([]);
    expect(missingMandatoryElements(unit, { ...provider, qualityAssurance: undefined }).map((m) => m.path)).toEqual([
      "/qualityAssurance",
    ]);
    expect(
      missingMandatoryElements(
        { ...unit, qualityAssurance: "Own external examiner." },
        { ...provider, qualityAssurance: "" },
      ),
    ).toEqual([]);
    expect(
      missingMandatoryElements({ ...unit, awardingBodies: ["uni-a", "uni-b"] }, undefined).map((m) => m.element.id),
    ).toEqual(["issuerCountryOrRegion", "qualityAssurance"]);
  });
});

describe("checkUnitCoherence", () => {
  it("finds nothing wrong with a complete, coherent unit", () => {
    expect(checkUnitCoherence(completeUnit(), context())).toEqual([]);
  });

  type Case = {
    code: string;
    severity: Finding["severity"];
    path: string;
    mutate: (unit: UnitSpec) => UnitSpec;
    ctx?: Partial<CoherenceContext>;
    /** Words the message must contain: the offending ids or values. */
    mentions?: string[];
  };
  const cases: Case[] = [
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/mode",
      mutate: ({ mode: _, ...u }) => u,
      mentions: ["Form of participation"],
    },
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/title",
      mutate: (u) => ({ ...u, title: "  " }),
      mentions: ["Title of the micro-credential"],
    },
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/level",
      mutate: ({ level: _, ...u }) => u,
      mentions: ["Level"],
    },
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/credits",
      mutate: ({ credits: _, ...u }) => u,
      mentions: ["Notional workload", "credits"],
    },
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/notionalHours",
      mutate: ({ notionalHours: _, ...u }) => u,
      mentions: ["Notional workload", "hours"],
    },
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/qualityAssurance",
      mutate: (u) => u,
      ctx: { provider: { ...provider, qualityAssurance: undefined } },
      mentions: ["Type of quality assurance"],
    },
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/awardingBodies",
      mutate: (u) => u,
      ctx: { provider: undefined },
      mentions: ["Awarding body", "uni-a"],
    },
    {
      code: "missing-mandatory-element",
      severity: "error",
      path: "/provider",
      mutate: (u) => u,
      ctx: { provider: undefined },
      mentions: ["Country(ies)/Region(s) of the issuer", "uni-a"],
    },
    {
      code: "duplicate-id",
      severity: "error",
      path: "/objectives/2/id",
      mutate: (u) => ({ ...u, objectives: [...(u.objectives ?? []), { id: "O1", text: "Again." }] }),
      mentions: ["O1", "/objectives/0"],
    },
    {
      code: "duplicate-id",
      severity: "error",
      path: "/outcomes/4/id",
      mutate: (u) => ({
        ...u,
        outcomes: [...(u.outcomes ?? []), { ...(u.outcomes?.[0] as LearningOutcome), text: "Again." }],
      }),
      mentions: ["LO1"],
    },
    {
      code: "duplicate-id",
      severity: "error",
      path: "/assessments/2/id",
      mutate: (u) => ({
        ...u,
        assessments: [...(u.assessments ?? []), { id: "A1", method: "essay", outcomes: ["LO1"] }],
      }),
      mentions: ["A1"],
    },
    {
      code: "objective-unsupported",
      severity: "error",
      path: "/objectives/2",
      mutate: (u) => ({ ...u, objectives: [...(u.objectives ?? []), { id: "O9", text: "Orphan." }] }),
      mentions: ["O9"],
    },
    {
      code: "outcome-unknown-objective",
      severity: "error",
      path: "/outcomes/1/objectives/1",
      mutate: (u) => withOutcome(u, 1, { objectives: ["O1", "O9"] }),
      mentions: ["LO2", "O9"],
    },
    {
      code: "outcome-unassessed",
      severity: "error",
      path: "/outcomes/4",
      mutate: (u) => ({
        ...u,
        outcomes: [
          ...(u.outcomes ?? []),
          { id: "LO5", text: "New.", dimension: "skills-capacity", objectives: ["O2"] },
        ],
      }),
      mentions: ["LO5"],
    },
    {
      code: "assessment-unknown-outcome",
      severity: "error",
      path: "/assessments/1/outcomes/2",
      mutate: (u) => withAssessment(u, 1, { outcomes: ["LO3", "LO4", "LO9"] }),
      mentions: ["A2", "LO9"],
    },
    {
      code: "outcome-without-dimension",
      severity: "error",
      path: "/outcomes/3/dimension",
      mutate: (u) => withOutcome(u, 3, { dimension: undefined }),
      mentions: ["LO4"],
    },
    {
      code: "missing-dimension",
      severity: "error",
      path: "/outcomes",
      mutate: (u) => withOutcome(u, 0, { dimension: "skills-capacity" }),
      mentions: ["Knowledge and understanding"],
    },
    {
      code: "missing-dimension",
      severity: "info",
      path: "/outcomes",
      mutate: (u) => withOutcome(u, 2, { dimension: "skills-capacity" }),
      mentions: ["Attitudes and values"],
    },
    {
      code: "assessment-weights",
      severity: "warning",
      path: "/assessments",
      mutate: (u) => withAssessment(u, 1, { weight: 50 }),
      mentions: ["90%"],
    },
    {
      code: "assessment-weights",
      severity: "warning",
      path: "/assessments",
      mutate: (u) => withAssessment(u, 1, { weight: undefined }),
      mentions: ["40%", "'A2'"],
    },
    {
      code: "unknown-framework",
      severity: "error",
      path: "/level/framework",
      mutate: (u) => ({ ...u, level: { framework: "zz-nqf", level: "6" } }),
      mentions: ["zz-nqf"],
    },
    {
      code: "unknown-level",
      severity: "error",
      path: "/level/level",
      mutate: (u) => ({ ...u, level: { framework: "eqf", level: "9" } }),
      mentions: ["'9'", "eqf"],
    },
    {
      code: "unknown-credit-system",
      severity: "error",
      path: "/credits/system",
      mutate: (u) => ({ ...u, credits: { value: 5, system: "zz" } }),
      mentions: ["zz"],
    },
    {
      code: "credits-hours-mismatch",
      severity: "error",
      path: "/credits",
      mutate: (u) => ({ ...u, notionalHours: 300 }),
      mentions: ["5 ECTS", "300"],
    },
    {
      code: "provider-not-accredited",
      severity: "error",
      path: "/provider",
      mutate: (u) => u,
      ctx: { provider: { ...provider, accreditations: [] } },
      mentions: ["University A"],
    },
    {
      code: "level-outside-accreditation",
      severity: "error",
      path: "/level",
      mutate: (u) => ({ ...u, level: { framework: "eqf", level: "8" } }),
      mentions: ["EQF level 8", "EQF levels 5 to 7"],
    },
    {
      code: "field-outside-accreditation",
      severity: "error",
      path: "/field",
      mutate: (u) => ({ ...u, field: "0713" }),
      mentions: ["0713"],
    },
    {
      code: "accreditation-not-in-force",
      severity: "error",
      path: "/provider",
      mutate: (u) => u,
      ctx: { today: "2029-01-01" },
      mentions: ["2028-12-31", "2029-01-01"],
    },
    {
      code: "prerequisite-unknown",
      severity: "error",
      path: "/prerequisites/2/unit",
      mutate: (u) => ({ ...u, prerequisites: [...(u.prerequisites ?? []), { unit: "CS999" }] }),
      mentions: ["uni-a:CS999"],
    },
    {
      code: "prerequisite-unknown",
      severity: "error",
      path: "/prerequisites/2/unit",
      mutate: (u) => ({ ...u, prerequisites: [...(u.prerequisites ?? []), { unit: "uni-c:CS101" }] }),
      mentions: ["uni-c:CS101"],
    },
    {
      code: "prerequisite-cycle",
      severity: "error",
      path: "/prerequisites/0/unit",
      mutate: (u) => u,
      ctx: { prerequisitesOf: (key) => (key === "uni-a:CS201" ? ["uni-a:CS301"] : catalogue[key]) },
      mentions: ["uni-a:CS301 → uni-a:CS201 → uni-a:CS301"],
    },
    {
      code: "prerequisite-cycle",
      severity: "error",
      path: "/prerequisites/2/unit",
      mutate: (u) => ({ ...u, prerequisites: [...(u.prerequisites ?? []), { unit: "CS301" }] }),
      mentions: ["uni-a:CS301 → uni-a:CS301"],
    },
    {
      code: "unknown-skill",
      severity: "warning",
      path: "/skills/1/code",
      mutate: (u) => ({ ...u, skills: [...(u.skills ?? []), { framework: "esco", code: "S9.9" }] }),
      mentions: ["S9.9", "esco"],
    },
    {
      code: "identity-verification-missing",
      severity: "info",
      path: "/identityVerification",
      mutate: ({ identityVerification: _, ...u }) => u,
    },
    { code: "stackability-missing", severity: "info", path: "/stackability", mutate: ({ stackability: _, ...u }) => u },
  ];

  it.each(cases)("reports $code at $path and nothing else", ({ code, severity, path, mutate, ctx, mentions }) => {
    const findings = checkUnitCoherence(mutate(completeUnit()), context(ctx));
    expect(codes(findings)).toEqual([code]);
    const finding = findings.find((f) => f.path === path);
    expect(finding).toMatchObject({ code, severity, path });
    for (const word of mentions ?? []) expect(finding?.message).toContain(word);
    expect(finding?.message).toMatch(/\.$/);
    expect(finding?.hint.length).toBeGreaterThan(10);
  });

  it("covers every finding code in the table above", () => {
    expect(new Set(cases.map((c) => c.code)).size).toBe(22);
  });

  it("makes missing dimensions errors when the policy requires them", () => {
    const unit = withOutcome(completeUnit(), 2, { dimension: "skills-capacity" });
    const [finding] = checkUnitCoherence(unit, context(), {
      requiredDimensions: ["knowledge-understanding", "skills-capacity", "attitudes-values"],
    });
    expect(finding).toMatchObject({ code: "missing-dimension", severity: "error" });
  });

  it("does not report missing dimensions on top of missing outcomes", () => {
    const unit = { ...completeUnit(), outcomes: [], assessments: [], objectives: [] };
    expect(checkUnitCoherence(unit, context()).map((f) => [f.code, f.path])).toEqual([
      ["missing-mandatory-element", "/assessments"],
      ["missing-mandatory-element", "/outcomes"],
    ]);
  });

  it("gives the expected ranges of hours and credits in the credits-hours hint", () => {
    const [finding] = checkUnitCoherence({ ...completeUnit(), notionalHours: 300 }, context());
    expect(finding?.hint).toContain("112.5–165 notional hours");
    expect(finding?.hint).toContain("for 300 h give 10–12 ECTS credits");
  });

  it("checks a draft without a provider, level or credits without failing", () => {
    const draft: UnitSpec = { provider: "uni-z", code: "X1", title: "Draft" };
    const findings = checkUnitCoherence(draft, context({ provider: undefined }));
    expect(findings.filter((f) => f.code === "missing-mandatory-element").map((f) => f.path)).toEqual([
      "/assessments",
      "/awardingBodies",
      "/credits",
      "/level",
      "/mode",
      "/notionalHours",
      "/outcomes",
      "/provider",
      "/qualityAssurance",
    ]);
    expect(hasBlockingFindings(findings)).toBe(true);
  });

  it("orders findings by path, numbers numerically, then by code", () => {
    const outcomes = Array.from({ length: 12 }, (_, i) => ({ id: `X${i}`, text: "Unassessed." }));
    const unit = { ...completeUnit(), outcomes: [...(completeUnit().outcomes ?? []), ...outcomes] };
    const findings = checkUnitCoherence(unit, context());
    const paths = findings.map((f) => f.path);
    expect(paths.indexOf("/outcomes/5")).toBeLessThan(paths.indexOf("/outcomes/10"));
    for (let i = 1; i < findings.length; i++) {
      const a = findings[i - 1] as Finding;
      const b = findings[i] as Finding;
      expect(comparePointers(a.path, b.path) < 0 || (a.path === b.path && a.code <= b.code)).toBe(true);
    }
    expect(checkUnitCoherence(unit, context())).toEqual(findings);
  });

  it("refuses to check a unit against another provider's register entry", () => {
    expect(() => checkUnitCoherence({ ...completeUnit(), provider: "uni-b" }, context())).toThrow(/uni-b/);
  });

  it("adding an unassessed outcome always reports it", () => {
    fc.assert(
      fc.property(arbitraryUnit, fc.string({ minLength: 1, maxLength: 8 }), (unit, suffix) => {
        const outcomes = unit.outcomes ?? [];
        const id = `NEW-${suffix}`;
        const extended = { ...unit, outcomes: [...outcomes, { id, text: "Added." }] };
        const findings = checkUnitCoherence(extended, context());
        const finding = findings.find(
          (f) => f.code === "outcome-unassessed" && f.path === `/outcomes/${outcomes.length}`,
        );
        expect(finding?.message).toContain(id);
        expect(hasBlockingFindings(findings)).toBe(true);
      }),
    );
  });

  it("reports a prerequisite cycle exactly when a prerequisite leads back to the unit", () => {
    const n = 6;
    const key = (i: number) => (i < n - 1 ? `uni-a:U${i}` : `uni-b:U${i}`);
    const node = (k: string | undefined) => Number(k?.split(":U")[1]);
    // Unit 0 is the unit checked. Node n-1 belongs to another provider, so both key forms are exercised.
    const graph = fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), {
      minLength: n,
      maxLength: n,
    });
    fc.assert(
      fc.property(graph, fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), (edges, stale) => {
        const reach = transitiveClosure(edges);
        const unit: UnitSpec = {
          ...completeUnit(),
          code: "U0",
          prerequisites: (edges[0] ?? []).map((j) => ({ unit: j === n - 1 ? key(j) : `U${j}` })),
        };
        const catalogueOf = new Map(edges.map((targets, i) => [key(i), targets.map(key)]));
        // The catalogue's copy of the unit itself is stale: the check must follow the spec being checked.
        catalogueOf.set(key(0), stale.map(key));
        const findings = checkUnitCoherence(unit, context({ prerequisitesOf: (k) => catalogueOf.get(k) }));
        const cyclic = findings.filter((f) => f.code === "prerequisite-cycle");

        (edges[0] ?? []).forEach((j, i) => {
          const expected = j === 0 || (reach[j]?.[0] ?? false);
          const finding = cyclic.find((f) => f.path === `/prerequisites/${i}/unit`);
          expect(finding !== undefined).toBe(expected);
          if (!finding) return;
          // The reported circle is a real walk of the graph from the unit back to it.
          const walk = (finding.message.match(/: (.*)\.$/)?.[1] ?? "").split(" → ");
          expect(walk[0]).toBe(key(0));
          expect(walk.at(-1)).toBe(key(0));
          expect(walk[1]).toBe(key(j));
          for (let s = 1; s < walk.length; s++) expect(edges[node(walk[s - 1])]).toContain(node(walk[s]));
        });
        expect(cyclic.length).toBe((edges[0] ?? []).filter((j) => j === 0 || reach[j]?.[0]).length);
      }),
    );
  });

  it.each([
    ["uni-a", "CS101", "uni-a:CS101"],
    ["uni-a", "uni-b:MATH1", "uni-b:MATH1"],
    ["uni-a", "DATA/2.1", "uni-a:DATA/2.1"],
  ])("reads prerequisite %s of %s as %s", (providerId, prerequisite, key) => {
    expect(prerequisiteKey(providerId, prerequisite)).toBe(key);
  });

  it("ignores skill alignments to frameworks it does not know", () => {
    const unit = { ...completeUnit(), skills: [{ framework: "onet", code: "anything" }] };
    expect(checkUnitCoherence(unit, context())).toEqual([]);
    expect(checkUnitCoherence(unit, context({ skillFrameworks: undefined }))).toEqual([]);
  });
});

describe("hasBlockingFindings", () => {
  const finding = (severity: Finding["severity"]): Finding => ({
    code: "x",
    severity,
    path: "",
    message: "X.",
    hint: "Y.",
  });
  it.each([
    [[], false],
    [[finding("info"), finding("warning")], false],
    [[finding("info"), finding("error")], true],
  ])("%j blocks: %s", (findings, blocks) => {
    expect(hasBlockingFindings(findings)).toBe(blocks);
  });
});

// ---------------------------------------------------------------------------------------------

function withOutcome(unit: UnitSpec, i: number, change: Record<string, unknown>): UnitSpec {
  const outcomes = [...(unit.outcomes ?? [])];
  outcomes[i] = { ...(outcomes[i] as NonNullable<UnitSpec["outcomes"]>[number]), ...change };
  return { ...unit, outcomes };
}

function withAssessment(unit: UnitSpec, i: number, change: Record<string, unknown>): UnitSpec {
  const assessments = [...(unit.assessments ?? [])];
  assessments[i] = { ...(assessments[i] as NonNullable<UnitSpec["assessments"]>[number]), ...change };
  return { ...unit, assessments };
}

/** reach[i][j]: j can be reached from i by one or more edges (Floyd–Warshall, independent of the code under test). */
function transitiveClosure(edges: number[][]): boolean[][] {
  const n = edges.length;
  const reach = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (edges[i] ?? []).includes(j)));
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (reach[i]?.[k] && reach[k]?.[j]) (reach[i] as boolean[])[j] = true;
  return reach;
}

/** Units with random outcomes and assessments (possibly incoherent), on the fixture's provider. */
const arbitraryUnit: fc.Arbitrary<UnitSpec> = fc
  .record({
    outcomeCount: fc.integer({ min: 0, max: 6 }),
    assessments: fc.array(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 4 }), { maxLength: 4 }),
    dimensions: fc.array(fc.constantFrom("knowledge-understanding" as const, "skills-capacity" as const, undefined), {
      minLength: 6,
      maxLength: 6,
    }),
  })
  .map(({ outcomeCount, assessments, dimensions }) => ({
    ...completeUnit(),
    objectives: [],
    outcomes: Array.from({ length: outcomeCount }, (_, i) => ({
      id: `LO${i}`,
      text: "Outcome.",
      ...(dimensions[i] ? { dimension: dimensions[i] } : {}),
    })),
    assessments: assessments.map((targets, i) => ({
      id: `A${i}`,
      method: "project" as const,
      outcomes: targets.map((t) => `LO${t}`),
    })),
  }));
