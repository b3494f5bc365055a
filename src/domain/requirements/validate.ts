/**
 * Validation of a rule set: every problem with the JSON pointer of the offending value, a stable machine
 * code and a sentence, in the `Finding` shape the coherence check uses.
 *
 * Two passes. The structural pass checks the shape against the schema, walking the requirement tree itself
 * so that a malformed node is reported at its own pointer rather than as "no variant of the union matched"
 * at the top. The semantic pass runs only on a well-formed rule set and checks what a schema cannot: ids
 * unique, references resolvable (units, pools, frameworks, levels, credit systems, skills), no cycles
 * between pools, blocks and choices that can be met at all, minimums not above maximums.
 */
import type { TSchema } from "@sinclair/typebox";
import { Value, type ValueError, ValueErrorType } from "@sinclair/typebox/value";
import { comparePointers, type Finding, unitKey } from "../coherence.ts";
import { findLevel } from "../frameworks.ts";
import type { CreditSystem, Framework, UnitSpec } from "../schema/catalogue.ts";
import type { LevelRef } from "../schema/common.ts";
import {
  AllGroupShape,
  AnyGroupShape,
  ChooseGroupShape,
  type Pool,
  RequirementBlock,
  type RequirementNode,
  type RequirementRules,
  RulesShape,
  type UnitQuery,
  type UnitRef,
} from "./schema.ts";

export interface RulesValidationContext {
  frameworks: ReadonlyMap<string, Framework>;
  creditSystems: ReadonlyMap<string, CreditSystem>;
  /**
   * The unit a catalogue holds under this provider and code, undefined when there is none. Without it,
   * named units are not checked (compiling rules for an audit does not need them to exist).
   */
  lookupUnit?: (provider: string, code: string) => UnitSpec | undefined;
  /** Skill frameworks by id with their item codes; skills of other frameworks are reported as unknown. */
  skillFrameworks?: ReadonlyMap<string, { items: ReadonlySet<string> }>;
}

