/**
 * The exact audit against brute force. Small random rule sets (blocks naming units or selecting by
 * provider or level, minimums and maximums, shared blocks, groups, residency and level caps, level floors,
 * totals, a capstone, double counting) and small accounts; the brute force tries every way of applying
 * every entry to the blocks it is eligible for, with its own evaluator written from the rules' definition
 * in docs/requirements.md, and keeps the best (everything met, then requirements met, then credits). The
 * audit must reach exactly that optimum, and the allocation it reports must be valid and worth what it says.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AuditEntry,
  type AuditResult,
  auditCompiled,
  compileRules,
  greedyAudit,
  type RequirementResult,
  type RequirementRules,
  validateRules,
} from "../../../src/domain/requirements/index.ts";
import type { CreditSystem, Framework } from "../../../src/domain/schema/catalogue.ts";

const eqf: Framework = {
  id: "eqf",
  name: "EQF",
  levels: Array.from({ length: 8 }, (_, i) => ({ code: String(i + 1), ordinal: i + 1 })),
};
const ects: CreditSystem = { id: "ects", name: "ECTS", hoursPerCredit: { min: 25, max: 30 } };
const context = {
  frameworks: new Map([["eqf", eqf]]),
  creditSystems: new Map([["ects", ects]]),
  awardingBody: "home",
};

interface UnitFact {
  key: string;
  provider: "home" | "ext";
  code: string;
  level: number;
  credits: number;
}

const UNIVERSE: UnitFact[] = [
  { key: "home:A", provider: "home", code: "A", level: 5, credits: 5 },
  { key: "home:B", provider: "home", code: "B", level: 6, credits: 5 },
  { key: "home:C", provider: "home", code: "C", level: 6, credits: 10 },
  { key: "home:D", provider: "home", code: "D", level: 4, credits: 2.5 },
  { key: "ext:E", provider: "ext", code: "E", level: 6, credits: 5 },
  { key: "ext:F", provider: "ext", code: "F", level: 7, credits: 7.5 },
  { key: "ext:G", provider: "ext", code: "G", level: 4, credits: 5 },
];

type Selection = { units: string[] } | { query: "home" | "level6" | "any" };

interface BlockSpec {
  id: string;
  selection: Selection;
  minCredits?: number;
  maxCredits?: number;
  minCount?: number | "all";
  maxCount?: number;
  shared: boolean;
}

interface Scenario {
  blocks: BlockSpec[];
  /** Indices of blocks grouped under one group (the rest stay at the top), and the group's form. */
  group: { members: number[]; form: "all" | "any" | "choose"; choose: number } | null;
  totalCredits?: number;
  maxOutside?: number;
  maxBelow5?: number;
  minAtOrAbove6?: number;
  capstone: { block: number; before: number } | null;
  doubleCounting: boolean;
  entries: { unit: number; day: number }[];
}

