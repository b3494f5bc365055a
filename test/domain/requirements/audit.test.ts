/**
 * The audit on the classic traps of credit allocation and on every construct of the language: what is
 * met, where each entry counts, what does not count and why, what to do next.
 */
import { describe, expect, it } from "vitest";
import {
  type AuditEntry,
  type AuditResult,
  audit,
  auditCompiled,
  compileRules,
  greedyAudit,
  type RequirementResult,
  type RequirementRules,
} from "../../../src/domain/requirements/index.ts";
import { context, entry, rules } from "./fixtures.ts";

function node(result: AuditResult, id: string): RequirementResult {
  const find = (list: readonly RequirementResult[]): RequirementResult | undefined => {
    for (const r of list) {
      if (r.id === id) return r;
      const inner = find(r.children ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  const found = find(result.requirements);
  if (!found) throw new Error(`no requirement ${id}`);
  return found;
}

const codes = (r: RequirementResult) => (r.entries ?? []).map((e) => e.unit?.code).sort();
const unused = (result: AuditResult) =>
  Object.fromEntries(result.unused.map((u) => [u.unit?.code ?? u.entryId, u.reason]));

function both(r: RequirementRules, entries: AuditEntry[], ctx = context()) {
  const compiled = compileRules(r, ctx);
  return { exact: auditCompiled(compiled, entries, ctx.date), greedy: greedyAudit(compiled, entries, ctx.date) };
}

describe("classic allocation traps", () => {
  it("an elective that is also a core unit counts for the core, and other electives fill the list", () => {
    const r = rules({
      requirements: [
        { id: "electives", title: "Electives", units: ["uni:CORE2", "uni:EL1", "uni:EL2"], minCredits: 10 },
        { id: "core", title: "Core", units: ["uni:CORE1", "uni:CORE2"], minCount: "all" },
      ],
    });
    const entries = [entry("uni:CORE1", 5), entry("uni:CORE2", 5), entry("uni:EL1", 5), entry("uni:EL2", 5)];
    const { exact, greedy } = both(r, entries);
    expect(exact.complete).toBe(true);
    expect(codes(node(exact, "core"))).toEqual(["CORE1", "CORE2"]);
    expect(codes(node(exact, "electives"))).toEqual(["EL1", "EL2"]);
    // The naive pass gives CORE2 to the first block listed that wants it and strands the core.
    expect(greedy.complete).toBe(false);
    expect(node(greedy, "core").met).toBe(false);
  });

  it("a unit that fits two pools goes where only it can help", () => {
    const r = rules({
      requirements: [
        { id: "wide", title: "Wide pool", units: ["uni:EL1", "uni:EL2"], minCredits: 5 },
        { id: "narrow", title: "Narrow pool", units: ["uni:EL1"], minCredits: 5 },
      ],
    });
    const entries = [
      entry("uni:EL1", 5, { effectiveOn: "2025-01-01" }),
      entry("uni:EL2", 5, { effectiveOn: "2025-02-01" }),
    ];
    const { exact, greedy } = both(r, entries);
    expect(exact.complete).toBe(true);
    expect(codes(node(exact, "narrow"))).toEqual(["EL1"]);
    expect(codes(node(exact, "wide"))).toEqual(["EL2"]);
    expect(greedy.progress.requirementsMet).toBe(1);
  });

  it("the last credits are only reachable by moving an entry out of a block that does not need it", () => {
    const r = rules({
      requirements: [
        { id: "a", title: "Block A", units: ["uni:EL1", "uni:EL2", "uni:EL3"], minCredits: 10 },
        { id: "b", title: "Block B", units: ["uni:EL3"], minCredits: 10 },
      ],
    });
    // EL3 (10) comes first; greedy puts it in A, which is then met, and B can never be.
    const entries = [
      entry("uni:EL3", 10, { effectiveOn: "2025-01-01" }),
      entry("uni:EL1", 5, { effectiveOn: "2025-02-01" }),
      entry("uni:EL2", 5, { effectiveOn: "2025-03-01" }),
    ];
    const { exact, greedy } = both(r, entries);
    expect(exact.complete).toBe(true);
    expect(codes(node(exact, "a"))).toEqual(["EL1", "EL2"]);
    expect(codes(node(exact, "b"))).toEqual(["EL3"]);
    expect(greedy.complete).toBe(false);
  });

  it("credits are not split: chunky units are packed so that the most blocks are met", () => {
    const r = rules({
      requirements: [
        { id: "x", units: ["uni:EL1", "uni:EL2", "uni:EL3"], minCredits: 10 },
        { id: "y", units: ["uni:EL1", "uni:EL2", "uni:EL3", "uni:EL4"], minCredits: 7.5 },
      ],
    });
    const entries = [entry("uni:EL3", 10), entry("uni:EL1", 5), entry("uni:EL2", 5), entry("uni:EL4", 2.5)];
    const result = audit(r, entries, context());
    expect(result.complete).toBe(true);
    expect(node(result, "x").credits).toBeGreaterThanOrEqual(10);
    expect(node(result, "y").credits).toBeGreaterThanOrEqual(7.5);
  });
});

describe("groups", () => {
  const tracks = rules({
    requirements: [
      {
        id: "tracks",
        title: "Two of three tracks",
        choose: 2,
        of: [
          { id: "t1", title: "Track 1", units: ["uni:EL1", "uni:EL2"], minCount: "all" },
          { id: "t2", title: "Track 2", units: ["uni:EL2", "uni:EL3"], minCredits: 10 },
          { id: "t3", title: "Track 3", units: ["uni:EL3", "uni:EL4"], minCredits: 10 },
        ],
      },
    ],
  });

  it("choose N of: meets N alternatives when the entries allow it, and says how many remain", () => {
    const met = audit(tracks, [entry("uni:EL1", 5), entry("uni:EL2", 5), entry("uni:EL3", 10)], context());
    expect(met.complete).toBe(true);
    expect(node(met, "tracks").progress).toEqual({ have: 2, need: 2, unit: "requirements" });

    const partial = audit(tracks, [entry("uni:EL1", 5), entry("uni:EL2", 5)], context());
    const group = node(partial, "tracks");
    expect(group.met).toBe(false);
    expect(group.progress).toEqual({ have: 1, need: 2, unit: "requirements" });
    expect(group.next?.sentence).toMatch(/Meet 1 more of/);
  });

  it("any: an unmet alternative of a met group is not needed and gets no next step", () => {
    const r = rules({
      requirements: [
        {
          id: "spec",
          any: [
            { id: "s1", units: ["uni:EL1"], minCount: "all" },
            { id: "s2", units: ["uni:EL3"], minCount: "all" },
          ],
        },
      ],
    });
    const result = audit(r, [entry("uni:EL1", 5)], context());
    expect(node(result, "spec").met).toBe(true);
    expect(node(result, "s2")).toMatchObject({ met: false, needed: false, next: null, status: "not-started" });
  });
});

describe("qualification-wide constraints", () => {
  it("residency: only so many credits from other providers count, the rest are reported with the limit", () => {
    const r = rules({
      requirements: [{ id: "any", title: "Any units", select: {}, minCredits: 10 }],
      residency: { maxCreditsOutside: 10 },
    });
    const entries = [entry("uni:EL1", 5), entry("mooc:M1", 5), entry("mooc:M2", 10)];
    const result = audit(r, entries, context());
    expect(result.progress.credits).toBe(15);
    const cap = result.constraints.find((c) => c.kind === "max-credits-outside");
    expect(cap).toMatchObject({ status: "limit-reached", have: 10, limit: 10, met: true });
    const left = result.unused.find((u) => u.reason === "limit-reached");
    expect(left?.sentence).toMatch(/limit of at most 10 ECTS credits from providers other than uni/);
  });

  it("the best units fill a residency cap when that meets more requirements", () => {
    const r = rules({
      requirements: [
        { id: "ict", title: "ICT", select: { minLevel: { framework: "eqf", level: "6" } }, minCredits: 10 },
      ],
      residency: { maxCreditsOutside: 10 },
    });
    // M1 (level 5) is earlier, but only M2 (level 6) helps the block; the cap leaves room for one of them.
    const entries = [
      entry("mooc:M1", 10, { level: "5", effectiveOn: "2025-01-01" }),
      entry("mooc:M2", 10, { effectiveOn: "2025-02-01" }),
    ];
    const { exact, greedy } = both(r, entries);
    expect(exact.complete).toBe(true);
    expect(codes(node(exact, "ict"))).toEqual(["M2"]);
    expect(greedy.complete).toBe(true);
  });

  it("minimum at the awarding body and maximum from recognition", () => {
    const r = rules({
      requirements: [{ id: "all", select: {}, minCredits: 0 }],
      residency: { minCreditsAtAwardingBody: 10, maxCreditsRecognised: 5 },
    });
    const entries = [
      entry("uni:EL1", 5),
      entry("uni:EL2", 5, { source: "recognised" }),
      entry("uni:EL3", 10, { source: "recognised" }),
    ];
    const result = audit(r, entries, context());
    const home = result.constraints.find((c) => c.kind === "min-credits-at-awarding-body");
    const recognised = result.constraints.find((c) => c.kind === "max-credits-recognised");
    expect(recognised).toMatchObject({ have: 5, limit: 5 });
    expect(home).toMatchObject({ met: true, have: 10 });
    expect(unused(result)).toEqual({ EL3: "limit-reached" });
  });

  it("recency: credits earned too long before the audit date, or past their validity, do not count", () => {
    const r = rules({ requirements: [{ id: "all", select: {} }], recency: { withinYears: 5, respectValidity: true } });
    const entries = [
      entry("uni:EL1", 5, { effectiveOn: "2020-06-29" }),
      entry("uni:EL2", 5, { effectiveOn: "2021-07-01" }),
      entry("uni:EL3", 10, { effectiveOn: "2024-01-01", validUntil: "2026-01-01" }),
      entry("uni:EL4", 2.5, { effectiveOn: "2026-07-01" }),
    ];
    const result = audit(r, entries, context({ date: "2026-06-30" }));
    expect(unused(result)).toEqual({ EL1: "too-old", EL3: "expired", EL4: "after-audit-date" });
    expect(result.unused.find((u) => u.reason === "too-old")?.sentence).toMatch(/count from 2021-06-30/);
  });

  it("level floors and caps: at or above a level, at most so much below one", () => {
    const r = rules({
      requirements: [{ id: "all", title: "All", select: {} }],
      minCreditsAtOrAbove: [{ level: { framework: "eqf", level: "6" }, credits: 10 }],
      maxCreditsBelow: [{ level: { framework: "eqf", level: "5" }, credits: 5 }],
    });
    const entries = [
      entry("uni:EL1", 5, { level: "4" }),
      entry("uni:EL2", 5, { level: "4" }),
      entry("uni:EL3", 10, { level: "6" }),
      entry("uni:EL4", 2.5, { level: null }),
    ];
    const result = audit(r, entries, context());
    const floor = result.constraints.find((c) => c.kind === "min-credits-at-or-above");
    const below = result.constraints.find((c) => c.kind === "max-credits-below");
    expect(floor).toMatchObject({ met: true, have: 10 });
    // Unlevelled credit cannot be shown to be at level 5, so it counts as below: of EL1, EL2 (level 4) and
    // EL4 (no level) only 5 credits count, and the most credits are had by counting one level-4 unit.
    expect(below).toMatchObject({ have: 5, limit: 5, status: "limit-reached" });
    expect(result.progress.credits).toBe(15);
    expect(result.unused.map((u) => u.reason)).toEqual(["limit-reached", "limit-reached"]);
  });

  it("minimum credits whose outcomes cover a dimension", () => {
    const r = rules({
      requirements: [{ id: "all", select: {} }],
      minCreditsByDimension: [{ dimension: "attitudes-values", credits: 10 }],
    });
    const result = audit(
      r,
      [entry("uni:EL1", 5, { dimensions: ["attitudes-values"] }), entry("uni:EL2", 5)],
      context(),
    );
    const dim = result.constraints.find((c) => c.kind === "min-credits-by-dimension");
    expect(dim).toMatchObject({ met: false, have: 5, limit: 10 });
    expect(dim?.next?.sentence).toBe("Earn 5 more ECTS credits from units whose outcomes cover attitudes and values.");
  });

  it("total credits", () => {
    const r = rules({ totalCredits: 20, requirements: [{ id: "all", select: {} }] });
    const result = audit(r, [entry("uni:EL1", 5), entry("uni:EL3", 10)], context());
    expect(result.complete).toBe(false);
    expect(result.constraints[0]?.next?.sentence).toBe("Earn 5 more ECTS credits in total (15 of 20 count so far).");
  });

  it("a capstone earned at the awarding body after enough other credit", () => {
    const r = rules({
      requirements: [
        { id: "modules", title: "Modules", select: {} },
        { id: "project", title: "Project", units: ["uni:CAP", "mooc:M2"], minCount: 1 },
      ],
      capstone: { block: "project", atAwardingBody: true, minCreditsBefore: 10 },
    });
    const early = audit(
      r,
      [entry("uni:CAP", 10, { effectiveOn: "2025-01-01" }), entry("uni:EL3", 10, { effectiveOn: "2025-06-01" })],
      context(),
    );
    const capstone = early.constraints.find((c) => c.kind === "capstone");
    expect(capstone?.met).toBe(false);
    expect(capstone?.next?.sentence).toBe(
      "Complete the capstone in 'Project', earned at uni and after at least 10 other counted ECTS credits.",
    );
    expect(early.complete).toBe(false);

    const late = audit(
      r,
      [entry("uni:CAP", 10, { effectiveOn: "2025-09-01" }), entry("uni:EL3", 10, { effectiveOn: "2025-06-01" })],
      context(),
    );
    expect(late.constraints.find((c) => c.kind === "capstone")).toMatchObject({ met: true });
    expect(late.complete).toBe(true);

    // A project from another provider is in the block but cannot be the capstone.
    const elsewhere = audit(
      r,
      [entry("mooc:M2", 10, { effectiveOn: "2025-09-01" }), entry("uni:EL3", 10, { effectiveOn: "2025-06-01" })],
      context(),
    );
    expect(node(elsewhere, "project").met).toBe(true);
    expect(elsewhere.constraints.find((c) => c.kind === "capstone")?.met).toBe(false);
  });

  it("a general limit over a query", () => {
    const r = rules({
      requirements: [{ id: "all", select: {} }],
      limits: [{ id: "moocs", title: "At most 5 credits from MOOCs", maxCredits: 5, where: { providers: ["mooc"] } }],
    });
    const result = audit(r, [entry("mooc:M1", 5), entry("mooc:M2", 10), entry("uni:EL1", 5)], context());
    expect(result.constraints[0]).toMatchObject({ id: "moocs", have: 5, status: "limit-reached" });
    expect(result.progress.credits).toBe(10);
  });
});

describe("double counting", () => {
  const overlay = (shared: boolean) =>
    rules({
      requirements: [
        { id: "major", units: ["uni:EL1", "uni:EL2"], minCredits: 10 },
        {
          id: "writing",
          title: "Writing-intensive",
          units: ["uni:EL1"],
          minCount: 1,
          ...(shared ? { shared: true } : {}),
        },
      ],
    });

  it("by default one entry counts in one block", () => {
    const result = audit(overlay(false), [entry("uni:EL1", 5), entry("uni:EL2", 5)], context());
    expect(result.progress.requirementsMet).toBe(1);
  });

  it("a shared block may take entries that also count elsewhere; credits count once", () => {
    const result = audit(overlay(true), [entry("uni:EL1", 5), entry("uni:EL2", 5)], context());
    expect(result.complete).toBe(true);
    expect(result.progress.credits).toBe(10);
    expect(node(result, "major").entries?.find((e) => e.unit?.code === "EL1")?.alsoCountsIn).toEqual(["writing"]);
  });

  it("allowDoubleCounting lets every block take every entry it accepts", () => {
    const r = { ...overlay(false), allowDoubleCounting: true };
    expect(audit(r, [entry("uni:EL1", 5), entry("uni:EL2", 5)], context()).complete).toBe(true);
  });
});

describe("credit systems and frameworks", () => {
  it("converts credits through notional hours and shows the conversion", () => {
    const r = rules({ requirements: [{ id: "all", title: "All", select: {}, minCredits: 5 }] });
    const result = audit(r, [entry("uni:EL1", 15, { creditSystem: "uk-cats" })], context());
    const applied = node(result, "all").entries?.[0];
    // 15 CATS × 10 h = 150 h; 150 h ÷ 27.5 h = 5.455 → 5 (rounded down).
    expect(applied).toMatchObject({ credits: 5, original: { credits: 15, creditSystem: "uk-cats" } });
    expect(applied?.conversion).toMatch(
      /15 UK-CATS credits × 10 h = 150 h; 150 h ÷ 27.5 h per ECTS credit = 5.455 → 5/,
    );
  });

  it("uses the rule set's own rate and rounding when it gives one", () => {
    const r = rules({
      requirements: [{ id: "all", select: {} }],
      conversion: { rounding: "half-up-to-0.5", rates: [{ from: "uk-cats", rate: 0.5 }] },
    });
    const result = audit(r, [entry("uni:EL1", 15, { creditSystem: "uk-cats" })], context());
    const applied = node(result, "all").entries?.[0];
    expect(applied?.credits).toBe(7.5);
    expect(applied?.conversion).toMatch(/15 UK-CATS credits × 0.5 \(the qualification's rate\) = 7.5 ECTS credits/);
  });

  it("credit in an unknown system does not count, and says why", () => {
    const r = rules({ requirements: [{ id: "all", select: {} }] });
    const result = audit(r, [entry("uni:EL1", 5, { creditSystem: "zz-points" })], context());
    expect(result.unused[0]).toMatchObject({ reason: "unknown-credit-system" });
  });

  it("references levels of another framework into the rules' framework", () => {
    const r = rules({
      requirements: [{ id: "adv", select: { minLevel: { framework: "eqf", level: "6" } }, minCredits: 5 }],
    });
    const result = audit(r, [entry("uni:EL1", 5, { level: { framework: "nfq", level: "8" } })], context());
    expect(result.complete).toBe(true);
    expect(node(result, "adv").entries?.[0]?.levelReferencing).toBe("NFQ level 8 → EQF level 6");
    const below = audit(r, [entry("uni:EL1", 5, { level: { framework: "nfq", level: "6" } })], context());
    expect(below.unused[0]?.reason).toBe("no-matching-requirement");
  });
});

describe("entries that do not count", () => {
  it("repeats, revoked deposits, reversals, grade floors, and units no requirement accepts", () => {
    const r = rules({
      requirements: [
        {
          id: "merit",
          title: "Merit units",
          units: ["uni:EL1", "uni:EL2"],
          minCount: 1,
          minResult: "passed-with-merit",
        },
        { id: "graded", title: "Graded", units: ["uni:EL3"], minGrade: { grade: "B", scale: ["A", "B", "C"] } },
      ],
    });
    const entries: AuditEntry[] = [
      entry("uni:EL1", 5, { id: "1", result: "passed" }),
      entry("uni:EL2", 5, { id: "2", result: "passed-with-merit", effectiveOn: "2025-01-01" }),
      entry("uni:EL2", 5, { id: "3", result: "passed-with-distinction", effectiveOn: "2025-02-01" }),
      entry("uni:EL3", 10, { id: "4", grade: "C" }),
      entry("uni:EL4", 2.5, { id: "5", status: "revoked" }),
      entry("uni:CORE1", 5, { id: "6" }),
      entry("uni:CORE2", 5, { id: "7" }),
      { ...entry("uni:CORE2", -5, { id: "8" }), type: "reversal", reversesEntryId: "7" },
    ];
    const result = audit(r, entries, context());
    const reasons = Object.fromEntries(result.unused.map((u) => [u.entryId, u.reason]));
    expect(reasons).toEqual({
      "1": "below-grade-floor",
      "2": "repeat",
      "4": "below-grade-floor",
      "5": "not-active",
      "6": "no-matching-requirement",
      "7": "not-active",
    });
    expect(result.unused.find((u) => u.entryId === "2")?.sentence).toBe(
      "Not counted: a repeat of uni:EL2; entry 3 counts instead.",
    );
    expect(result.unused.find((u) => u.entryId === "4")?.sentence).toMatch(/grade C is below the B 'Graded' asks for/);
    expect(node(result, "merit").entries?.map((e) => e.entryId)).toEqual(["3"]);
  });
});

describe("explanations and suggestions", () => {
  it("an unmet block says what to do and which catalogue units would close it, never ones already held", () => {
    const r = rules({
      requirements: [
        { id: "core", title: "Core", units: ["uni:CORE1", "uni:CORE2"], minCount: "all" },
        { id: "el", title: "Electives", units: ["uni:EL1", "uni:EL2", "uni:EL3", "uni:EL4"], minCredits: 10 },
      ],
    });
    const result = audit(r, [entry("uni:CORE1", 5), entry("uni:EL1", 5)], context());
    const core = node(result, "core");
    expect(core.status).toBe("in-progress");
    expect(core.progress).toEqual({ have: 1, need: 2, unit: "units" });
    expect(core.next?.sentence).toBe("Complete CORE2 CORE2 title in 'Core'.");
    expect(core.next?.units.map((u) => u.code)).toEqual(["CORE2"]);

    const el = node(result, "el");
    expect(el.progress).toEqual({ have: 5, need: 10, unit: "credits" });
    expect(el.next?.sentence).toMatch(
      /^Earn 5 more ECTS credits from .* in 'Electives'\. For example, EL2 EL2 title \(5 ECTS\) would complete it\.$/,
    );
    expect(el.next?.units.map((u) => u.code)).toEqual(["EL2", "EL3", "EL4"]);
    expect(el.next?.units.find((u) => u.code === "EL1")).toBeUndefined();
    expect(result.summary).toBe(
      "0 of 2 requirements met; 10 ECTS credits count. Next: Complete CORE2 CORE2 title in 'Core'.",
    );
  });

  it("a query block's suggestions come from the catalogue units the query selects", () => {
    const r = rules({
      requirements: [{ id: "moocs", title: "MOOCs", select: { providers: ["mooc"] }, minCredits: 10 }],
    });
    const result = audit(r, [], context());
    expect(result.status).toBe("not-started");
    expect(node(result, "moocs").next?.units.map((u) => u.code)).toEqual(["M2", "M1"]);
    expect(node(result, "moocs").next?.units[0]?.closesAlone).toBe(true);
  });

  it("a complete account says so", () => {
    const r = rules({ totalCredits: 5, requirements: [{ id: "all", select: {} }] });
    const result = audit(r, [entry("uni:EL1", 5)], context());
    expect(result).toMatchObject({ complete: true, status: "complete" });
    expect(result.summary).toBe("Every requirement is met; 5 of 5 ECTS credits count.");
    expect(result.progress.closeness).toBe(1);
  });

  it("moves surplus credit out of met blocks to show progress where it can be used", () => {
    const r = rules({
      requirements: [
        { id: "first", units: ["uni:EL1", "uni:EL2", "uni:EL3"], minCredits: 5 },
        { id: "second", units: ["uni:EL2", "uni:EL3", "uni:CORE1"], minCredits: 20 },
      ],
    });
    const result = audit(r, [entry("uni:EL1", 5), entry("uni:EL2", 5), entry("uni:EL3", 10)], context());
    expect(node(result, "first")).toMatchObject({ met: true, credits: 5 });
    expect(node(result, "second")).toMatchObject({ met: false, credits: 15, status: "in-progress" });
  });
});

describe("search budget", () => {
  it("reports an allocation it could not prove optimal as not proven, never an invalid one", () => {
    const r = rules({
      requirements: Array.from({ length: 8 }, (_, i) => ({
        id: `b${i}`,
        units: ["uni:EL1", "uni:EL2", "uni:EL3", "uni:EL4", "uni:CORE1", "uni:CORE2"].slice(i % 3, (i % 3) + 4),
        minCredits: 10,
      })),
    });
    const entries = [
      entry("uni:EL1", 5),
      entry("uni:EL2", 5),
      entry("uni:EL3", 10),
      entry("uni:EL4", 2.5),
      entry("uni:CORE1", 5),
      entry("uni:CORE2", 5),
    ];
    const compiled = compileRules(r, context());
    const tiny = auditCompiled(compiled, entries, "2026-06-30", { maxSearchNodes: 1 });
    const full = auditCompiled(compiled, entries, "2026-06-30");
    expect(full.allocation.proven).toBe(true);
    const rank = (x: AuditResult): [number, number, number] => [
      Number(x.complete),
      x.progress.requirementsMet,
      x.progress.credits,
    ];
    const [a, b] = [rank(tiny), rank(full)];
    expect(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] <= b[2])))).toBe(true);
    // Claiming a proof is only allowed for the optimum.
    if (tiny.allocation.proven) expect(a).toEqual(b);
  });
});
