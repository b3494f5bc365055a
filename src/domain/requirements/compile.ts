/**
 * A rule set compiled once for many audits: the requirement tree flattened into arrays, pools resolved
 * into each block's named units and queries, levels and credits resolved against the register's frameworks
 * and credit systems, and memo tables for what repeats across accounts (level referencing, credit
 * conversion, catalogue matches). Compiling is where an invalid rule set is refused.
 */
import type { Finding } from "../coherence.ts";
import { type CreditRounding, convertCredits, findLevel, referenceLevel } from "../frameworks.ts";
import { RESULTS } from "../schema/accounts.ts";
import type { CreditSystem, Framework, UnitSpec } from "../schema/catalogue.ts";
import type { Dimension, LevelRef } from "../schema/common.ts";
import type { AuditEntry } from "./entries.ts";
import type { Pool, RequirementBlock, RequirementNode, RequirementRules, UnitQuery, UnitRef } from "./schema.ts";
import { rulesAreUsable, unitRefKey, unitRefParts, validateRules } from "./validate.ts";

/** What the catalogue offers: for "units that would close it", and for checking named units. */
export interface RequirementCatalogue {
  /** The current version of a unit, undefined when the catalogue has none. */
  lookup(provider: string, code: string): UnitSpec | undefined;
  /** Every unit a learner can take now (approved, current versions). */
  units(): Iterable<UnitSpec>;
}

/** A catalogue over a list of unit specs (the last spec of a key wins). */
export function catalogueOf(units: Iterable<UnitSpec>): RequirementCatalogue {
  const byKey = new Map<string, UnitSpec>();
  for (const unit of units) byKey.set(`${unit.provider}:${unit.code}`, unit);
  return { lookup: (provider, code) => byKey.get(`${provider}:${code}`), units: () => byKey.values() };
}

export interface RequirementContext {
  frameworks: ReadonlyMap<string, Framework>;
  creditSystems: ReadonlyMap<string, CreditSystem>;
  /** The provider id of the qualification's awarding body (QualificationSpec.awardingBody). */
  awardingBody: string;
  catalogue?: RequirementCatalogue;
  skillFrameworks?: ReadonlyMap<string, { items: ReadonlySet<string> }>;
}

export interface AuditContext extends RequirementContext {
  /** The audit date (YYYY-MM-DD): recency, validity and "earned within" are judged on it. */
  date: string;
}

/** Thrown by compileRules for a rule set with errors; the findings say what and where. */
export class InvalidRulesError extends Error {
  constructor(readonly findings: Finding[]) {
    super(
      `The requirement rules have ${findings.filter((f) => f.severity === "error").length} error(s): ${findings
        .filter((f) => f.severity === "error")
        .slice(0, 3)
        .map((f) => `${f.path || "/"} ${f.message}`)
        .join(" ")}`,
    );
    this.name = "InvalidRulesError";
  }
}

export type NodeKind = "block" | "all" | "any" | "choose";

export interface CompiledNode {
  index: number;
  kind: NodeKind;
  id: string;
  title: string;
  pointer: string;
  /** Node indices; nodes are stored children first. */
  children: number[];
  /** Children that must be met. */
  need: number;
  /** Index into `blocks`, -1 for a group. */
  block: number;
  source: RequirementNode;
}

export interface CompiledQuery {
  source: UnitQuery;
  providers: ReadonlySet<string> | null;
  atAwardingBody: boolean | null;
  /** Index into `levelFrameworks` and the ordinal there. */
  minLevel: { fw: number; ordinal: number; ref: LevelRef } | null;
  maxLevel: { fw: number; ordinal: number; ref: LevelRef } | null;
  /** null: any field. */
  fields: readonly string[] | null;
  skills: ReadonlySet<string> | null;
  dimensions: readonly Dimension[] | null;
  achievementTypes: ReadonlySet<string> | null;
  sources: ReadonlySet<string> | null;
  earnedWithinYears: number | null;
}

interface QueryUse {
  block: number;
  query: CompiledQuery;
  /** Unit keys excluded by the block and by the pools the query came through. */
  excludes: readonly ReadonlySet<string>[];
}