const blockArb = (i: number): fc.Arbitrary<BlockSpec> =>
  fc
    .record({
      selection: fc.oneof(
        fc
          .uniqueArray(fc.integer({ min: 0, max: UNIVERSE.length - 1 }), { minLength: 1, maxLength: 4 })
          .map((xs) => ({ units: xs.map((x) => (UNIVERSE[x] as UnitFact).key) }) as Selection),
        fc.constantFrom<Selection>({ query: "home" }, { query: "level6" }, { query: "any" }),
      ),
      minCredits: fc.option(fc.constantFrom(5, 10, 15), { nil: undefined }),
      maxExtra: fc.option(fc.constantFrom(0, 5), { nil: undefined }),
      minCount: fc.option(fc.constantFrom<number | "all">(1, 2, "all"), { nil: undefined }),
      maxCount: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
      shared: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
    })
    .map((r) => {
      const block: BlockSpec = { id: `b${i}`, selection: r.selection, shared: r.shared };
      if (r.minCredits !== undefined) block.minCredits = r.minCredits;
      if (r.maxExtra !== undefined) block.maxCredits = (r.minCredits ?? 5) + r.maxExtra;
      if (r.minCount !== undefined && !(r.minCount === "all" && !("units" in r.selection))) block.minCount = r.minCount;
      if (r.maxCount !== undefined) {
        const min =
          block.minCount === "all" ? ("units" in r.selection ? r.selection.units.length : 0) : (block.minCount ?? 0);
        block.maxCount = Math.max(r.maxCount, min);
      }
      return block;
    });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: 4 })
  .chain((nb) =>
    fc.record({
      blocks: fc.tuple(...Array.from({ length: nb }, (_, i) => blockArb(i))),
      group: fc.option(
        fc.record({
          size: fc.integer({ min: 2, max: Math.max(2, nb) }),
          form: fc.constantFrom<"all" | "any" | "choose">("all", "any", "choose"),
          choose: fc.integer({ min: 1, max: 3 }),
        }),
        { nil: null },
      ),
      totalCredits: fc.option(fc.constantFrom(10, 20, 25), { nil: undefined }),
      maxOutside: fc.option(fc.constantFrom(5, 10), { nil: undefined }),
      maxBelow5: fc.option(fc.constantFrom(0, 5), { nil: undefined }),
      minAtOrAbove6: fc.option(fc.constantFrom(5, 10), { nil: undefined }),
      capstone: fc.option(
        fc.record({ block: fc.integer({ min: 0, max: nb - 1 }), before: fc.constantFrom(0, 5, 10) }),
        {
          nil: null,
        },
      ),
      doubleCounting: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
      entries: fc.uniqueArray(
        fc.record({ unit: fc.integer({ min: 0, max: UNIVERSE.length - 1 }), day: fc.integer({ min: 1, max: 4 }) }),
        { minLength: 1, maxLength: 5, selector: (e) => e.unit },
      ),
    }),
  )
  .map((r) => {
    const nb = r.blocks.length;
    let group: Scenario["group"] = null;
    if (r.group && nb >= 2) {
      const size = Math.min(r.group.size, nb);
      group = {
        members: Array.from({ length: size }, (_, i) => i),
        form: r.group.form,
        choose: Math.min(r.group.choose, size),
      };
    }
    return { ...r, blocks: [...r.blocks], group } as Scenario;
  });

function rulesOf(s: Scenario): RequirementRules {
  const blockJson = (b: BlockSpec) => {
    const out: Record<string, unknown> = { id: b.id };
    if ("units" in b.selection) out.units = b.selection.units;
    else if (b.selection.query === "home") out.select = { atAwardingBody: true };
    else if (b.selection.query === "level6") out.select = { minLevel: { framework: "eqf", level: "6" } };
    else out.select = {};
    for (const k of ["minCredits", "maxCredits", "minCount", "maxCount"] as const)
      if (b[k] !== undefined) out[k] = b[k];
    if (b.shared) out.shared = true;
    return out;
  };
  const requirements: unknown[] = [];
  const grouped = new Set(s.group?.members ?? []);
  if (s.group) {
    const kids = s.group.members.map((i) => blockJson(s.blocks[i] as BlockSpec));
    requirements.push(
      s.group.form === "choose" ? { id: "g", choose: s.group.choose, of: kids } : { id: "g", [s.group.form]: kids },
    );
  }
  s.blocks.forEach((b, i) => {
    if (!grouped.has(i)) requirements.push(blockJson(b));
  });
  const rules: Record<string, unknown> = { version: 1, creditSystem: "ects", requirements };
  if (s.totalCredits !== undefined) rules.totalCredits = s.totalCredits;
  if (s.maxOutside !== undefined) rules.residency = { maxCreditsOutside: s.maxOutside };
  if (s.maxBelow5 !== undefined)
    rules.maxCreditsBelow = [{ level: { framework: "eqf", level: "5" }, credits: s.maxBelow5 }];
  if (s.minAtOrAbove6 !== undefined)
    rules.minCreditsAtOrAbove = [{ level: { framework: "eqf", level: "6" }, credits: s.minAtOrAbove6 }];
  if (s.capstone)
    rules.capstone = { block: `b${s.capstone.block}`, atAwardingBody: true, minCreditsBefore: s.capstone.before };
  if (s.doubleCounting) rules.allowDoubleCounting = true;
  return rules as unknown as RequirementRules;
}

