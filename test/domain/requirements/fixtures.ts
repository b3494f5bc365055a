/**
 * Shared fixtures for the requirement tests: the EQF, a national framework referenced to it, three credit
 * systems, a small catalogue, and builders for rules and account entries.
 */
import {
  type AuditContext,
  type AuditEntry,
  catalogueOf,
  type RequirementRules,
} from "../../../src/domain/requirements/index.ts";
import type { CreditSystem, Framework, UnitSpec } from "../../../src/domain/schema/catalogue.ts";

export const eqf: Framework = {
  id: "eqf",
  name: "European Qualifications Framework",
  shortName: "EQF",
  levels: Array.from({ length: 8 }, (_, i) => ({ code: String(i + 1), ordinal: i + 1 })),
};

/** A ten-level national framework referenced to the EQF (levels 7 and 8 both to EQF 6). */
export const nfq: Framework = {
  id: "nfq",
  name: "National Framework of Qualifications",
  shortName: "NFQ",
  levels: Array.from({ length: 10 }, (_, i) => ({ code: String(i + 1), ordinal: i + 1 })),
  levelReferences: [
    ["5", "4"],
    ["6", "5"],
    ["7", "6"],
    ["8", "6"],
    ["9", "7"],
    ["10", "8"],
  ].map(([level, target]) => ({ level: level as string, targetFramework: "eqf", targetLevel: target as string })),
};

export const ects: CreditSystem = { id: "ects", name: "ECTS", hoursPerCredit: { min: 25, max: 30 } };
export const cats: CreditSystem = { id: "uk-cats", name: "UK CATS", hoursPerCredit: { min: 10, max: 10 } };
export const usch: CreditSystem = {
  id: "us-credit-hour",
  name: "US credit hour",
  hoursPerCredit: { min: 37.5, max: 45 },
};

export const frameworks = new Map([eqf, nfq].map((f) => [f.id, f]));
export const creditSystems = new Map([ects, cats, usch].map((c) => [c.id, c]));

const unit = (
  provider: string,
  code: string,
  credits: number,
  level: string,
  extra: Partial<UnitSpec> = {},
): UnitSpec => ({
  provider,
  code,
  title: `${code} title`,
  credits: { value: credits, system: "ects" },
  level: { framework: "eqf", level },
  field: "061",
  ...extra,
});

export const catalogueUnits: UnitSpec[] = [
  unit("uni", "CORE1", 5, "6"),
  unit("uni", "CORE2", 5, "6"),
  unit("uni", "EL1", 5, "6"),
  unit("uni", "EL2", 5, "6"),
  unit("uni", "EL3", 10, "6"),
  unit("uni", "EL4", 2.5, "5"),
  unit("uni", "CAP", 10, "7"),
  unit("mooc", "M1", 5, "5", { field: "041" }),
  unit("mooc", "M2", 10, "6"),
];

export const catalogue = catalogueOf(catalogueUnits);

export function context(overrides: Partial<AuditContext> = {}): AuditContext {
  return { frameworks, creditSystems, awardingBody: "uni", date: "2026-06-30", catalogue, ...overrides };
}

export function rules(partial: Partial<RequirementRules> & Pick<RequirementRules, "requirements">): RequirementRules {
  return { version: 1, creditSystem: "ects", ...partial } as RequirementRules;
}

let nextId = 1;

/** An active earned deposit of a unit; the id counts up unless given. */
export function entry(
  providerAndCode: string,
  credits: number,
  options: Partial<Omit<AuditEntry, "level">> & { level?: AuditEntry["level"] | string } = {},
): AuditEntry {
  const [providerId, code] = providerAndCode.split(":") as [string, string];
  const { level, ...rest } = options;
  return {
    id: String(nextId++),
    source: "earned",
    effectiveOn: "2025-06-01",
    credits,
    creditSystem: "ects",
    level:
      typeof level === "string"
        ? { framework: "eqf", level }
        : level === undefined
          ? { framework: "eqf", level: "6" }
          : level,
    providerId,
    unit: { code, title: `${code} title` },
    dimensions: [],
    field: "061",
    ...rest,
  };
}