export interface CompiledBlock {
  index: number;
  node: number;
  id: string;
  title: string;
  pointer: string;
  source: RequirementBlock;
  /** Integer thousandths of the rule set's credit system. */
  minCredits: number;
  maxCredits: number;
  minCount: number;
  maxCount: number;
  /** Unit keys every one of which must count here (minCount "all"). */
  requiredKeys: readonly string[];
  exclusive: boolean;
  /** Rank in RESULTS, -1 for no floor. */
  minResultRank: number;
  minGrade: { index: number; scale: readonly string[] } | null;
  minMark: number | null;
  /** Units this block accepts by name (its own and its pools', exclusions applied). */
  namedKeys: ReadonlySet<string>;
  queries: readonly CompiledQuery[];
}

export type ConstraintKind =
  | "total-credits"
  | "min-credits-at-or-above"
  | "max-credits-below"
  | "min-credits-by-dimension"
  | "min-credits-at-awarding-body"
  | "max-credits-outside"
  | "max-credits-recognised"
  | "limit-min"
  | "limit-max";

export interface CompiledConstraint {
  kind: ConstraintKind;
  id: string;
  title: string;
  pointer: string;
  /** true: a maximum of what counts; false: a minimum that must be met. */
  isCap: boolean;
  /** Integer thousandths. */
  amount: number;
  test: (e: PreparedEntry) => boolean;
  level?: LevelRef;
  dimension?: Dimension;
  query?: CompiledQuery;
}

export interface CompiledCapstone {
  block: number;
  atAwardingBody: boolean;
  minLevel: { fw: number; ordinal: number; ref: LevelRef } | null;
  minCreditsBefore: number;
}

export interface CompiledRules {
  readonly rules: RequirementRules;
  readonly context: RequirementContext;
  readonly system: CreditSystem;
  readonly rounding: CreditRounding;
  readonly rates: ReadonlyMap<string, number>;
  /** Children before parents. */
  readonly nodes: readonly CompiledNode[];
  /** Leaves in the rules' order. */
  readonly blocks: readonly CompiledBlock[];
  readonly top: readonly number[];
  readonly constraints: readonly CompiledConstraint[];
  readonly capstone: CompiledCapstone | null;
  readonly recency: { withinYears: number | null; respectValidity: boolean };
  readonly homeProviders: ReadonlySet<string>;
  readonly allowDoubleCounting: boolean;
  /** Frameworks the rules compare levels in. */
  readonly levelFrameworks: readonly string[];
  /** Blocks naming each unit key. */
  readonly byUnit: ReadonlyMap<string, readonly number[]>;
  readonly queryUses: readonly QueryUse[];
  /** Memo tables: pure functions of their keys, shared by every audit of these rules. */
  readonly memo: {
    conversion: Map<string, Map<number, Conversion | null>>;
    levels: Map<string, readonly (number | null)[]>;
    candidates: Map<number, readonly Candidate[]>;
    /** Sentences that depend only on the rules and the register. */
    referencing: Map<string, string>;
    descriptions: Map<number, string>;
  };
}

export interface Conversion {
  /** Integer thousandths of the rule set's system. */
  milli: number;
  /** null when no conversion happened. */
  explanation: string | null;
}

/** An entry ready for matching: facts the queries read, computed once per audit. */
export interface PreparedEntry {
  entry: AuditEntry;
  /** 'provider:CODE', or '#id' for credit without a unit. */
  key: string;
  milli: number;
  conversion: string | null;
  /** Ordinal of the entry's level in each of `levelFrameworks`, null when unknown there. */
  ordinals: readonly (number | null)[];
  atAwardingBody: boolean;
  resultRank: number;
  /** When false, date conditions are judged as met (a unit not yet taken, for suggestions). */
  dated: boolean;
}

/** A catalogue unit that a block accepts. */
export interface Candidate {
  key: string;
  provider: string;
  code: string;
  title: string;
  /** In the rule set's system, null when the unit's credits are unknown or not convertible. */
  credits: number | null;
  milli: number | null;
}

/**
 * Compiles a rule set for auditing. Throws InvalidRulesError when the rules have errors (named units are
 * not checked against the catalogue here: a unit withdrawn since the rules were saved only stops matching).
 */
