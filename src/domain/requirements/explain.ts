/**
 * The audit result: a tree mirroring the rules, each requirement with its status, progress (x of y), the
 * entries applied to it (conversions shown) and, when unmet and needed, a sentence a learner can act on and
 * catalogue units that would close it; the qualification-wide constraints; the entries that do not count,
 * each with its reason.
 */
import { fieldName } from "../fields.ts";
import { referenceLevel } from "../frameworks.ts";
import type { EntrySource } from "../schema/accounts.ts";
import { RESULTS } from "../schema/accounts.ts";
import type { LevelRef } from "../schema/common.ts";
import {
  type Candidate,
  type CompiledBlock,
  type CompiledConstraint,
  type CompiledNode,
  type CompiledQuery,
  type CompiledRules,
  type ConstraintKind,
  candidatesFor,
  DIMENSION_WORDS,
  fromMilli,
  levelLabel,
  type NodeKind,
  num,
  type PreparedEntry,
  unitRefParts,
} from "./compile.ts";
import type { AuditEntry } from "./entries.ts";
import type { PreparedAudit, UnusedReason } from "./problem.ts";
import type { Evaluation } from "./solver.ts";

export type RequirementStatus = "satisfied" | "in-progress" | "not-started";

export interface AppliedEntry {
  entryId: string;
  providerId: string;
  unit: { code: string; title: string | null } | null;
  source: EntrySource;
  effectiveOn: string;
  /** Credits counted, in the rule set's credit system. */
  credits: number;
  /** The credits as deposited. */
  original: { credits: number; creditSystem: string };
  /** How the credits were converted into the rule set's system; null when they were not. */
  conversion: string | null;
  level: LevelRef | null;
  /** How the level was referenced into the rules' framework, when it is another framework's level. */
  levelReferencing: string | null;
  /** Other requirements the same entry also counts in (shared blocks, double counting). */
  alsoCountsIn: string[];
}

export interface SuggestedUnit {
  provider: string;
  code: string;
  title: string;
  /** In the rule set's credit system; null when unknown. */
  credits: number | null;
  /** Whether this unit alone would meet the requirement. */
  closesAlone: boolean;
}

export interface NextStep {
  sentence: string;
  units: SuggestedUnit[];
}

export interface RequirementResult {
  id: string;
  title: string;
  kind: NodeKind;
  /** JSON pointer of the requirement in the rules. */
  pointer: string;
  status: RequirementStatus;
  met: boolean;
  /** false for an unmet requirement the learner does not need (an alternative of a met 'any' or 'choose'). */
  needed: boolean;
  /** x of y: credits or units for a block, requirements for a group. */
  progress: { have: number; need: number; unit: "credits" | "units" | "requirements" };
  /** Blocks: counted credits and units here. */
  credits?: number;
  count?: number;
  entries?: AppliedEntry[];
  children?: RequirementResult[];
  next: NextStep | null;
}

export interface ConstraintResult {
  id: string;
  kind: ConstraintKind | "capstone";
  title: string;
  pointer: string;
  /** Maximums are limits on what counts, so they are always met. */
  met: boolean;
  status: RequirementStatus | "within-limit" | "limit-reached";
  /** Credits counted toward a minimum, or counted under a maximum. */
  have: number;
  /** The minimum or maximum. */
  limit: number;
  /** Maximums: entries not counted because of this limit. Capstone: the entry meeting it. */
  entries: string[];
  next: NextStep | null;
}

export interface UnusedEntry {
  entryId: string;
  providerId: string;
  unit: { code: string; title: string | null } | null;
  credits: number;
  creditSystem: string;
  reason: UnusedReason;
  sentence: string;
}

export interface AuditProgress {
  complete: boolean;
  /** Requirements met: blocks, groups, qualification-wide minimums, the capstone. */
  requirementsMet: number;
  requirementsTotal: number;
  /** Credits counted, in the rule set's system. */
  credits: number;
  /** The rule set's totalCredits, null when it sets none. */
  requiredCredits: number | null;
  /**
   * 0 to 1, for ranking: 1 when complete, else the mean of the share of requirements met and the share
   * of required credits counted (the requirements share alone without totalCredits).
   */
  closeness: number;
}

