/**
 * Fixtures shared by the service and CLI tests: a provider accredited for EQF 3–6 in every field, and a
 * unit that passes the coherence check, so tests change one thing from a known-good start.
 */
import type { UnitSpec } from "../../src/domain/schema/catalogue.ts";
import { AppError } from "../../src/services/errors.ts";

/** The AppError a call fails with; fails the test when the call succeeds or throws something else. */
export async function appError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError, but the call succeeded");
}

/** A complete, coherent unit of `provider` at EQF level 5 (credits in ECTS, 25 h each). */
export function coherentUnit(provider: string, code: string, credits = 3): UnitSpec {
  return {
    provider,
    code,
    title: `Unit ${code}`,
    language: "en",
    level: { framework: "eqf", level: "5" },
    credits: { value: credits, system: "ects" },
    notionalHours: credits * 25,
    field: "0521",
    objectives: [{ id: "O1", text: "Understand the topic well enough to use it at work." }],
    outcomes: [
      {
        id: "LO1",
        text: "Explain the main ideas of the topic.",
        dimension: "knowledge-understanding",
        objectives: ["O1"],
      },
      {
        id: "LO2",
        text: "Apply the methods of the topic to a real case.",
        dimension: "skills-capacity",
        objectives: ["O1"],
      },
      { id: "LO3", text: "Act responsibly when using the topic.", dimension: "attitudes-values", objectives: ["O1"] },
    ],
    assessments: [{ id: "A1", method: "project", outcomes: ["LO1", "LO2", "LO3"], weight: 100 }],
    mode: "online",
    qualityAssurance: "Reviewed by the provider's academic board every year.",
  };
}

/** A provider accredited for EQF levels 3–6 in all fields since 2020. */
export function provider(id: string) {
  return {
    id,
    name: `Provider ${id}`,
    kind: "college" as const,
    country: "IE",
    accreditations: [{ framework: "eqf", minLevel: "3", maxLevel: "6", fields: ["*"], validFrom: "2020-01-01" }],
  };
}
