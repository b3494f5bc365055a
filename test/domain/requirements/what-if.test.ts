/**
 * What-if: one account against many qualifications, ranked by how close it is to each; the progress-only
 * audit agrees with the full one.
 */
import { describe, expect, it } from "vitest";
import {
  auditCompiled,
  auditProgress,
  compileRules,
  rankQualifications,
} from "../../../src/domain/requirements/index.ts";
import { context, entry, rules } from "./fixtures.ts";

const ctx = context();
const account = [entry("uni:CORE1", 5), entry("uni:CORE2", 5), entry("uni:EL1", 5)];

const done = compileRules(
  rules({ totalCredits: 10, requirements: [{ id: "core", units: ["uni:CORE1", "uni:CORE2"], minCount: "all" }] }),
  ctx,
);
const half = compileRules(
  rules({
    totalCredits: 30,
    requirements: [
      { id: "core", units: ["uni:CORE1", "uni:CORE2"], minCount: "all" },
      { id: "el", units: ["uni:EL1", "uni:EL2", "uni:EL3"], minCredits: 20 },
    ],
  }),
  ctx,
);
const far = compileRules(
  rules({ totalCredits: 60, requirements: [{ id: "moocs", select: { providers: ["mooc"] }, minCredits: 60 }] }),
  ctx,
);

describe("what-if", () => {
  it("ranks complete qualifications first, then by closeness, then by credits to go", () => {
    const ranked = rankQualifications(
      [
        { key: "far", compiled: far },
        { key: "half", compiled: half },
        { key: "done", compiled: done },
      ],
      account,
      "2026-06-30",
    );
    expect(ranked.map((r) => r.key)).toEqual(["done", "half", "far"]);
    expect(ranked[0]).toMatchObject({ complete: true, closeness: 1, remainingCredits: 0 });
    expect(ranked[1]).toMatchObject({
      complete: false,
      requirementsMet: 1,
      requirementsTotal: 3,
      credits: 15,
      remainingCredits: 15,
    });
    expect(ranked[1]?.closeness).toBeCloseTo((1 / 3 + 15 / 30) / 2, 4);
    expect(ranked[2]).toMatchObject({ requirementsMet: 0, credits: 0, remainingCredits: 60, closeness: 0 });
  });

  it("limits the list and breaks ties by key", () => {
    const ranked = rankQualifications(
      [
        { key: "b", compiled: far },
        { key: "a", compiled: far },
      ],
      account,
      "2026-06-30",
      { limit: 1 },
    );
    expect(ranked.map((r) => r.key)).toEqual(["a"]);
  });

  it("the progress-only audit gives the full audit's figures", () => {
    for (const compiled of [done, half, far]) {
      const full = auditCompiled(compiled, account, "2026-06-30");
      expect(auditProgress(compiled, account, "2026-06-30")).toEqual({
        ...full.progress,
        proven: full.allocation.proven,
      });
    }
  });
});
