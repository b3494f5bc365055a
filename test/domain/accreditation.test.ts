import { describe, expect, it } from "vitest";
import { accreditationCovers, accreditationInForce } from "../../src/domain/accreditation.ts";
import type { Accreditation, Framework, Provider } from "../../src/domain/schema/catalogue.ts";

function framework(id: string, shortName: string, levels: number, references: [string, string][] = []): Framework {
  return {
    id,
    name: `${shortName} framework`,
    shortName,
    levels: Array.from({ length: levels }, (_, i) => ({ code: String(i + 1), ordinal: i + 1 })),
    levelReferences: references.map(([level, targetLevel]) => ({ level, targetFramework: "eqf", targetLevel })),
  };
}

const frameworks = new Map(
  [
    framework("eqf", "EQF", 8),
    framework("ie-nfq", "NFQ", 10, [
      ["5", "4"],
      ["6", "5"],
      ["7", "6"],
      ["8", "6"],
      ["9", "7"],
      ["10", "8"],
    ]),
    framework("island", "ISL", 4),
  ].map((f) => [f.id, f]),
);

const base: Accreditation = {
  framework: "eqf",
  minLevel: "5",
  maxLevel: "7",
  fields: ["06"],
  validFrom: "2024-01-01",
  validTo: "2028-12-31",
};

function provider(...accreditations: Accreditation[]): Provider {
  return { id: "uni-a", name: "University A", kind: "university", country: "IE", accreditations };
}

const eqf = (level: string) => ({ framework: "eqf", level });
const nfq = (level: string) => ({ framework: "ie-nfq", level });