export interface AuditResult {
  complete: boolean;
  status: "complete" | "in-progress" | "not-started";
  date: string;
  creditSystem: string;
  summary: string;
  progress: AuditProgress;
  /** Mirrors rules.requirements. */
  requirements: RequirementResult[];
  constraints: ConstraintResult[];
  unused: UnusedEntry[];
  allocation: {
    method: "exact" | "greedy";
    /** Whether the allocation is proven optimal (exact search finished within its budget). */
    proven: boolean;
    searchNodes: number;
  };
}

export interface ExplainOptions {
  /** Catalogue units suggested per unmet requirement (default 5). */
  maxSuggestions?: number;
}

export interface AllocationInfo {
  method: "exact" | "greedy";
  proven: boolean;
  searchNodes: number;
}

/** The progress figures alone (what-if rankings and mass re-audits need no sentences). */
export function progressOf(compiled: CompiledRules, evaluation: Evaluation): AuditProgress {
  const total =
    compiled.nodes.length + compiled.constraints.filter((c) => !c.isCap).length + (compiled.capstone ? 1 : 0);
  const o = evaluation.objective;
  const credits = fromMilli(o.credits);
  const required = compiled.rules.totalCredits ?? null;
  const reqShare = total === 0 ? 1 : o.satisfied / total;
  const closeness = o.complete
    ? 1
    : required !== null && required > 0
      ? (reqShare + Math.min(1, credits / required)) / 2
      : reqShare;
  return {
    complete: o.complete,
    requirementsMet: o.satisfied,
    requirementsTotal: total,
    credits,
    requiredCredits: required,
    closeness: Math.min(1, Math.round(closeness * 10000) / 10000),
  };
}

export function explain(
  compiled: CompiledRules,
  prepared: PreparedAudit,
  choice: readonly number[],
  evaluation: Evaluation,
  info: AllocationInfo,
  options: ExplainOptions = {},
): AuditResult {
  const x = new Explainer(compiled, prepared, choice, evaluation, options.maxSuggestions ?? 5);
  return x.result(info);
}

class Explainer {
  private readonly sys: string;
  private readonly applied: Map<number, number[]> = new Map();

  constructor(
    private readonly compiled: CompiledRules,
    private readonly prepared: PreparedAudit,
    private readonly choice: readonly number[],
    private readonly ev: Evaluation,
    private readonly maxSuggestions: number,
  ) {
    this.sys = compiled.system.id.toUpperCase();
    const placements = prepared.problem.placements;
    choice.forEach((pi, e) => {
      for (const j of placements[e]?.[pi] ?? []) {
        const list = this.applied.get(j);
        if (list) list.push(e);
        else this.applied.set(j, [e]);
      }
    });
  }

  result(info: AllocationInfo): AuditResult {
    const compiled = this.compiled;
    const progress = progressOf(compiled, this.ev);
    const needed = this.neededNodes();
    const requirements = compiled.top.map((i) => this.node(i, needed));
    const constraints = this.constraints();
    const unused = this.unused();
    const started = progress.credits > 0 || requirements.some((r) => r.status !== "not-started");
    const status = progress.complete ? "complete" : started ? "in-progress" : "not-started";
    return {
      complete: progress.complete,
      status,
      date: this.prepared.date,
      creditSystem: compiled.system.id,
      summary: this.summary(progress, requirements, constraints),
      progress,
      requirements,
      constraints,
      unused,
      allocation: info,
    };
  }

  // ------------------------------------------------------------------ requirements

  /** Needed nodes: the root's children, and every unmet child of a needed unmet group. */
  private neededNodes(): boolean[] {
    const nodes = this.compiled.nodes;
    const needed = new Array<boolean>(nodes.length).fill(false);
    const mark = (i: number) => {
      needed[i] = true;
      if (this.ev.nodeMet[i]) return;
      for (const c of (nodes[i] as CompiledNode).children) if (!this.ev.nodeMet[c]) mark(c);
    };
    for (const t of this.compiled.top) mark(t);
    return needed;
  }

