/**
 * The audit: an account against a qualification's rules, allocated exactly and explained.
 *
 *   audit(rules, entries, context)              one-off (compiles, then audits)
 *   compileRules(rules, context) once, then
 *   auditCompiled(compiled, entries, date)       the full, explained result
 *   auditProgress(compiled, entries, date)       the figures only (mass re-audits)
 *   greedyAudit(compiled, entries, date)         the naive allocation, for comparison
 *   rankQualifications(candidates, entries, date) what-if: which qualifications is an account closest to
 */
import { type AuditContext, type CompiledRules, compileRules } from "./compile.ts";
import type { AuditEntry } from "./entries.ts";
import { type AuditProgress, type AuditResult, explain, progressOf } from "./explain.ts";
import { type PreparedAudit, prepareAudit } from "./problem.ts";
import {
  type AllocationProblem,
  compareObjectives,
  type Evaluation,
  evaluateAllocation,
  greedyAllocation,
  solveExact,
} from "./solver.ts";

export interface AuditOptions {
  /** The exact search's node budget (default 200,000); past it the best allocation found is returned, not proven. */
  maxSearchNodes?: number;
  /** Catalogue units suggested per unmet requirement (default 5). */
  maxSuggestions?: number;
}

/** Compiles the rules and audits the entries on context.date. Throws InvalidRulesError for invalid rules. */
export function audit(
  rules: Parameters<typeof compileRules>[0],
  entries: readonly AuditEntry[],
  context: AuditContext,
  options: AuditOptions = {},
): AuditResult {
  return auditCompiled(compileRules(rules, context), entries, context.date, options);
}

/** The exact, explained audit of an account's entries on a date (YYYY-MM-DD). */
export function auditCompiled(
  compiled: CompiledRules,
  entries: readonly AuditEntry[],
  date: string,
  options: AuditOptions = {},
): AuditResult {
  const prepared = prepareAudit(compiled, entries, date);
  const solved = solveExact(prepared.problem, { maxNodes: options.maxSearchNodes });
  const { choice, evaluation } = spreadSurplus(prepared.problem, solved.choice, compiled.capstone?.block ?? -1);
  return explain(
    compiled,
    prepared,
    choice,
    evaluation,
    { method: "exact", proven: solved.proven, searchNodes: solved.searchNodes },
    options,
  );
}

/** The naive greedy audit (entries by date, each to the first block in the rules' order that still needs it). */
export function greedyAudit(
  compiled: CompiledRules,
  entries: readonly AuditEntry[],
  date: string,
  options: AuditOptions = {},
): AuditResult {
  const prepared = prepareAudit(compiled, entries, date);
  const allocation = greedyAllocation(prepared.problem);
  const evaluation = evaluateAllocation(prepared.problem, allocation.choice);
  return explain(
    compiled,
    prepared,
    allocation.choice,
    evaluation,
    { method: "greedy", proven: false, searchNodes: 0 },
    options,
  );
}

export interface ProgressResult extends AuditProgress {
  proven: boolean;
}

/** The exact audit's figures without the explanation: for what-if rankings and re-auditing many accounts. */
export function auditProgress(
  compiled: CompiledRules,
  entries: readonly AuditEntry[],
  date: string,
  options: Pick<AuditOptions, "maxSearchNodes"> = {},
): ProgressResult {
  const prepared: PreparedAudit = prepareAudit(compiled, entries, date);
  const solved = solveExact(prepared.problem, { maxNodes: options.maxSearchNodes });
  return { ...progressOf(compiled, evaluateAllocation(prepared.problem, solved.choice)), proven: solved.proven };
}

export interface RankCandidate {
  /** The caller's key, e.g. 'awardingBody:CODE@version'. */
  key: string;
  compiled: CompiledRules;
}

export interface RankedQualification extends ProgressResult {
  key: string;
  /** Credits still to count toward totalCredits (0 without one). */
  remainingCredits: number;
}