/** Every finding for a rule set, ordered by pointer then code. An empty list means the rules can be used. */
export function validateRules(input: unknown, ctx: RulesValidationContext): Finding[] {
  const structural = structuralFindings(input);
  const findings = structural.length > 0 ? structural : semanticFindings(input as RequirementRules, ctx);
  return findings.sort((a, b) => comparePointers(a.path, b.path) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Whether a finding list lets the rules be saved and audited. */
export function rulesAreUsable(findings: readonly Finding[]): boolean {
  return !findings.some((f) => f.severity === "error");
}

/** A unit reference as its catalogue key 'provider:CODE'. */
export function unitRefKey(ref: UnitRef): string {
  return typeof ref === "string" ? ref : unitKey(ref.provider, ref.code);
}

/** A unit reference as { provider, code }. */
export function unitRefParts(ref: UnitRef): { provider: string; code: string } {
  if (typeof ref !== "string") return { provider: ref.provider, code: ref.code };
  const colon = ref.indexOf(":");
  return { provider: ref.slice(0, colon), code: ref.slice(colon + 1) };
}

// ---------------------------------------------------------------------------------------------
// Structure

const CREDIT_KEYS = new Set([
  "credits",
  "minCredits",
  "maxCredits",
  "totalCredits",
  "minCreditsBefore",
  "minCreditsAtAwardingBody",
  "maxCreditsOutside",
  "maxCreditsRecognised",
]);

function structuralFindings(input: unknown): Finding[] {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return [
      finding(
        "not-an-object",
        "",
        "The rule set is not a JSON object.",
        "Write the rules as an object with version, creditSystem and requirements.",
      ),
    ];
  const findings = schemaFindings(RulesShape, input, "");
  const requirements = (input as { requirements?: unknown }).requirements;
  if (Array.isArray(requirements))
    requirements.forEach((node, i) => {
      walkNode(node, `/requirements/${i}`, findings, 0);
    });
  return findings;
}

const MAX_DEPTH = 20;

function walkNode(node: unknown, path: string, findings: Finding[], depth: number): void {
  if (depth > MAX_DEPTH) {
    findings.push(
      finding("too-deep", path, `Requirements are nested more than ${MAX_DEPTH} levels deep.`, "Flatten the groups."),
    );
    return;
  }
  if (typeof node !== "object" || node === null || Array.isArray(node)) {
    findings.push(
      finding(
        "invalid-requirement",
        path,
        "A requirement must be an object: a block, or a group with 'all', 'any' or 'choose' and 'of'.",
        "Write the requirement as an object.",
      ),
    );
    return;
  }
  const forms = (["all", "any", "of"] as const).filter((k) => k in node);
  if ("choose" in node && !forms.includes("of")) forms.push("of");
  if (forms.length > 1) {
    findings.push(
      finding(
        "ambiguous-group",
        path,
        `A requirement combines '${forms.join("' and '")}'; a group is either 'all', 'any' or 'choose' N 'of'.`,
        "Split it into nested groups.",
      ),
    );
    return;
  }
  const form = forms[0];
  const schema: TSchema =
    form === "all"
      ? AllGroupShape
      : form === "any"
        ? AnyGroupShape
        : form === "of"
          ? ChooseGroupShape
          : RequirementBlock;
  findings.push(...schemaFindings(schema, node, path));
  if (form !== undefined) {
    const children = (node as Record<string, unknown>)[form];
    if (Array.isArray(children))
      children.forEach((child, i) => {
        walkNode(child, `${path}/${form}/${i}`, findings, depth + 1);
      });
  }
}

function schemaFindings(schema: TSchema, value: unknown, prefix: string): Finding[] {
  const findings: Finding[] = [];
  for (const error of Value.Errors(schema, value)) {
    // The walker checks nested requirements itself.
    if (prefix === "" && /^\/requirements\/\d+\//.test(error.path)) continue;
    if (prefix !== "" && /^\/(all|any|of)\/\d+/.test(error.path)) continue;
    findings.push(schemaFinding(error, prefix));
  }
  return dedupeByPath(findings);
}

function schemaFinding(error: ValueError, prefix: string): Finding {
  const path = `${prefix}${error.path}`;
  const key = error.path.split("/").pop() ?? "";
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return finding(
        "unexpected-property",
        path,
        `'${key}' is not part of the requirement language here.`,
        hintFor(key),
      );
    case ValueErrorType.ObjectRequiredProperty:
      return finding("missing-property", path, `'${key}' is required here.`, `Add '${key}'.`);
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      if (CREDIT_KEYS.has(key))
        return finding(
          "negative-credits",
          path,
          `${key} is ${String(error.value)}; credits cannot be negative.`,
          "Use 0 or more credits.",
        );
      if (key === "minCount" || key === "maxCount")
        return finding(
          "negative-count",
          path,
          `${key} is ${String(error.value)}; a number of units cannot be negative.`,
          "Use 0 or more units.",
        );
      if (key === "choose")
        return finding(
          "choose-nothing",
          path,
          `'choose ${String(error.value)}' asks for nothing.`,
          "Choose at least 1, or remove the group.",
        );
      break;
    case ValueErrorType.ArrayMinItems:
      if (key === "all" || key === "any" || key === "of")
        return finding(
          "empty-group",
          path,
          `The group's '${key}' list is empty.`,
          "List at least one requirement, or remove the group.",
        );
      if (key === "requirements")
        return finding("no-requirements", path, "The rule set has no requirements.", "List at least one requirement.");
      break;
    case ValueErrorType.Literal:
      if (key === "version")
        return finding(
          "unsupported-version",
          path,
          `Requirement language version ${JSON.stringify(error.value)} is not supported; this bank reads version 1.`,
          "Set version to 1.",
        );
      break;
    case ValueErrorType.Union:
      if (key === "minCount")
        return finding(
          "invalid-value",
          path,
          "minCount must be a whole number of units or 'all'.",
          'Write a number or "all".',
        );
      if (/\/(units|exclude)\/\d+$/.test(error.path))
        return finding(
          "invalid-unit-reference",
          path,
          `${JSON.stringify(error.value)} does not name a unit.`,
          'Name a unit as \'providerId:CODE\' or { "provider": ..., "code": ... }.',
        );
      if (key === "select")
        return finding(
          "invalid-value",
          path,
          "select must be a query object or a list of query objects.",
          hintFor("select"),
        );
      break;
  }
  return finding("invalid-value", path, `${error.message} (at '${path || "/"}').`, hintFor(key));
}

function hintFor(key: string): string {
  const hints: Record<string, string> = {
    select:
      "A query may use providers, atAwardingBody, minLevel, maxLevel, fields, skills, dimensions, achievementTypes, sources and earnedWithinYears.",
  };
  return hints[key] ?? "See docs/requirements.md for the constructs and their fields.";
}

/**
 * TypeBox may report a value twice (a union and its members, a missing property and its missing value);
 * keep the first finding per path and code, and only "missing" for a missing property.
 */
function dedupeByPath(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const missing = new Set(findings.filter((f) => f.code === "missing-property").map((f) => f.path));
  return findings.filter((f) => {
    if (missing.has(f.path) && f.code !== "missing-property") return false;
    const key = `${f.path}\u0000${f.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Meaning

interface NodeInfo {
  node: RequirementNode;
  path: string;
}

function semanticFindings(rules: RequirementRules, ctx: RulesValidationContext): Finding[] {
  const findings: Finding[] = [];
  const nodes: NodeInfo[] = [];
  const collect = (node: RequirementNode, path: string) => {
    nodes.push({ node, path });
    const kids = childrenOf(node);
    if (kids)
      kids.list.forEach((child, i) => {
        collect(child, `${path}/${kids.key}/${i}`);
      });
  };
  rules.requirements.forEach((node, i) => {
    collect(node, `/requirements/${i}`);
  });

  // Ids: requirements and limits share one namespace (results name them); pools have their own.
  const ids = new Map<string, string>();
  const claim = (id: string, path: string, what: string) => {
    const first = ids.get(id);
    if (first !== undefined)
      findings.push(
        finding(
          "duplicate-id",
          `${path}/id`,
          `The ${what} id '${id}' is already used at ${first}.`,
          "Give every requirement and limit its own id.",
        ),
      );
    else ids.set(id, path);
  };
  for (const { node, path } of nodes) claim(node.id, path, "requirement");
  (rules.limits ?? []).forEach((limit, i) => {
    claim(limit.id, `/limits/${i}`, "limit");
  });

  const pools = new Map<string, { pool: Pool; path: string }>();
  (rules.pools ?? []).forEach((pool, i) => {
    const path = `/pools/${i}`;
    const first = pools.get(pool.id);
    if (first)
      findings.push(
        finding(
          "duplicate-id",
          `${path}/id`,
          `The pool id '${pool.id}' is already used at ${first.path}.`,
          "Give every pool its own id.",
        ),
      );
    else pools.set(pool.id, { pool, path });
  });

  // The credit system, and the conversions into it.
  const system = ctx.creditSystems.get(rules.creditSystem);
  if (!system)
    findings.push(
      finding(
        "unknown-credit-system",
        "/creditSystem",
        `Credit system '${rules.creditSystem}' is not in the register.`,
        `Use one of: ${[...ctx.creditSystems.keys()].sort().join(", ")}.`,
      ),
    );
  (rules.conversion?.rates ?? []).forEach((rate, i) => {
    const path = `/conversion/rates/${i}/from`;
    if (!ctx.creditSystems.has(rate.from))
      findings.push(
        finding(
          "unknown-credit-system",
          path,
          `Credit system '${rate.from}' is not in the register.`,
          "Correct the id or register the system.",
        ),
      );
    else if (rate.from === rules.creditSystem)
      findings.push(
        finding(
          "same-system-rate",
          path,
          `A rate from '${rate.from}' to itself has no effect.`,
          "Remove this rate.",
          "warning",
        ),
      );
  });

  // Levels everywhere they appear.
  const checkLevel = (ref: LevelRef, path: string) => findings.push(...levelFindings(ref, path, ctx.frameworks));
  const checkQuery = (q: UnitQuery, path: string) => {
    if (q.minLevel) checkLevel(q.minLevel, `${path}/minLevel`);
    if (q.maxLevel) checkLevel(q.maxLevel, `${path}/maxLevel`);
    if (q.minLevel && q.maxLevel && q.minLevel.framework === q.maxLevel.framework) {
      const fw = ctx.frameworks.get(q.minLevel.framework);
      const lo = fw && findLevel(fw, q.minLevel.level);
      const hi = fw && findLevel(fw, q.maxLevel.level);
      if (lo && hi && lo.ordinal > hi.ordinal)
        findings.push(
          finding(
            "min-above-max",
            `${path}/minLevel`,
            `The query asks for level ${q.minLevel.level} or above and level ${q.maxLevel.level} or below, which no unit can be.`,
            "Swap or correct the levels.",
          ),
        );
    }
    if (ctx.skillFrameworks)
      (q.skills ?? []).forEach((skill, i) => {
        const items = ctx.skillFrameworks?.get(skill.framework);
        if (!items)
          findings.push(
            finding(
              "unknown-skill-framework",
              `${path}/skills/${i}/framework`,
              `Skill framework '${skill.framework}' is not in the register.`,
              "Correct the id or register the framework.",
            ),
          );
        else if (!items.items.has(skill.code))
          findings.push(
            finding(
              "unknown-skill",
              `${path}/skills/${i}/code`,
              `Skill '${skill.code}' is not in skill framework '${skill.framework}'.`,
              "Correct the code.",
            ),
          );
      });
  };
  const queriesOf = (select: UnitQuery | UnitQuery[] | undefined, path: string): [UnitQuery, string][] =>
    select === undefined
      ? []
      : Array.isArray(select)
        ? select.map((q, i) => [q, `${path}/select/${i}`])
        : [[select, `${path}/select`]];

  const checkUnits = (refs: readonly UnitRef[] | undefined, path: string, key: "units" | "exclude") => {
    const seen = new Map<string, number>();
    (refs ?? []).forEach((ref, i) => {
      const k = unitRefKey(ref);
      const first = seen.get(k);
      if (first !== undefined)
        findings.push(
          finding(
            "duplicate-unit",
            `${path}/${key}/${i}`,
            `Unit ${k} is listed twice (first at ${path}/${key}/${first}).`,
            "Remove the repeat.",
            "warning",
          ),
        );
      else seen.set(k, i);
      if (ctx.lookupUnit) {
        const { provider, code } = unitRefParts(ref);
        if (!ctx.lookupUnit(provider, code))
          findings.push(
            finding(
              "unknown-unit",
              `${path}/${key}/${i}`,
              `Unit ${k} is not in the catalogue.`,
              "Correct the provider or code, or add the unit to the catalogue first.",
            ),
          );
      }
    });
  };

  // Pools: references and cycles.
  for (const { pool, path } of pools.values()) {
    checkUnits(pool.units, path, "units");
    checkUnits(pool.exclude, path, "exclude");
    for (const [q, qp] of queriesOf(pool.select, path)) checkQuery(q, qp);
    (pool.include ?? []).forEach((id, i) => {
      if (!pools.has(id))
        findings.push(
          finding("unknown-pool", `${path}/include/${i}`, `Pool '${id}' is not defined in pools.`, poolHint(pools)),
        );
    });
    if (!pool.units?.length && pool.select === undefined && !pool.include?.length)
      findings.push(
        finding(
          "selects-nothing",
          path,
          `Pool '${pool.id}' names no units, no query and no pools.`,
          "Add units, a select query or include.",
        ),
      );
  }
  findings.push(...poolCycleFindings(pools));

  // Requirements.
  const blockIds = new Map<string, NodeInfo>();
  const requiredIn = new Map<string, string[]>(); // unit key → pointers of blocks requiring it
  for (const info of nodes) {
    const { node, path } = info;
    if ("choose" in node) {
      if (node.choose > node.of.length)
        findings.push(
          finding(
            "impossible-choice",
            `${path}/choose`,
            `'${node.id}' asks to choose ${node.choose} of ${node.of.length} requirement${node.of.length === 1 ? "" : "s"}.`,
            `Choose at most ${node.of.length}, or add requirements to 'of'.`,
          ),
        );
      continue;
    }
    if ("all" in node || "any" in node) continue;
    blockIds.set(node.id, info);
    checkUnits(node.units, path, "units");
    checkUnits(node.exclude, path, "exclude");
    const queries = queriesOf(node.select, path);
    for (const [q, qp] of queries) checkQuery(q, qp);
    (node.pools ?? []).forEach((id, i) => {
      if (!pools.has(id))
        findings.push(
          finding("unknown-pool", `${path}/pools/${i}`, `Pool '${id}' is not defined in pools.`, poolHint(pools)),
        );
    });
    const named = node.units?.length ?? 0;
    const onlyNamed = queries.length === 0 && !node.pools?.length;
    if (named === 0 && onlyNamed)
      findings.push(
        finding(
          "selects-nothing",
          path,
          `Block '${node.id}' names no units, no query and no pools.`,
          "Add units, a select query or pools.",
        ),
      );

    if (node.minCredits !== undefined && node.maxCredits !== undefined && node.minCredits > node.maxCredits)
      findings.push(
        finding(
          "min-above-max",
          `${path}/minCredits`,
          `Block '${node.id}' needs at least ${node.minCredits} credits but counts at most ${node.maxCredits}.`,
          "Lower minCredits or raise maxCredits.",
        ),
      );
    const minCount = node.minCount === "all" ? named : node.minCount;
    if (minCount !== undefined && node.maxCount !== undefined && minCount > node.maxCount)
      findings.push(
        finding(
          "min-above-max",
          `${path}/minCount`,
          `Block '${node.id}' needs at least ${minCount} units but counts at most ${node.maxCount}.`,
          "Lower minCount or raise maxCount.",
        ),
      );
    if (node.minCount === "all" && named === 0)
      findings.push(
        finding(
          "all-without-units",
          `${path}/minCount`,
          `Block '${node.id}' requires 'all' units but names none in 'units'.`,
          "Name the units, or give minCount as a number.",
        ),
      );
    if (typeof node.minCount === "number" && onlyNamed && node.minCount > named)
      findings.push(
        finding(
          "impossible-block",
          `${path}/minCount`,
          `Block '${node.id}' needs ${node.minCount} units but names only ${named}.`,
          `Ask for at most ${named} units, or name more.`,
        ),
      );
    if (node.minCredits !== undefined && onlyNamed && named > 0 && ctx.lookupUnit && system) {
      const reachable = namedCredits(node.units ?? [], ctx, system);
      if (reachable !== undefined && reachable < node.minCredits)
        findings.push(
          finding(
            "impossible-block",
            `${path}/minCredits`,
            `Block '${node.id}' needs ${node.minCredits} credits but its units carry only ${reachable} ${system.id.toUpperCase()} credits in all.`,
            "Lower minCredits or name more units.",
          ),
        );
    }
    if (node.minGrade && !node.minGrade.scale.includes(node.minGrade.grade))
      findings.push(
        finding(
          "grade-not-in-scale",
          `${path}/minGrade/grade`,
          `Grade '${node.minGrade.grade}' is not on the scale ${node.minGrade.scale.join(", ")}.`,
          "Use a grade of the scale.",
        ),
      );
    if (node.minCredits === undefined && node.minCount === undefined)
      findings.push(
        finding(
          "no-minimum",
          path,
          `Block '${node.id}' has no minimum: it is always met and only counts credits toward the totals.`,
          "Give minCredits or minCount, unless this is meant as an optional pool.",
          "info",
        ),
      );
    if (node.minCount === "all" && !node.shared && !rules.allowDoubleCounting)
      for (const ref of node.units ?? []) {
        const k = unitRefKey(ref);
        requiredIn.set(k, [...(requiredIn.get(k) ?? []), path]);
      }
  }
  for (const [k, paths] of requiredIn)
    if (paths.length > 1)
      findings.push(
        finding(
          "unit-required-twice",
          paths[1] as string,
          `Unit ${k} is required in every one of ${paths.join(" and ")}, but one entry may count in only one block.`,
          "Mark one block shared, set allowDoubleCounting, or require the unit once.",
        ),
      );

  // Qualification-wide constraints.
  (rules.minCreditsAtOrAbove ?? []).forEach((c, i) => {
    checkLevel(c.level, `/minCreditsAtOrAbove/${i}/level`);
  });
  (rules.maxCreditsBelow ?? []).forEach((c, i) => {
    checkLevel(c.level, `/maxCreditsBelow/${i}/level`);
  });
  (rules.limits ?? []).forEach((limit, i) => {
    const path = `/limits/${i}`;
    checkQuery(limit.where, `${path}/where`);
    if (limit.minCredits === undefined && limit.maxCredits === undefined)
      findings.push(
        finding(
          "limit-without-bound",
          path,
          `Limit '${limit.id}' has neither minCredits nor maxCredits.`,
          "Give minCredits, maxCredits or both.",
        ),
      );
    if (limit.minCredits !== undefined && limit.maxCredits !== undefined && limit.minCredits > limit.maxCredits)
      findings.push(
        finding(
          "min-above-max",
          `${path}/minCredits`,
          `Limit '${limit.id}' needs at least ${limit.minCredits} credits but counts at most ${limit.maxCredits}.`,
          "Correct the bounds.",
        ),
      );
  });
  const residency = rules.residency;
  if (
    residency?.minCreditsAtAwardingBody !== undefined &&
    rules.totalCredits !== undefined &&
    residency.minCreditsAtAwardingBody > rules.totalCredits
  )
    findings.push(
      finding(
        "min-above-total",
        "/residency/minCreditsAtAwardingBody",
        `At least ${residency.minCreditsAtAwardingBody} credits at the awarding body is more than the ${rules.totalCredits} credits of the qualification.`,
        "Lower the residency minimum.",
        "warning",
      ),
    );
  if (rules.capstone) {
    const target = rules.capstone.block;
    const info = blockIds.get(target);
    if (!info) {
      const group = nodes.find((n) => n.node.id === target);
      findings.push(
        group
          ? finding(
              "capstone-not-a-block",
              "/capstone/block",
              `The capstone '${target}' is a group; it must be a block.`,
              "Point the capstone at the block holding the capstone unit.",
            )
          : finding(
              "unknown-block",
              "/capstone/block",
              `No block has the id '${target}'.`,
              `Use one of: ${[...blockIds.keys()].join(", ")}.`,
            ),
      );
    }
    if (rules.capstone.minLevel) checkLevel(rules.capstone.minLevel, "/capstone/minLevel");
  }

  // Exactness has a price: capped shared blocks multiply the choices of every entry they accept.
  const cappedShared = nodes.filter(
    ({ node }) =>
      "id" in node &&
      !("all" in node) &&
      !("any" in node) &&
      !("of" in node) &&
      (node.shared === true || rules.allowDoubleCounting === true) &&
      ((node as { maxCredits?: number }).maxCredits !== undefined ||
        (node as { maxCount?: number }).maxCount !== undefined),
  );
  if (cappedShared.length > MAX_CAPPED_SHARED_BLOCKS)
    findings.push(
      finding(
        "too-many-capped-shared-blocks",
        cappedShared[MAX_CAPPED_SHARED_BLOCKS]?.path ?? "",
        `${cappedShared.length} shared blocks have a maximum; the audit supports at most ${MAX_CAPPED_SHARED_BLOCKS}.`,
        "Drop maxCredits/maxCount from some shared blocks, or express the cap as a limit.",
      ),
    );
  return findings;
}

/** Capped shared (or double-counting) blocks an entry can be in; each doubles its choices in the search. */
export const MAX_CAPPED_SHARED_BLOCKS = 6;

function childrenOf(node: RequirementNode): { key: "all" | "any" | "of"; list: RequirementNode[] } | undefined {
  if ("all" in node) return { key: "all", list: node.all };
  if ("any" in node) return { key: "any", list: node.any };
  if ("of" in node) return { key: "of", list: node.of };
  return undefined;
}

function levelFindings(ref: LevelRef, path: string, frameworks: ReadonlyMap<string, Framework>): Finding[] {
  const fw = frameworks.get(ref.framework);
  if (!fw)
    return [
      finding(
        "unknown-framework",
        `${path}/framework`,
        `Framework '${ref.framework}' is not in the register.`,
        `Use one of: ${[...frameworks.keys()].sort().join(", ")}.`,
      ),
    ];
  if (!findLevel(fw, ref.level))
    return [
      finding(
        "unknown-level",
        `${path}/level`,
        `Framework '${ref.framework}' has no level '${ref.level}'.`,
        `Use one of its levels: ${fw.levels.map((l) => l.code).join(", ")}.`,
      ),
    ];
  return [];
}

/** Cycles of pools including each other, each reported once at the include that closes it. */
function poolCycleFindings(pools: ReadonlyMap<string, { pool: Pool; path: string }>): Finding[] {
  const findings: Finding[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, "visiting");
    stack.push(id);
    const entry = pools.get(id);
    (entry?.pool.include ?? []).forEach((next, i) => {
      if (!pools.has(next)) return;
      const s = state.get(next);
      if (s === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        findings.push(
          finding(
            "pool-cycle",
            `${entry?.path}/include/${i}`,
            `Pools include each other in a circle: ${cycle.join(" → ")}.`,
            "Remove one of the includes so that pools form a tree.",
          ),
        );
      } else if (s === undefined) visit(next);
    });
    stack.pop();
    state.set(id, "done");
  };
  for (const id of [...pools.keys()].sort()) if (!state.has(id)) visit(id);
  return findings;
}

function poolHint(pools: ReadonlyMap<string, unknown>): string {
  return pools.size === 0 ? "Define the pool under 'pools' first." : `Use one of: ${[...pools.keys()].join(", ")}.`;
}

/** The credits of named units, or undefined when some unit's credits are unknown or in another system. */
function namedCredits(refs: readonly UnitRef[], ctx: RulesValidationContext, system: CreditSystem): number | undefined {
  let total = 0;
  const seen = new Set<string>();
  for (const ref of refs) {
    const k = unitRefKey(ref);
    if (seen.has(k)) continue;
    seen.add(k);
    const { provider, code } = unitRefParts(ref);
    const unit = ctx.lookupUnit?.(provider, code);
    // Units in other systems are converted at audit time with the rule set's rounding; not checked here.
    if (!unit?.credits || unit.credits.system !== system.id) return undefined;
    total += unit.credits.value;
  }
  return total;
}

function finding(
  code: string,
  path: string,
  message: string,
  hint: string,
  severity: Finding["severity"] = "error",
): Finding {
  return { code, severity, path, message, hint };
}