  private node(i: number, needed: readonly boolean[]): RequirementResult {
    const node = this.compiled.nodes[i] as CompiledNode;
    const met = this.ev.nodeMet[i] === true;
    if (node.block >= 0) return this.block(node, met, needed[i] === true);
    const children = node.children.map((c) => this.node(c, needed));
    const have = children.filter((c) => c.met).length;
    const status: RequirementStatus = met
      ? "satisfied"
      : children.some((c) => c.status !== "not-started")
        ? "in-progress"
        : "not-started";
    return {
      id: node.id,
      title: node.title,
      kind: node.kind,
      pointer: node.pointer,
      status,
      met,
      needed: needed[i] === true,
      progress: { have, need: node.need, unit: "requirements" },
      children,
      next: !met && needed[i] ? this.groupStep(node, children) : null,
    };
  }

  private block(node: CompiledNode, met: boolean, needed: boolean): RequirementResult {
    const b = this.compiled.blocks[node.block] as CompiledBlock;
    const applied = this.applied.get(b.index) ?? [];
    const entries: AppliedEntry[] = [];
    let requiredHave = 0;
    for (const e of applied) {
      entries.push(this.appliedEntry(e, b.index));
      if (b.requiredKeys.length > 0 && b.requiredKeys.includes((this.prepared.usable[e] as PreparedEntry).key))
        requiredHave++;
    }
    const credits = fromMilli(this.ev.blockCredits[b.index] ?? 0);
    const count = this.ev.blockCount[b.index] ?? 0;
    const progress =
      b.minCredits > 0
        ? { have: credits, need: fromMilli(b.minCredits), unit: "credits" as const }
        : b.requiredKeys.length > 0
          ? { have: requiredHave, need: b.requiredKeys.length, unit: "units" as const }
          : b.minCount > 0
            ? { have: count, need: b.minCount, unit: "units" as const }
            : { have: credits, need: 0, unit: "credits" as const };
    const status: RequirementStatus = met ? "satisfied" : count > 0 ? "in-progress" : "not-started";
    return {
      id: b.id,
      title: b.title,
      kind: "block",
      pointer: b.pointer,
      status,
      met,
      needed,
      progress,
      credits,
      count,
      entries,
      next: !met && needed ? this.blockStep(b, entries) : null,
    };
  }

  private appliedEntry(e: number, block: number): AppliedEntry {
    const p = this.prepared.usable[e] as PreparedEntry;
    const entry = p.entry;
    const placement = this.prepared.problem.placements[e]?.[this.choice[e] as number] ?? [];
    return {
      entryId: entry.id,
      providerId: entry.providerId,
      unit: entry.unit ? { code: entry.unit.code, title: entry.unit.title ?? null } : null,
      source: entry.source,
      effectiveOn: entry.effectiveOn,
      credits: fromMilli(p.milli),
      original: { credits: entry.credits, creditSystem: entry.creditSystem },
      conversion: p.conversion,
      level: entry.level ? { framework: entry.level.framework, level: entry.level.level } : null,
      levelReferencing: this.referencing(entry),
      alsoCountsIn:
        placement.length <= 1
          ? []
          : placement.filter((j) => j !== block).map((j) => (this.compiled.blocks[j] as CompiledBlock).id),
    };
  }

  private referencing(entry: AuditEntry): string | null {
    const level = entry.level;
    const target = this.compiled.levelFrameworks[0];
    if (!level || target === undefined || level.framework === target) return null;
    const key = `${level.framework}\u0000${level.level}`;
    const memo = this.compiled.memo.referencing;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const text = this.referencingText(level, target);
    memo.set(key, text);
    return text;
  }

  private referencingText(level: LevelRef, target: string): string {
    const frameworks = this.compiled.context.frameworks;
    const found = referenceLevel(frameworks, level, target);
    if (!found)
      return `${levelLabel(this.compiled.context, level)} is not referenced to ${target.toUpperCase()}, so level rules do not count it`;
    return found.path.map((ref) => levelLabel(this.compiled.context, ref)).join(" → ");
  }