export function compileRules(rules: RequirementRules, context: RequirementContext): CompiledRules {
  const findings = validateRules(rules, {
    frameworks: context.frameworks,
    creditSystems: context.creditSystems,
  });
  if (!rulesAreUsable(findings)) throw new InvalidRulesError(findings);
  const system = context.creditSystems.get(rules.creditSystem) as CreditSystem;

  const levelFrameworks: string[] = [];
  const levelIn = (ref: LevelRef) => {
    let fw = levelFrameworks.indexOf(ref.framework);
    if (fw < 0) fw = levelFrameworks.push(ref.framework) - 1;
    const fwData = context.frameworks.get(ref.framework) as Framework;
    return { fw, ordinal: findLevel(fwData, ref.level)?.ordinal as number, ref };
  };
  const compileQuery = (q: UnitQuery): CompiledQuery => ({
    source: q,
    providers: q.providers ? new Set(q.providers) : null,
    atAwardingBody: q.atAwardingBody ?? null,
    minLevel: q.minLevel ? levelIn(q.minLevel) : null,
    maxLevel: q.maxLevel ? levelIn(q.maxLevel) : null,
    fields: q.fields && !q.fields.includes("*") ? q.fields : null,
    skills: q.skills ? new Set(q.skills.map((s) => `${s.framework}\u0000${s.code}`)) : null,
    dimensions: q.dimensions ?? null,
    achievementTypes: q.achievementTypes ? new Set(q.achievementTypes) : null,
    sources: q.sources ? new Set(q.sources) : null,
    earnedWithinYears: q.earnedWithinYears ?? null,
  });
  const queryList = (select: UnitQuery | UnitQuery[] | undefined) =>
    select === undefined ? [] : (Array.isArray(select) ? select : [select]).map(compileQuery);

  // Pools, resolved to named keys and queries with their exclusion chains.
  const poolDefs = new Map((rules.pools ?? []).map((p) => [p.id, p]));
  const poolCache = new Map<string, Resolved>();
  const resolvePool = (id: string, visiting: Set<string>): Resolved => {
    const cached = poolCache.get(id);
    if (cached) return cached;
    const pool = poolDefs.get(id) as Pool;
    visiting.add(id);
    const parts = (pool.include ?? []).filter((inc) => !visiting.has(inc)).map((inc) => resolvePool(inc, visiting));
    visiting.delete(id);
    const resolved = resolveSelection(pool.units, queryList(pool.select), parts, pool.exclude);
    poolCache.set(id, resolved);
    return resolved;
  };

  const nodes: CompiledNode[] = [];
  const blocks: CompiledBlock[] = [];
  const blockQueries: { block: number; resolved: Resolved }[] = [];
  const doubleCounting = rules.allowDoubleCounting === true;
  const compileNode = (node: RequirementNode, pointer: string): number => {
    const title = node.title ?? node.id;
    if ("all" in node || "any" in node || "of" in node) {
      const [key, list] =
        "all" in node
          ? (["all", node.all] as const)
          : "any" in node
            ? (["any", node.any] as const)
            : (["of", node.of] as const);
      const children = list.map((child, i) => compileNode(child, `${pointer}/${key}/${i}`));
      const kind: NodeKind = key === "of" ? "choose" : key;
      const need = "choose" in node ? node.choose : key === "any" ? 1 : children.length;
      return (
        nodes.push({
          index: nodes.length,
          kind,
          id: node.id,
          title,
          pointer,
          children,
          need,
          block: -1,
          source: node,
        }) - 1
      );
    }
    const block = node as RequirementBlock;
    const index = blocks.length;
    const resolved = resolveSelection(
      block.units,
      queryList(block.select),
      (block.pools ?? []).map((id) => resolvePool(id, new Set())),
      block.exclude,
    );
    blockQueries.push({ block: index, resolved });
    const requiredKeys = block.minCount === "all" ? [...new Set((block.units ?? []).map(unitRefKey))] : [];
    const nodeIndex = nodes.length;
    blocks.push({
      index,
      node: nodeIndex,
      id: block.id,
      title,
      pointer,
      source: block,
      minCredits: toMilli(block.minCredits ?? 0),
      maxCredits: block.maxCredits === undefined ? Number.POSITIVE_INFINITY : toMilli(block.maxCredits),
      minCount: typeof block.minCount === "number" ? block.minCount : 0,
      maxCount: block.maxCount ?? Number.POSITIVE_INFINITY,
      requiredKeys,
      exclusive: !doubleCounting && block.shared !== true,
      minResultRank: block.minResult ? RESULTS.indexOf(block.minResult) : -1,
      minGrade: block.minGrade
        ? { index: block.minGrade.scale.indexOf(block.minGrade.grade), scale: block.minGrade.scale }
        : null,
      minMark: block.minMark ?? null,
      namedKeys: resolved.keys,
      queries: resolved.queries.map((q) => q.query),
    });
    return (
      nodes.push({
        index: nodeIndex,
        kind: "block",
        id: block.id,
        title,
        pointer,
        children: [],
        need: 0,
        block: index,
        source: node,
      }) - 1
    );
  };
  const top = rules.requirements.map((node, i) => compileNode(node, `/requirements/${i}`));

  const byUnit = new Map<string, number[]>();
  for (const b of blocks)
    for (const key of b.namedKeys) {
      const list = byUnit.get(key);
      if (list) list.push(b.index);
      else byUnit.set(key, [b.index]);
    }
  const queryUses: QueryUse[] = blockQueries.flatMap(({ block, resolved }) =>
    resolved.queries.map((q) => ({ block, query: q.query, excludes: q.excludes })),
  );

  // Qualification-wide constraints.
  const constraints: CompiledConstraint[] = [];
  const sys = system.id.toUpperCase();
  if (rules.totalCredits !== undefined)
    constraints.push({
      kind: "total-credits",
      id: "totalCredits",
      title: `${num(rules.totalCredits)} ${sys} credits in total`,
      pointer: "/totalCredits",
      isCap: false,
      amount: toMilli(rules.totalCredits),
      test: () => true,
    });
  (rules.minCreditsAtOrAbove ?? []).forEach((c, i) => {
    const level = levelIn(c.level);
    constraints.push({
      kind: "min-credits-at-or-above",
      id: `minCreditsAtOrAbove/${i}`,
      title: `at least ${num(c.credits)} ${sys} credits at ${levelLabel(context, c.level)} or above`,
      pointer: `/minCreditsAtOrAbove/${i}`,
      isCap: false,
      amount: toMilli(c.credits),
      test: (e) => {
        const o = e.ordinals[level.fw];
        return o !== null && o !== undefined && o >= level.ordinal;
      },
      level: c.level,
    });
  });
  (rules.maxCreditsBelow ?? []).forEach((c, i) => {
    const level = levelIn(c.level);
    constraints.push({
      kind: "max-credits-below",
      id: `maxCreditsBelow/${i}`,
      title: `at most ${num(c.credits)} ${sys} credits below ${levelLabel(context, c.level)}`,
      pointer: `/maxCreditsBelow/${i}`,
      isCap: true,
      amount: toMilli(c.credits),
      // Credit whose level is unknown (or cannot be referenced) cannot be shown to be at the level.
      test: (e) => {
        const o = e.ordinals[level.fw];
        return o === null || o === undefined || o < level.ordinal;
      },
      level: c.level,
    });
  });
  (rules.minCreditsByDimension ?? []).forEach((c, i) => {
    constraints.push({
      kind: "min-credits-by-dimension",
      id: `minCreditsByDimension/${i}`,
      title: `at least ${num(c.credits)} ${sys} credits from units with outcomes in ${DIMENSION_WORDS[c.dimension]}`,
      pointer: `/minCreditsByDimension/${i}`,
      isCap: false,
      amount: toMilli(c.credits),
      test: (e) => e.entry.dimensions.includes(c.dimension),
      dimension: c.dimension,
    });
  });
  const residency = rules.residency;
  const body = context.awardingBody;
  if (residency?.minCreditsAtAwardingBody !== undefined)
    constraints.push({
      kind: "min-credits-at-awarding-body",
      id: "residency/minCreditsAtAwardingBody",
      title: `at least ${num(residency.minCreditsAtAwardingBody)} ${sys} credits earned at ${body}`,
      pointer: "/residency/minCreditsAtAwardingBody",
      isCap: false,
      amount: toMilli(residency.minCreditsAtAwardingBody),
      test: (e) => e.atAwardingBody,
    });
  if (residency?.maxCreditsOutside !== undefined)
    constraints.push({
      kind: "max-credits-outside",
      id: "residency/maxCreditsOutside",
      title: `at most ${num(residency.maxCreditsOutside)} ${sys} credits from providers other than ${body}`,
      pointer: "/residency/maxCreditsOutside",
      isCap: true,
      amount: toMilli(residency.maxCreditsOutside),
      test: (e) => !e.atAwardingBody,
    });
  if (residency?.maxCreditsRecognised !== undefined)
    constraints.push({
      kind: "max-credits-recognised",
      id: "residency/maxCreditsRecognised",
      title: `at most ${num(residency.maxCreditsRecognised)} ${sys} credits from recognition of prior learning`,
      pointer: "/residency/maxCreditsRecognised",
      isCap: true,
      amount: toMilli(residency.maxCreditsRecognised),
      test: (e) => e.entry.source === "recognised",
    });
  (rules.limits ?? []).forEach((limit, i) => {
    const query = compileQuery(limit.where);
    const test = (e: PreparedEntry) => matchesQuery(query, e, null);
    if (limit.minCredits !== undefined)
      constraints.push({
        kind: "limit-min",
        id: limit.id,
        title:
          limit.title ?? `at least ${num(limit.minCredits)} ${sys} credits from ${describeQueryShort(limit.where)}`,
        pointer: `/limits/${i}`,
        isCap: false,
        amount: toMilli(limit.minCredits),
        test,
        query,
      });
    if (limit.maxCredits !== undefined)
      constraints.push({
        kind: "limit-max",
        id: limit.id,
        title: limit.title ?? `at most ${num(limit.maxCredits)} ${sys} credits from ${describeQueryShort(limit.where)}`,
        pointer: `/limits/${i}`,
        isCap: true,
        amount: toMilli(limit.maxCredits),
        test,
        query,
      });
  });

  let capstone: CompiledCapstone | null = null;
  if (rules.capstone) {
    const block = blocks.find((b) => b.id === rules.capstone?.block) as CompiledBlock;
    capstone = {
      block: block.index,
      atAwardingBody: rules.capstone.atAwardingBody === true,
      minLevel: rules.capstone.minLevel ? levelIn(rules.capstone.minLevel) : null,
      minCreditsBefore: toMilli(rules.capstone.minCreditsBefore ?? 0),
    };
  }

  return {
    rules,
    context,
    system,
    rounding: rules.conversion?.rounding ?? "down",
    rates: new Map((rules.conversion?.rates ?? []).map((r) => [r.from, r.rate])),
    nodes,
    blocks,
    top,
    constraints,
    capstone,
    recency: {
      withinYears: rules.recency?.withinYears ?? null,
      respectValidity: rules.recency?.respectValidity === true,
    },
    homeProviders: new Set([context.awardingBody, ...(residency?.homeProviders ?? [])]),
    allowDoubleCounting: doubleCounting,
    levelFrameworks,
    byUnit,
    queryUses,
    memo: {
      conversion: new Map(),
      levels: new Map(),
      candidates: new Map(),
      referencing: new Map(),
      descriptions: new Map(),
    },
  };
}