describe("accreditationCovers", () => {
  it.each([
    { name: "a level and field in scope", acc: [base], level: eqf("6"), field: "0613", on: "2026-06-30" },
    { name: "the lowest level", acc: [base], level: eqf("5"), field: "06", on: "2026-06-30" },
    { name: "the highest level", acc: [base], level: eqf("7"), field: "061", on: "2026-06-30" },
    { name: "a query without field", acc: [base], level: eqf("6"), field: undefined, on: "2026-06-30" },
    { name: "the first day", acc: [base], level: eqf("6"), field: "06", on: "2024-01-01" },
    { name: "the last day", acc: [base], level: eqf("6"), field: "06", on: "2028-12-31" },
    { name: "an open-ended accreditation", acc: [{ ...base, validTo: undefined }], level: eqf("6"), on: "2099-01-01" },
    {
      name: "an explicitly active one",
      acc: [{ ...base, status: "active" as const }],
      level: eqf("6"),
      on: "2026-06-30",
    },
    { name: "all fields", acc: [{ ...base, fields: ["*"] }], level: eqf("6"), field: "0913", on: "2026-06-30" },
    { name: "a national level referenced to the EQF", acc: [base], level: nfq("8"), field: "06", on: "2026-06-30" },
    {
      // EQF 6 goes back to NFQ 7 (the lower of 7 and 8), inside NFQ 6-7.
      name: "an EQF level within a national accreditation",
      acc: [{ ...base, framework: "ie-nfq", minLevel: "6", maxLevel: "7" }],
      level: eqf("6"),
      on: "2026-06-30",
    },
    {
      name: "the one accreditation among several that fits",
      acc: [{ ...base, fields: ["07"] }, { ...base, status: "suspended" as const }, base],
      level: eqf("6"),
      field: "06",
      on: "2026-06-30",
    },
  ])("covers $name", ({ acc, level, field, on }) => {
    const result = accreditationCovers(provider(...acc), frameworks, { level, on, ...(field ? { field } : {}) });
    expect(result).toEqual({ covered: true, accreditation: acc.at(-1) });
  });

  it.each([
    { name: "no accreditation at all", acc: [], level: eqf("6"), code: "provider-not-accredited" },
    { name: "a level above the range", acc: [base], level: eqf("8"), code: "level-outside-accreditation" },
    { name: "a level below the range", acc: [base], level: eqf("4"), code: "level-outside-accreditation" },
    { name: "a referenced level above the range", acc: [base], level: nfq("10"), code: "level-outside-accreditation" },
    {
      // EQF 6 is conservatively NFQ 7, below an NFQ 8-9 accreditation, even though NFQ 8 also refers to EQF 6.
      name: "an ambiguous inverse reference taken at its lowest",
      acc: [{ ...base, framework: "ie-nfq", minLevel: "8", maxLevel: "9" }],
      level: eqf("6"),
      code: "level-outside-accreditation",
    },
    {
      name: "a level that cannot be referenced",
      acc: [base],
      level: { framework: "island", level: "2" },
      code: "level-outside-accreditation",
    },
    { name: "a level that does not exist", acc: [base], level: eqf("9"), code: "level-outside-accreditation" },
    { name: "another field", acc: [base], field: "07", code: "field-outside-accreditation" },
    {
      name: "a broader field than accredited",
      acc: [{ ...base, fields: ["0613"] }],
      field: "06",
      code: "field-outside-accreditation",
    },
    {
      name: "a suspended accreditation",
      acc: [{ ...base, status: "suspended" as const }],
      code: "accreditation-not-in-force",
    },
    {
      name: "a withdrawn accreditation",
      acc: [{ ...base, status: "withdrawn" as const }],
      code: "accreditation-not-in-force",
    },
    { name: "a date before it starts", acc: [base], on: "2023-12-31", code: "accreditation-not-in-force" },
    { name: "a date after it ends", acc: [base], on: "2029-01-01", code: "accreditation-not-in-force" },
    {
      // Renewing it would not help, so the scope is what is reported.
      name: "an expired accreditation for other levels",
      acc: [{ ...base, validTo: "2025-01-01" }],
      level: eqf("8"),
      code: "level-outside-accreditation",
    },
    {
      name: "an active accreditation for lower levels and a lapsed one that fits (the lapsed one is closer)",
      acc: [
        { ...base, maxLevel: "6" },
        { ...base, maxLevel: "8", validTo: "2025-12-31" },
      ],
      level: eqf("8"),
      code: "accreditation-not-in-force",
    },
    {
      name: "one accreditation off by field, another off by level and dates (the first is closer)",
      acc: [
        { ...base, maxLevel: "6", validTo: "2025-12-31" },
        { ...base, fields: ["07"] },
      ],
      level: eqf("7"),
      code: "field-outside-accreditation",
    },
  ])("refuses $name", ({ acc, level, field, on, code }) => {
    const result = accreditationCovers(provider(...acc), frameworks, {
      level: level ?? eqf("6"),
      on: on ?? "2026-06-30",
      field: field ?? "0613",
    });
    expect(result.covered).toBe(false);
    if (!result.covered) expect(result.code).toBe(code);
  });

  it.each([
    [[], "provider-not-accredited", ["University A", "uni-a", "EQF level 6", "2026-06-30"]],
    [[base], "level-outside-accreditation", ["University A", "EQF level 8", "EQF levels 5 to 7", "2026-06-30"]],
    [[{ ...base, validTo: "2025-12-31" }], "accreditation-not-in-force", ["University A", "2025-12-31", "2026-06-30"]],
    [[{ ...base, validFrom: "2027-01-01" }], "accreditation-not-in-force", ["takes effect on 2027-01-01"]],
    [[{ ...base, status: "suspended" as const }], "accreditation-not-in-force", ["is suspended"]],
    [[base], "field-outside-accreditation", ["field 0713", "fields 06 only"]],
  ] as const)("explains %j as %s naming the provider, level and dates", (acc, code, words) => {
    const level = code === "level-outside-accreditation" ? eqf("8") : eqf("6");
    const field = code === "field-outside-accreditation" ? "0713" : "0613";
    const result = accreditationCovers(provider(...acc), frameworks, { level, field, on: "2026-06-30" });
    expect(result).toMatchObject({ covered: false, code });
    if (result.covered) return;
    for (const word of words) expect(result.message).toContain(word);
    expect(result.message).toMatch(/\.$/);
  });

  it("mentions the referenced level when the unit's level is in another framework", () => {
    const result = accreditationCovers(provider(base), frameworks, { level: nfq("10"), on: "2026-06-30" });
    expect(result.covered).toBe(false);
    if (!result.covered) expect(result.message).toContain("EQF level 8 by level referencing");
  });

  it("names a one-level accreditation as a single level", () => {
    const result = accreditationCovers(provider({ ...base, minLevel: "6", maxLevel: "6" }), frameworks, {
      level: eqf("7"),
      on: "2026-06-30",
    });
    expect(result.covered).toBe(false);
    if (!result.covered) expect(result.message).toContain("covers EQF level 6 only.");
  });

  it("treats a provider without an accreditations list as not accredited", () => {
    const { accreditations: _, ...bare } = provider(base);
    expect(accreditationCovers(bare, frameworks, { level: eqf("6"), on: "2026-06-30" })).toMatchObject({
      covered: false,
      code: "provider-not-accredited",
    });
  });
});

describe("accreditationInForce", () => {
  it.each([
    [base, "2023-12-31", false],
    [base, "2024-01-01", true],
    [base, "2028-12-31", true],
    [base, "2029-01-01", false],
    [{ ...base, validTo: undefined }, "2999-12-31", true],
    [{ ...base, status: "suspended" as const }, "2026-01-01", false],
    [{ ...base, status: "withdrawn" as const }, "2026-01-01", false],
  ])("%j on %s: %s", (acc, on, inForce) => {
    expect(accreditationInForce(acc, on)).toBe(inForce);
  });
});