  private blockStep(b: CompiledBlock, entries: readonly AppliedEntry[]): NextStep {
    const credits = this.ev.blockCredits[b.index] ?? 0;
    const count = this.ev.blockCount[b.index] ?? 0;
    const have = new Set(entries.flatMap((a) => (a.unit ? [`${a.providerId}:${a.unit.code}`] : [])));
    const missing = b.requiredKeys.filter((k) => !have.has(k));
    const needMilli = Math.max(0, b.minCredits - credits);
    const needCount = Math.max(0, b.minCount - count);
    const parts: string[] = [];
    const units: SuggestedUnit[] = [];
    const catalogue = this.compiled.context.catalogue;
    if (missing.length > 0) {
      parts.push(
        `complete ${listWords(
          missing.map((k) => this.unitName(k)),
          "and",
        )}`,
      );
      for (const k of missing.slice(0, Math.max(this.maxSuggestions, missing.length))) {
        const { provider, code } = unitRefParts(k);
        const unit = catalogue?.lookup(provider, code);
        const candidate = candidatesFor(this.compiled, b).find((c) => c.key === k);
        units.push({
          provider,
          code,
          title: unit?.title ?? code,
          credits: candidate?.credits ?? null,
          closesAlone: missing.length === 1 && needMilli <= (candidate?.milli ?? 0) && needCount <= 1,
        });
      }
    }
    if (needMilli > 0) parts.push(`earn ${num(fromMilli(needMilli))} more ${this.sys} credits`);
    if (needCount > 0) parts.push(`complete ${needCount} more unit${needCount === 1 ? "" : "s"}`);
    let sentence = capitalise(listWords(parts, "and"));
    if (needMilli > 0 || needCount > 0) {
      sentence += ` from ${this.describeSelection(b)}`;
      const held = this.prepared.heldKeys;
      const open = candidatesFor(this.compiled, b).filter((c) => !held.has(c.key) && !missing.includes(c.key));
      const closes = (c: Candidate) =>
        c.milli !== null && c.milli >= needMilli && needCount <= 1 && missing.length === 0;
      const ranked = [...open.filter(closes).reverse(), ...open.filter((c) => !closes(c))];
      for (const c of ranked.slice(0, Math.max(0, this.maxSuggestions - units.length)))
        units.push({ provider: c.provider, code: c.code, title: c.title, credits: c.credits, closesAlone: closes(c) });
    }
    sentence += floorWords(b);
    sentence += ` in '${b.title}'.`;
    const closer = units.find((u) => u.closesAlone);
    if (closer && missing.length === 0)
      sentence += ` For example, ${closer.code} ${closer.title}${closer.credits !== null ? ` (${num(closer.credits)} ${this.sys})` : ""} would complete it.`;
    return { sentence, units };
  }

  private groupStep(node: CompiledNode, children: readonly RequirementResult[]): NextStep {
    const unmet = children.filter((c) => !c.met);
    const names = unmet.map((c) => `'${c.title}'`);
    const have = children.length - unmet.length;
    let sentence: string;
    if (node.kind === "all")
      sentence = `Meet the ${unmet.length} remaining requirement${unmet.length === 1 ? "" : "s"} of '${node.title}': ${listWords(names, "and")}.`;
    else if (node.kind === "any") {
      const closest = [...unmet].sort((a, b) => shareOf(b) - shareOf(a))[0];
      sentence = `Meet one of ${listWords(names, "or")} for '${node.title}'${closest ? `; closest: '${closest.title}'` : ""}.`;
    } else {
      const more = node.need - have;
      sentence = `Meet ${more} more of ${listWords(names, "and")} for '${node.title}' (${have} of ${node.need} met).`;
    }
    return { sentence, units: [] };
  }

  // ------------------------------------------------------------------ constraints