/**
 * What-if: one account against many qualifications, closest first: complete ones, then by closeness
 * (see AuditProgress), then by fewest credits to go, then by key.
 */
export function rankQualifications(
  candidates: readonly RankCandidate[],
  entries: readonly AuditEntry[],
  date: string,
  options: Pick<AuditOptions, "maxSearchNodes"> & { limit?: number } = {},
): RankedQualification[] {
  const ranked = candidates.map(({ key, compiled }) => {
    const progress = auditProgress(compiled, entries, date, options);
    const remaining = progress.requiredCredits === null ? 0 : Math.max(0, progress.requiredCredits - progress.credits);
    return { key, ...progress, remainingCredits: Number(remaining.toFixed(3)) };
  });
  ranked.sort(
    (a, b) =>
      Number(b.complete) - Number(a.complete) ||
      b.closeness - a.closeness ||
      a.remainingCredits - b.remainingCredits ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}

/**
 * Moves entries a met block does not need into unmet blocks that accept them, so that partial progress
 * shows where the learner can use it. The set of counted entries and every met requirement stay as they
 * are, so the objective cannot get worse. Deterministic: entries and placements in their fixed order.
 * Returns the new choice and its evaluation.
 */
export function spreadSurplus(
  p: AllocationProblem,
  choice: readonly number[],
  capstoneBlock: number,
): { choice: number[]; evaluation: Evaluation } {
  const before = evaluateAllocation(p, choice);
  const out = [...choice];
  const credits = [...before.blockCredits];
  const count = [...before.blockCount];
  let moved = false;
  for (let e = 0; e < p.credits.length; e++) {
    const placements = p.placements[e] ?? [];
    const current = placements[out[e] as number] ?? [];
    let exclusive = -1;
    for (const j of current) if (p.blocks[j]?.exclusive) exclusive = j;
    if (exclusive < 0 || exclusive === capstoneBlock || p.requiredIn[e]?.includes(exclusive)) continue;
    const b = p.blocks[exclusive] as AllocationProblem["blocks"][number];
    if (!before.blockMet[exclusive]) continue;
    const c = p.credits[e] as number;
    if ((credits[exclusive] as number) - c < b.minCredits || (count[exclusive] as number) - 1 < b.minCount) continue;
    for (let pi = 0; pi < placements.length; pi++) {
      const placement = placements[pi] as readonly number[];
      let k = -1;
      for (const j of placement) if (p.blocks[j]?.exclusive) k = j;
      if (k < 0 || k === exclusive || before.blockMet[k]) continue;
      if (!sameShared(placement, k, current, exclusive)) continue;
      const target = p.blocks[k] as AllocationProblem["blocks"][number];
      if ((credits[k] as number) + c > target.maxCredits || (count[k] as number) + 1 > target.maxCount) continue;
      out[e] = pi;
      credits[exclusive] = (credits[exclusive] as number) - c;
      count[exclusive] = (count[exclusive] as number) - 1;
      credits[k] = (credits[k] as number) + c;
      count[k] = (count[k] as number) + 1;
      moved = true;
      break;
    }
  }
  if (!moved) return { choice: out, evaluation: before };
  const after = evaluateAllocation(p, out);
  return compareObjectives(after.objective, before.objective) >= 0
    ? { choice: out, evaluation: after }
    : { choice: [...choice], evaluation: before };
}

/** Whether two placements hold the same shared blocks (everything but their exclusive blocks a and b). */
function sameShared(x: readonly number[], a: number, y: readonly number[], b: number): boolean {
  if (x.length !== y.length) return false;
  let i = 0;
  let k = 0;
  while (i < x.length || k < y.length) {
    if (x[i] === a) {
      i++;
      continue;
    }
    if (y[k] === b) {
      k++;
      continue;
    }
    if (x[i] !== y[k]) return false;
    i++;
    k++;
  }
  return true;
}
