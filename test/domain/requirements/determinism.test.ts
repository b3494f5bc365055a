/**
 * Same input, same output: the audit of an account does not depend on the order of its entries, on
 * running it twice, or on memo tables filled by earlier audits of other accounts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AuditEntry, auditCompiled, compileRules } from "../../../src/domain/requirements/index.ts";
import { context, entry, rules } from "./fixtures.ts";

const r = rules({
  totalCredits: 30,
  requirements: [
    { id: "core", units: ["uni:CORE1", "uni:CORE2"], minCount: "all" },
    { id: "a", units: ["uni:CORE2", "uni:EL1", "uni:EL2", "uni:EL3"], minCredits: 10 },
    { id: "b", units: ["uni:EL1", "uni:EL2", "uni:EL4", "mooc:M2"], minCredits: 10 },
    { id: "free", select: {}, minCredits: 5 },
  ],
  residency: { maxCreditsOutside: 5 },
});

const account: AuditEntry[] = [
  entry("uni:CORE1", 5, { id: "1", effectiveOn: "2024-01-01" }),
  entry("uni:CORE2", 5, { id: "2", effectiveOn: "2024-01-01" }),
  entry("uni:EL1", 5, { id: "3", effectiveOn: "2024-03-01" }),
  entry("uni:EL2", 5, { id: "4", effectiveOn: "2024-03-01" }),
  entry("uni:EL3", 10, { id: "5", effectiveOn: "2024-05-01" }),
  entry("uni:EL4", 2.5, { id: "6", effectiveOn: "2024-05-01" }),
  entry("mooc:M2", 10, { id: "7", effectiveOn: "2024-06-01" }),
  entry("mooc:M1", 5, { id: "8", effectiveOn: "2024-06-01", level: "5" }),
];

describe("determinism", () => {
  const compiled = compileRules(r, context());
  const reference = JSON.stringify(auditCompiled(compiled, account, "2026-06-30"));

  it("the same input gives an identical result, also after other audits", () => {
    expect(JSON.stringify(auditCompiled(compiled, account, "2026-06-30"))).toBe(reference);
    auditCompiled(compiled, account.slice(0, 3), "2026-06-30");
    expect(JSON.stringify(auditCompiled(compileRules(r, context()), account, "2026-06-30"))).toBe(reference);
    expect(JSON.stringify(auditCompiled(compiled, account, "2026-06-30"))).toBe(reference);
  });

  it("shuffled entries give the same allocation and the same explanation", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(account, { minLength: account.length, maxLength: account.length }),
        (shuffled) => {
          expect(JSON.stringify(auditCompiled(compiled, shuffled, "2026-06-30"))).toBe(reference);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("ties between equally good allocations are broken the same way every time", () => {
    // EL1 and EL2 are interchangeable for both lists: the result still names the same ones.
    const result = JSON.parse(reference) as { requirements: { id: string; entries?: { entryId: string }[] }[] };
    const a = result.requirements.find((x) => x.id === "a")?.entries?.map((e) => e.entryId);
    const b = result.requirements.find((x) => x.id === "b")?.entries?.map((e) => e.entryId);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(new Set([...(a ?? []), ...(b ?? [])]).size).toBe((a?.length ?? 0) + (b?.length ?? 0));
  });

  it("refuses two entries with one id, whatever their order", () => {
    const twice = [...account, { ...(account[0] as AuditEntry) }];
    expect(() => auditCompiled(compiled, twice, "2026-06-30")).toThrow(/appears twice/);
  });
});