  private constraints(): ConstraintResult[] {
    const compiled = this.compiled;
    const results: ConstraintResult[] = [];
    let minIndex = 0;
    let capIndex = 0;
    for (const c of compiled.constraints) {
      if (c.isCap) {
        const k = capIndex++;
        const used = this.ev.capUsed[k] ?? 0;
        const left = this.leftOutBy(c, k);
        results.push({
          id: c.id,
          kind: c.kind,
          title: capitalise(c.title),
          pointer: c.pointer,
          met: true,
          status: left.length > 0 || used >= c.amount ? "limit-reached" : "within-limit",
          have: fromMilli(used),
          limit: fromMilli(c.amount),
          entries: left,
          next: null,
        });
      } else {
        const m = minIndex++;
        const have = this.ev.minHave[m] ?? 0;
        const met = this.ev.minMet[m] === true;
        results.push({
          id: c.id,
          kind: c.kind,
          title: capitalise(c.title),
          pointer: c.pointer,
          met,
          status: met ? "satisfied" : have > 0 ? "in-progress" : "not-started",
          have: fromMilli(have),
          limit: fromMilli(c.amount),
          entries: [],
          next: met ? null : { sentence: this.minimumSentence(c, c.amount - have), units: [] },
        });
      }
    }
    const cap = compiled.capstone;
    if (cap) {
      const block = compiled.blocks[cap.block] as CompiledBlock;
      const e = this.ev.capstoneEntry ?? -1;
      const met = e >= 0;
      const conditions = [
        cap.atAwardingBody ? `earned at ${compiled.context.awardingBody}` : "",
        cap.minLevel ? `at ${levelLabel(compiled.context, cap.minLevel.ref)} or above` : "",
        cap.minCreditsBefore > 0
          ? `after at least ${num(fromMilli(cap.minCreditsBefore))} other counted ${this.sys} credits`
          : "",
      ].filter(Boolean);
      const title = `The capstone in '${block.title}'${conditions.length ? `, ${listWords(conditions, "and")}` : ""}`;
      results.push({
        id: "capstone",
        kind: "capstone",
        title,
        pointer: "/capstone",
        met,
        status: met ? "satisfied" : (this.ev.blockCount[cap.block] ?? 0) > 0 ? "in-progress" : "not-started",
        have: met ? 1 : 0,
        limit: 1,
        entries: met ? [(this.prepared.usable[e] as PreparedEntry).entry.id] : [],
        next: met
          ? null
          : {
              sentence: `Complete the capstone in '${block.title}'${conditions.length ? `, ${listWords(conditions, "and")}` : ""}.`,
              units: [],
            },
      });
    }
    return results;
  }

  /** Usable entries in a cap's set that are not counted and would push the cap past its limit. */
  private leftOutBy(c: CompiledConstraint, k: number): string[] {
    const used = this.ev.capUsed[k] ?? 0;
    const out: string[] = [];
    this.prepared.usable.forEach((p, e) => {
      if (!this.ev.counted[e] && c.test(p) && used + p.milli > c.amount) out.push(p.entry.id);
    });
    return out;
  }

  private minimumSentence(c: CompiledConstraint, shortMilli: number): string {
    const more = `${num(fromMilli(shortMilli))} more ${this.sys} credits`;
    switch (c.kind) {
      case "total-credits":
        return `Earn ${more} in total (${num(fromMilli(c.amount - shortMilli))} of ${num(fromMilli(c.amount))} count so far).`;
      case "min-credits-at-or-above":
        return `Earn ${more} at ${levelLabel(this.compiled.context, c.level as LevelRef)} or above.`;
      case "min-credits-by-dimension":
        return `Earn ${more} from units whose outcomes cover ${DIMENSION_WORDS[c.dimension ?? "attitudes-values"]}.`;
      case "min-credits-at-awarding-body":
        return `Earn ${more} at ${this.compiled.context.awardingBody}.`;
      default:
        return `Earn ${more} from ${c.query ? this.describeQuery(c.query) : "the selected units"} ('${c.id}').`;
    }
  }

  // ------------------------------------------------------------------ unused entries