function entriesOf(s: Scenario): AuditEntry[] {
  return s.entries.map((x, i) => {
    const u = UNIVERSE[x.unit] as UnitFact;
    return {
      id: String(i + 1),
      source: "earned",
      effectiveOn: `2025-01-0${x.day}`,
      credits: u.credits,
      creditSystem: "ects",
      level: { framework: "eqf", level: String(u.level) },
      providerId: u.provider,
      unit: { code: u.code },
      dimensions: [],
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The brute force and its own evaluator

interface Value {
  complete: boolean;
  satisfied: number;
  credits: number;
}

function better(a: Value, b: Value): boolean {
  if (a.complete !== b.complete) return a.complete;
  if (a.satisfied !== b.satisfied) return a.satisfied > b.satisfied;
  return a.credits > b.credits + 1e-9;
}

function eligible(b: BlockSpec, u: UnitFact): boolean {
  if ("units" in b.selection) return b.selection.units.includes(u.key);
  if (b.selection.query === "home") return u.provider === "home";
  if (b.selection.query === "level6") return u.level >= 6;
  return true;
}

/** The value of applying entry i to the blocks in sets[i], or null when a maximum is broken. */
function evaluate(s: Scenario, sets: number[][]): Value | null {
  const units = s.entries.map((x) => UNIVERSE[x.unit] as UnitFact);
  const counted = sets.map((set) => set.length > 0);
  const exclusive = (b: BlockSpec) => !s.doubleCounting && !b.shared;
  for (const set of sets) if (set.filter((j) => exclusive(s.blocks[j] as BlockSpec)).length > 1) return null;
  const sumCounted = (pred: (u: UnitFact) => boolean) =>
    units.reduce((acc, u, i) => acc + (counted[i] && pred(u) ? u.credits : 0), 0);
  if (s.maxOutside !== undefined && sumCounted((u) => u.provider !== "home") > s.maxOutside) return null;
  if (s.maxBelow5 !== undefined && sumCounted((u) => u.level < 5) > s.maxBelow5) return null;
  const blockMet: boolean[] = [];
  for (let j = 0; j < s.blocks.length; j++) {
    const b = s.blocks[j] as BlockSpec;
    const inBlock = units.filter((_, i) => (sets[i] as number[]).includes(j));
    const credits = inBlock.reduce((acc, u) => acc + u.credits, 0);
    if (b.maxCredits !== undefined && credits > b.maxCredits) return null;
    if (b.maxCount !== undefined && inBlock.length > b.maxCount) return null;
    let met = credits >= (b.minCredits ?? 0);
    if (b.minCount === "all" && "units" in b.selection)
      met &&= b.selection.units.every((k) => inBlock.some((u) => u.key === k));
    else if (typeof b.minCount === "number") met &&= inBlock.length >= b.minCount;
    blockMet.push(met);
  }
  let satisfied = blockMet.filter(Boolean).length;
  const grouped = new Set(s.group?.members ?? []);
  let topMet = s.blocks.every((_, j) => grouped.has(j) || blockMet[j]);
  if (s.group) {
    const k = s.group.members.filter((j) => blockMet[j]).length;
    const need = s.group.form === "all" ? s.group.members.length : s.group.form === "any" ? 1 : s.group.choose;
    const met = k >= need;
    if (met) satisfied++;
    topMet &&= met;
  }
  let wideMet = true;
  const credits = sumCounted(() => true);
  const mins: boolean[] = [];
  if (s.totalCredits !== undefined) mins.push(credits >= s.totalCredits);
  if (s.minAtOrAbove6 !== undefined) mins.push(sumCounted((u) => u.level >= 6) >= s.minAtOrAbove6);
  for (const m of mins) {
    if (m) satisfied++;
    else wideMet = false;
  }
  if (s.capstone) {
    const cap = s.capstone;
    const ok = units.some((u, i) => {
      if (!(sets[i] as number[]).includes(cap.block) || u.provider !== "home") return false;
      const day = (s.entries[i] as { day: number }).day;
      const before = units.reduce(
        (acc, v, f) => acc + (f !== i && counted[f] && (s.entries[f] as { day: number }).day <= day ? v.credits : 0),
        0,
      );
      return before >= cap.before;
    });
    if (ok) satisfied++;
    else wideMet = false;
  }
  return { complete: topMet && wideMet, satisfied, credits };
}

function bruteForce(s: Scenario): Value {
  const units = s.entries.map((x) => UNIVERSE[x.unit] as UnitFact);
  const options = units.map((u) => {
    const elig = s.blocks.map((b, j) => (eligible(b, u) ? j : -1)).filter((j) => j >= 0);
    const subsets: number[][] = [];
    for (let mask = 0; mask < 1 << elig.length; mask++) subsets.push(elig.filter((_, i) => mask & (1 << i)));
    return subsets;
  });
  let best: Value = { complete: false, satisfied: -1, credits: -1 };
  const sets: number[][] = [];
  const walk = (i: number) => {
    if (i === units.length) {
      const v = evaluate(s, sets);
      if (v && better(v, best)) best = v;
      return;
    }
    for (const option of options[i] as number[][]) {
      sets[i] = option;
      walk(i + 1);
    }
  };
  walk(0);
  return best;
}

/** The allocation an audit result reports, as block sets per entry (entries by their position). */
function reportedSets(s: Scenario, result: AuditResult): number[][] {
  const sets: number[][] = s.entries.map(() => []);
  const visit = (r: RequirementResult) => {
    if (r.kind === "block") {
      const j = Number(r.id.slice(1));
      for (const a of r.entries ?? []) (sets[Number(a.entryId) - 1] as number[]).push(j);
    }
    for (const c of r.children ?? []) visit(c);
  };
  for (const r of result.requirements) visit(r);
  return sets.map((set) => set.sort((a, b) => a - b));
}

describe("exact allocation equals brute force", () => {
  it("reaches the brute-force optimum (met, then requirements, then credits) and reports a valid allocation", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const rules = rulesOf(s);
        fc.pre(validateRules(rules, context).every((f) => f.severity !== "error"));
        const compiled = compileRules(rules, context);
        const result = auditCompiled(compiled, entriesOf(s), "2026-01-01");
        const best = bruteForce(s);
        expect(result.allocation.proven).toBe(true);
        expect({
          complete: result.progress.complete,
          satisfied: result.progress.requirementsMet,
          credits: result.progress.credits,
        }).toEqual(best);
        const own = evaluate(s, reportedSets(s, result));
        expect(own).toEqual(best);
        // The greedy audit is never better than the optimum.
        const greedy = greedyAudit(compiled, entriesOf(s), "2026-01-01").progress;
        expect(
          better({ complete: greedy.complete, satisfied: greedy.requirementsMet, credits: greedy.credits }, best),
        ).toBe(false);
      }),
      { numRuns: 400, seed: 20260630 },
    );
  });

  it("keeps finding the optimum with random seeds", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const rules = rulesOf(s);
        fc.pre(validateRules(rules, context).every((f) => f.severity !== "error"));
        const result = auditCompiled(compileRules(rules, context), entriesOf(s), "2026-01-01");
        const best = bruteForce(s);
        expect([result.progress.complete, result.progress.requirementsMet, result.progress.credits]).toEqual([
          best.complete,
          best.satisfied,
          best.credits,
        ]);
      }),
      { numRuns: 300 },
    );
  });
});