interface Resolved {
  keys: Set<string>;
  queries: { query: CompiledQuery; excludes: ReadonlySet<string>[] }[];
}

/** (named ∪ queries ∪ parts) minus exclusions, as named keys and queries carrying their exclusions. */
function resolveSelection(
  units: readonly UnitRef[] | undefined,
  queries: readonly CompiledQuery[],
  parts: readonly Resolved[],
  exclude: readonly UnitRef[] | undefined,
): Resolved {
  const excluded = new Set((exclude ?? []).map(unitRefKey));
  const keys = new Set<string>();
  for (const ref of units ?? []) keys.add(unitRefKey(ref));
  for (const part of parts) for (const key of part.keys) keys.add(key);
  for (const key of excluded) keys.delete(key);
  const chain = excluded.size > 0 ? [excluded] : [];
  return {
    keys,
    queries: [
      ...queries.map((query) => ({ query, excludes: chain })),
      ...parts.flatMap((part) => part.queries.map((q) => ({ query: q.query, excludes: [...q.excludes, ...chain] }))),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Entries

/** Credits to integer thousandths, half away from zero (as the statement keeps them). */
export function toMilli(credits: number): number {
  return Math.sign(credits) * Math.round(Math.abs(credits) * 1000);
}

export function fromMilli(milli: number): number {
  return milli / 1000 + 0;
}

/** An amount of an entry's credits in the rule set's system; null when its system cannot be converted. */
export function convertForRules(compiled: CompiledRules, credits: number, systemId: string): Conversion | null {
  let memo = compiled.memo.conversion.get(systemId);
  if (memo === undefined) {
    memo = new Map();
    compiled.memo.conversion.set(systemId, memo);
  }
  const cached = memo.get(credits);
  if (cached !== undefined) return cached;
  const to = compiled.system;
  let result: Conversion | null;
  if (systemId === to.id) result = { milli: toMilli(credits), explanation: null };
  else {
    const rate = compiled.rates.get(systemId);
    if (rate !== undefined) {
      const raw = Math.round(credits * rate * 1e9) / 1e9;
      const value = roundCredits(raw, compiled.rounding);
      const shown = value === raw ? num(raw) : `${num(raw)} → ${num(value)} (${ROUNDING_WORDS[compiled.rounding]})`;
      result = {
        milli: toMilli(value),
        explanation: `${num(credits)} ${systemId.toUpperCase()} credits × ${num(rate)} (the qualification's rate) = ${shown} ${to.id.toUpperCase()} credits`,
      };
    } else {
      const from = compiled.context.creditSystems.get(systemId);
      if (!from) result = null;
      else {
        const converted = convertCredits(credits, from, to, compiled.rounding);
        result = { milli: toMilli(converted.value), explanation: converted.explanation };
      }
    }
  }
  memo.set(credits, result);
  return result;
}

const ROUNDING_WORDS: Record<CreditRounding, string> = {
  down: "rounded down",
  nearest: "rounded to the nearest credit",
  "half-up-to-0.5": "rounded to the nearest half credit, halves up",
};

function roundCredits(raw: number, rounding: CreditRounding): number {
  if (rounding === "down") return Math.floor(raw);
  if (rounding === "nearest") return Math.round(raw);
  return Math.round(raw * 2) / 2;
}

/** Ordinals of a level in each of the rules' frameworks, referenced when needed; memoised. */
export function ordinalsOf(compiled: CompiledRules, level: LevelRef | null): readonly (number | null)[] {
  if (level === null) return compiled.levelFrameworks.map(() => null);
  const key = `${level.framework}\u0000${level.level}`;
  const cached = compiled.memo.levels.get(key);
  if (cached) return cached;
  const frameworks = compiled.context.frameworks;
  const ordinals = compiled.levelFrameworks.map((fwId) => {
    const referenced = referenceLevel(frameworks, level, fwId);
    const fw = referenced && frameworks.get(fwId);
    return (fw && findLevel(fw, referenced.level.level)?.ordinal) ?? null;
  });
  compiled.memo.levels.set(key, ordinals);
  return ordinals;
}

/** The facts of an entry the queries read. Null when its credits cannot be converted. */
export function prepareEntry(compiled: CompiledRules, entry: AuditEntry): PreparedEntry | null {
  const conversion = convertForRules(compiled, entry.credits, entry.creditSystem);
  if (!conversion) return null;
  const resultRank = entry.result ? RESULTS.indexOf(entry.result as (typeof RESULTS)[number]) : 0;
  return {
    entry,
    key: entry.unit ? `${entry.providerId}:${entry.unit.code}` : `#${entry.id}`,
    milli: conversion.milli,
    conversion: conversion.explanation,
    ordinals: ordinalsOf(compiled, entry.level),
    atAwardingBody: compiled.homeProviders.has(entry.providerId),
    resultRank: resultRank < 0 ? 0 : resultRank,
    dated: true,
  };
}

/**
 * Whether a query selects an entry. `cutoffs` gives the earliest date counted for an 'earnedWithinYears';
 * null (or an undated entry) treats the date conditions as met.
 */
export function matchesQuery(q: CompiledQuery, e: PreparedEntry, cutoffs: ((years: number) => string) | null): boolean {
  const entry = e.entry;
  if (q.providers !== null && !q.providers.has(entry.providerId)) return false;
  if (q.atAwardingBody !== null && q.atAwardingBody !== e.atAwardingBody) return false;
  if (q.minLevel !== null) {
    const o = e.ordinals[q.minLevel.fw];
    if (o === null || o === undefined || o < q.minLevel.ordinal) return false;
  }
  if (q.maxLevel !== null) {
    const o = e.ordinals[q.maxLevel.fw];
    if (o === null || o === undefined || o > q.maxLevel.ordinal) return false;
  }
  if (q.fields !== null) {
    const field = entry.field;
    if (!field) return false;
    let inField = false;
    for (const f of q.fields)
      if (field.startsWith(f)) {
        inField = true;
        break;
      }
    if (!inField) return false;
  }
  if (q.skills !== null) {
    const skills = entry.skills ?? [];
    let found = false;
    for (const s of skills)
      if (q.skills.has(`${s.framework}\u0000${s.code}`)) {
        found = true;
        break;
      }
    if (!found) return false;
  }
  if (q.dimensions !== null) {
    let covers = false;
    for (const d of q.dimensions)
      if (entry.dimensions.includes(d)) {
        covers = true;
        break;
      }
    if (!covers) return false;
  }
  if (q.achievementTypes !== null && !(entry.achievementType && q.achievementTypes.has(entry.achievementType)))
    return false;
  if (q.sources !== null && !q.sources.has(entry.source)) return false;
  if (q.earnedWithinYears !== null && cutoffs !== null && e.dated && entry.effectiveOn < cutoffs(q.earnedWithinYears))
    return false;
  return true;
}

/** Whether a block's selection (names, queries, pools, exclusions) takes an entry, before grade floors. */
export function selects(
  compiled: CompiledRules,
  block: CompiledBlock,
  e: PreparedEntry,
  cutoffs: ((years: number) => string) | null,
): boolean {
  if (block.namedKeys.has(e.key)) return true;
  for (const use of compiled.queryUses)
    if (use.block === block.index && use.excludes.every((x) => !x.has(e.key)) && matchesQuery(use.query, e, cutoffs))
      return true;
  return false;
}

/** Whether an entry's result and grade meet a block's floors; the reason when not. */
export function gradeFloorFailure(block: CompiledBlock, e: PreparedEntry): string | null {
  if (block.minResultRank > e.resultRank)
    return `its result (${e.entry.result ?? "passed"}) is below the ${RESULTS[block.minResultRank]} '${block.title}' asks for`;
  const grade = e.entry.grade ?? null;
  if (block.minGrade) {
    const index = grade === null ? -1 : block.minGrade.scale.indexOf(grade);
    if (index < 0 || index > block.minGrade.index)
      return grade === null
        ? `it has no grade, and '${block.title}' asks for ${block.minGrade.scale[block.minGrade.index]} or better`
        : `its grade ${grade} is below the ${block.minGrade.scale[block.minGrade.index]} '${block.title}' asks for`;
  }
  if (block.minMark !== null) {
    const mark = grade === null ? Number.NaN : Number(grade);
    if (!(mark >= block.minMark))
      return grade === null
        ? `it has no mark, and '${block.title}' asks for ${num(block.minMark)} or more`
        : `its mark ${grade} is below the ${num(block.minMark)} '${block.title}' asks for`;
  }
  return null;
}

/** The blocks an entry may count in: selected by name or query and passing the grade floors. */
export function eligibleBlocks(
  compiled: CompiledRules,
  e: PreparedEntry,
  cutoffs: ((years: number) => string) | null,
  out: number[],
  marks: Uint8Array,
): { selectedButFloored: number } {
  out.length = 0;
  const blocks = compiled.blocks;
  const named = compiled.byUnit.get(e.key);
  let any = false;
  if (named)
    for (const j of named) {
      marks[j] = 1;
      any = true;
    }
  for (const use of compiled.queryUses) {
    if (marks[use.block] === 1) continue;
    let excluded = false;
    for (const x of use.excludes)
      if (x.has(e.key)) {
        excluded = true;
        break;
      }
    if (excluded || !matchesQuery(use.query, e, cutoffs)) continue;
    marks[use.block] = 1;
    any = true;
  }
  if (!any) return { selectedButFloored: 0 };
  let floored = 0;
  for (let j = 0; j < blocks.length; j++) {
    if (marks[j] !== 1) continue;
    marks[j] = 0;
    const b = blocks[j] as CompiledBlock;
    if ((b.minResultRank < 0 && b.minGrade === null && b.minMark === null) || gradeFloorFailure(b, e) === null)
      out.push(j);
    else floored++;
  }
  return { selectedButFloored: floored };
}

/** The catalogue units a block accepts, most credits first (memoised per block). */
export function candidatesFor(compiled: CompiledRules, block: CompiledBlock): readonly Candidate[] {
  const cached = compiled.memo.candidates.get(block.index);
  if (cached) return cached;
  const catalogue = compiled.context.catalogue;
  const list: Candidate[] = [];
  if (catalogue) {
    const seen = new Set<string>();
    const consider = (unit: UnitSpec) => {
      const key = `${unit.provider}:${unit.code}`;
      if (seen.has(key)) return;
      seen.add(key);
      const prepared = prepareUnit(compiled, unit);
      if (!selects(compiled, block, prepared, null)) return;
      list.push({
        key,
        provider: unit.provider,
        code: unit.code,
        title: unit.title,
        milli: unit.credits ? prepared.milli : null,
        credits: unit.credits ? fromMilli(prepared.milli) : null,
      });
    };
    // Named units first (looked up directly, so a large catalogue is not scanned for a list of names).
    for (const key of block.namedKeys) {
      const { provider, code } = unitRefParts(key);
      const unit = catalogue.lookup(provider, code);
      if (unit) consider(unit);
    }
    if (block.queries.length > 0) for (const unit of catalogue.units()) consider(unit);
  }
  list.sort((a, b) => (b.milli ?? -1) - (a.milli ?? -1) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  compiled.memo.candidates.set(block.index, list);
  return list;
}

/** A catalogue unit seen as an entry the learner could earn: earned here, a micro-credential, undated. */
export function prepareUnit(compiled: CompiledRules, unit: UnitSpec): PreparedEntry {
  const dimensions = [...new Set((unit.outcomes ?? []).flatMap((o) => (o.dimension ? [o.dimension] : [])))];
  const entry: AuditEntry = {
    id: `${unit.provider}:${unit.code}`,
    source: "earned",
    effectiveOn: "9999-12-31",
    credits: unit.credits?.value ?? 0,
    creditSystem: unit.credits?.system ?? compiled.system.id,
    level: unit.level ?? null,
    providerId: unit.provider,
    unit: { code: unit.code, title: unit.title },
    dimensions,
    field: unit.field ?? null,
    skills: unit.skills ?? [],
    achievementType: "MicroCredential",
  };
  const conversion = convertForRules(compiled, entry.credits, entry.creditSystem);
  return {
    entry,
    key: `${unit.provider}:${unit.code}`,
    milli: conversion?.milli ?? 0,
    conversion: conversion?.explanation ?? null,
    ordinals: ordinalsOf(compiled, entry.level),
    atAwardingBody: compiled.homeProviders.has(unit.provider),
    resultRank: RESULTS.length - 1,
    dated: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Words

export const DIMENSION_WORDS: Record<Dimension, string> = {
  "knowledge-understanding": "knowledge and understanding",
  "skills-capacity": "skills and capacity",
  "attitudes-values": "attitudes and values",
};

export function levelLabel(context: Pick<RequirementContext, "frameworks">, ref: LevelRef): string {
  const fw = context.frameworks.get(ref.framework);
  return `${fw ? (fw.shortName ?? fw.name) : ref.framework} level ${ref.level}`;
}

function describeQueryShort(q: UnitQuery): string {
  const parts: string[] = [];
  if (q.providers) parts.push(q.providers.join(" or "));
  if (q.atAwardingBody === false) parts.push("other providers");
  if (q.atAwardingBody === true) parts.push("the awarding body");
  if (q.sources) parts.push(`${q.sources.join(" or ")} credit`);
  if (q.fields) parts.push(`field ${q.fields.join(" or ")}`);
  return parts.length > 0 ? parts.join(", ") : "the selected units";
}

/** A number for a sentence: at most three decimals, no trailing zeros. */
export function num(x: number): string {
  return String(Number(x.toFixed(3)));
}

export { unitRefParts };