  private unused(): UnusedEntry[] {
    const out: UnusedEntry[] = [];
    for (const x of this.prepared.excluded)
      out.push(this.unusedEntry(x.entry, x.reason, this.excludedSentence(x.entry, x.reason, x.detail)));
    this.prepared.usable.forEach((p, e) => {
      if (this.ev.counted[e]) return;
      out.push(this.unusedEntry(p.entry, "limit-reached", `Not counted: ${this.limitReason(e)}.`));
    });
    const order = new Map(this.prepared.usable.map((p, i) => [p.entry.id, i]));
    return out.sort(
      (a, b) =>
        (order.get(a.entryId) ?? -1) - (order.get(b.entryId) ?? -1) ||
        (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0),
    );
  }

  private unusedEntry(entry: AuditEntry, reason: UnusedReason, sentence: string): UnusedEntry {
    return {
      entryId: entry.id,
      providerId: entry.providerId,
      unit: entry.unit ? { code: entry.unit.code, title: entry.unit.title ?? null } : null,
      credits: entry.credits,
      creditSystem: entry.creditSystem,
      reason,
      sentence,
    };
  }

  private excludedSentence(entry: AuditEntry, reason: UnusedReason, detail: string | null): string {
    const years = this.compiled.recency.withinYears;
    switch (reason) {
      case "not-active":
        return `Not counted: this deposit is ${entry.status && entry.status !== "active" ? entry.status : "reversed"}.`;
      case "invalid-credits":
        return `Not counted: a deposit of ${entry.credits} credits is not a credit.`;
      case "after-audit-date":
        return `Not counted: earned on ${entry.effectiveOn}, after the audit date ${this.prepared.date}.`;
      case "unknown-credit-system":
        return `Not counted: credit system '${entry.creditSystem}' is not in the register, so its credits cannot be converted to ${this.sys}.`;
      case "too-old":
        return `Not counted: earned on ${entry.effectiveOn}, more than ${num(years ?? 0)} years before ${this.prepared.date} (credits count from ${detail}).`;
      case "expired":
        return `Not counted: its validity ended on ${entry.validUntil}.`;
      case "repeat":
        return `Not counted: a repeat of ${entry.unit ? `${entry.providerId}:${entry.unit.code}` : "a unit"}; entry ${detail} counts instead.`;
      case "below-grade-floor":
        return `Not counted: ${detail ?? "its grade is below what the requirements ask for"}.`;
      case "no-matching-requirement":
        return "Not counted: no requirement of this qualification accepts it.";
      default:
        return "Not counted.";
    }
  }

  /** Why a usable entry is not counted: the limits counting it would break. */
  private limitReason(e: number): string {
    const p = this.prepared.usable[e] as PreparedEntry;
    const reasons: string[] = [];
    let k = 0;
    for (const c of this.compiled.constraints) {
      if (!c.isCap) continue;
      const used = this.ev.capUsed[k++] ?? 0;
      if (c.test(p) && used + p.milli > c.amount) reasons.push(`the limit of ${c.title} is reached`);
    }
    for (const j of this.prepared.eligible[e] ?? []) {
      const b = this.compiled.blocks[j] as CompiledBlock;
      if ((this.ev.blockCredits[j] ?? 0) + p.milli > b.maxCredits)
        reasons.push(
          `'${b.title}' already counts ${num(fromMilli(this.ev.blockCredits[j] ?? 0))} of at most ${num(fromMilli(b.maxCredits))} credits`,
        );
      else if ((this.ev.blockCount[j] ?? 0) + 1 > b.maxCount)
        reasons.push(`'${b.title}' already counts its maximum of ${b.maxCount} units`);
    }
    return reasons.length > 0 ? listWords(reasons, "and") : "counting it would exceed a limit";
  }

  // ------------------------------------------------------------------ words

  private summary(
    progress: AuditProgress,
    requirements: readonly RequirementResult[],
    constraints: readonly ConstraintResult[],
  ): string {
    const credits = `${num(progress.credits)}${progress.requiredCredits !== null ? ` of ${num(progress.requiredCredits)}` : ""} ${this.sys} credits count`;
    if (progress.complete) return `Every requirement is met; ${credits}.`;
    const first = firstStep(requirements) ?? constraints.find((c) => c.next)?.next?.sentence;
    return `${progress.requirementsMet} of ${progress.requirementsTotal} requirements met; ${credits}.${first ? ` Next: ${first}` : ""}`;
  }

  private unitName(key: string): string {
    const { provider, code } = unitRefParts(key);
    const unit = this.compiled.context.catalogue?.lookup(provider, code);
    return unit ? `${code} ${unit.title}` : key;
  }

  private describeSelection(b: CompiledBlock): string {
    const memo = this.compiled.memo.descriptions;
    const cached = memo.get(b.index);
    if (cached !== undefined) return cached;
    const text = this.describeSelectionText(b);
    memo.set(b.index, text);
    return text;
  }

  private describeSelectionText(b: CompiledBlock): string {
    const parts: string[] = [];
    const named = [...b.namedKeys];
    if (named.length > 0 && named.length <= 6)
      parts.push(
        listWords(
          named.map((k) => this.unitName(k)),
          "or",
        ),
      );
    else if (named.length > 6) parts.push(`the ${named.length} units it lists`);
    for (const q of b.queries) parts.push(this.describeQuery(q));
    return parts.length > 0 ? listWords(parts, "or") : "the units it lists";
  }

  describeQuery(q: CompiledQuery): string {
    const ctx = this.compiled.context;
    const words: string[] = ["units"];
    const s = q.source;
    if (s.providers) words.push(`of ${listWords(s.providers, "or")}`);
    if (s.atAwardingBody === true) words.push(`of ${ctx.awardingBody}`);
    if (s.atAwardingBody === false) words.push(`of providers other than ${ctx.awardingBody}`);
    if (s.minLevel && s.maxLevel)
      words.push(`at ${levelLabel(ctx, s.minLevel)} to ${levelLabel(ctx, s.maxLevel).replace(/^.* level /, "level ")}`);
    else if (s.minLevel) words.push(`at ${levelLabel(ctx, s.minLevel)} or above`);
    else if (s.maxLevel) words.push(`at ${levelLabel(ctx, s.maxLevel)} or below`);
    if (q.fields)
      words.push(
        `in ${listWords(
          q.fields.map((f) => `${fieldName(f) ?? "field"} (${f})`),
          "or",
        )}`,
      );
    if (s.skills)
      words.push(
        `aligned to ${listWords(
          s.skills.map((k) => `${k.framework}:${k.code}`),
          "or",
        )}`,
      );
    if (s.dimensions)
      words.push(
        `with outcomes in ${listWords(
          s.dimensions.map((d) => DIMENSION_WORDS[d]),
          "or",
        )}`,
      );
    if (s.achievementTypes) words.push(`recorded as ${listWords(s.achievementTypes, "or")}`);
    if (s.sources) words.push(`(${listWords(s.sources, "or")})`);
    if (s.earnedWithinYears) words.push(`earned within ${num(s.earnedWithinYears)} years`);
    return words.length === 1 ? "any unit" : words.join(" ");
  }
}

function firstStep(requirements: readonly RequirementResult[]): string | undefined {
  for (const r of requirements) {
    if (r.met || !r.needed) continue;
    if (r.children) {
      const inner = firstStep(r.children);
      if (inner) return inner;
    }
    if (r.next) return r.next.sentence;
  }
  return undefined;
}

function shareOf(r: RequirementResult): number {
  return r.progress.need > 0 ? r.progress.have / r.progress.need : r.met ? 1 : 0;
}

function floorWords(b: CompiledBlock): string {
  if (b.minResultRank > 0) return ` with a result of ${RESULTS[b.minResultRank]} or better`;
  if (b.minGrade) return ` with grade ${b.minGrade.scale[b.minGrade.index]} or better`;
  if (b.minMark !== null) return ` with a mark of ${num(b.minMark)} or more`;
  return "";
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0]?.toUpperCase() + s.slice(1) : s;
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[], conjunction: "and" | "or"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}
