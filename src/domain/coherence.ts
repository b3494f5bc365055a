/**
 * The coherence check of a unit on the common template: what the quality register verifies before a unit
 * is listed. Objectives must be backed by outcomes and outcomes by assessment, credits must agree with
 * notional hours, the level must exist and fall within the provider's accreditation, prerequisites must
 * exist and not go round in circles.
 *
 * It is one pure function from a unit and its context to a list of findings, so the same check runs when
 * a provider saves a draft (as advice), when a unit is submitted or approved (errors block, see
 * register-workflow.ts), and in a browser as the provider types.
 */
import { type AccreditationFailure, accreditationCovers } from "./accreditation.ts";
import { creditsConsistentWithHours, expectedCreditsRange, findLevel, levelOrdinal } from "./frameworks.ts";
import type { CreditSystem, Framework, Provider, UnitSpec } from "./schema/catalogue.ts";
import { DIMENSION_LABELS, DIMENSIONS } from "./schema/common.ts";
import {
  DEFAULT_TEMPLATE_POLICY,
  type MissingElement,
  missingMandatoryElements,
  type TemplatePolicy,
} from "./template.ts";

export type Severity = "error" | "warning" | "info";

export type Finding = {
  /** Machine-readable, stable: clients branch on it. */
  code: string;
  /** Errors block submission and approval; warnings and information do not. */
  severity: Severity;
  /** JSON pointer into the checked document ('' for the whole of it). */
  path: string;
  /** What is wrong, as a sentence naming the offending ids or values. */
  message: string;
  /** How to fix it. */
  hint: string;
};

export interface CoherenceContext {
  /** The unit's provider as registered; undefined when the register does not know it. */
  provider?: Provider;
  frameworks: ReadonlyMap<string, Framework>;
  creditSystems: ReadonlyMap<string, CreditSystem>;
  /** Skill frameworks by id with the set of their item codes; alignments to other frameworks are not checked. */
  skillFrameworks?: ReadonlyMap<string, { items: Set<string> }>;
  /** The date accreditation is checked on (YYYY-MM-DD). */
  today: string;
  /**
   * The prerequisites, as keys 'providerId:CODE', of a unit in the catalogue; undefined when the catalogue
   * has no such unit. The unit being checked is read from its spec instead, since it may be an unsaved draft.
   */
  prerequisitesOf: (unitKey: string) => string[] | undefined;
}

/** Whether any finding blocks submission or approval. */
export function hasBlockingFindings(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === "error");
}

/** The key a unit has in prerequisite graphs: 'providerId:CODE'. */
export function unitKey(providerId: string, code: string): string {
  return `${providerId}:${code}`;
}

/** A prerequisite as written by `providerId` ('CODE' there, or 'other:CODE') as a unit key. */
export function prerequisiteKey(providerId: string, prerequisite: string): string {
  // Unit codes cannot contain ':', so a colon always separates a provider id.
  return prerequisite.includes(":") ? prerequisite : unitKey(providerId, prerequisite);
}

/**
 * Every coherence finding for a unit, ordered by path (numeric segments numerically) and then by code,
 * so that the same unit always gives the same list.
 */
export function checkUnitCoherence(
  unit: UnitSpec,
  ctx: CoherenceContext,
  policy: TemplatePolicy = DEFAULT_TEMPLATE_POLICY,
): Finding[] {
  // Checking a unit against another provider's accreditation would give a confident, wrong answer.
  if (ctx.provider && ctx.provider.id !== unit.provider)
    throw new Error(`Unit of provider '${unit.provider}' checked with the context of provider '${ctx.provider.id}'.`);
  const findings = [
    ...missingElementFindings(unit, ctx.provider),
    ...duplicateIdFindings(unit),
    ...alignmentFindings(unit),
    ...dimensionFindings(unit, policy),
    ...weightFindings(unit),
    ...levelAndCreditFindings(unit, ctx),
    ...accreditationFindings(unit, ctx),
    ...prerequisiteFindings(unit, ctx),
    ...skillFindings(unit, ctx),
    ...optionalElementFindings(unit),
  ];
  // Array.prototype.sort is stable, so findings sharing path and code keep the order they were made in.
  return findings.sort((a, b) => comparePointers(a.path, b.path) || compareStrings(a.code, b.code));
}

// ---------------------------------------------------------------------------------------------
// Template elements

const MISSING_TEXT: Record<string, { what: (unit: UnitSpec) => string; hint: string }> = {
  "/title": { what: () => "the unit has no title", hint: "Give the unit a title." },
  "/provider": {
    what: (u) => `provider '${u.provider}' is not in the register, so the issuer's country is unknown`,
    hint: "Register the provider first, or correct the provider id.",
  },
  "/awardingBodies": {
    what: (u) => `provider '${u.provider}' is not in the register and the unit names no awarding bodies`,
    hint: "Register the provider, or list the awarding bodies in awardingBodies.",
  },
  "/outcomes": {
    what: () => "the unit lists no learning outcomes",
    hint: "Add the learning outcomes a learner achieves, each tagged with its dimension.",
  },
  "/notionalHours": {
    what: () => "the notional hours are not given",
    hint: "Give the notional learning hours (all the learner's work, including self-study and assessment).",
  },
  "/credits": {
    what: () => "the credits are not given",
    hint: "Give the credits and their credit system (ECTS wherever possible).",
  },
  "/level": {
    what: () => "no qualifications framework level is given",
    hint: "Give the level in a registered framework, e.g. { framework: 'eqf', level: '5' }.",
  },
  "/assessments": {
    what: () => "no assessment is described",
    hint: "Describe how the outcomes are assessed, listing the outcomes each assessment covers.",
  },
  "/mode": {
    what: () => "the form of participation is not given",
    hint: "Set the mode to online, onsite or blended.",
  },
  "/qualityAssurance": {
    what: () => "neither the unit nor its provider describes its quality assurance",
    hint: "Describe the quality assurance on the provider (applies to all its units) or on this unit.",
  },
};

function missingElementFindings(unit: UnitSpec, provider: Provider | undefined): Finding[] {
  return missingMandatoryElements(unit, provider).map(({ element, path }: MissingElement) => {
    const text = MISSING_TEXT[path];
    return {
      code: "missing-mandatory-element",
      severity: "error",
      path,
      message: `Mandatory element "${element.label}" is missing: ${text ? text.what(unit) : `${path} is empty`}.`,
      hint: text?.hint ?? `Fill in ${path}.`,
    };
  });
}

function optionalElementFindings(unit: UnitSpec): Finding[] {
  const findings: Finding[] = [];
  if (unit.identityVerification === undefined)
    findings.push({
      code: "identity-verification-missing",
      severity: "info",
      path: "/identityVerification",
      message: "The unit does not say how assessment is supervised and whether the learner's identity is verified.",
      hint: "Set identityVerification: recognising institutions and employers weigh credentials by it.",
    });
  if (unit.stackability === undefined)
    findings.push({
      code: "stackability-missing",
      severity: "info",
      path: "/stackability",
      message: "The unit does not say whether it stands alone or stacks towards a larger credential.",
      hint: "Set stackability to stand-alone or stackable.",
    });
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Objectives, outcomes, assessments

function duplicateIdFindings(unit: UnitSpec): Finding[] {
  const lists = [
    { key: "objectives", noun: "Objective", items: unit.objectives ?? [] },
    { key: "outcomes", noun: "Outcome", items: unit.outcomes ?? [] },
    { key: "assessments", noun: "Assessment", items: unit.assessments ?? [] },
  ];
  return lists.flatMap(({ key, noun, items }) => {
    const first = new Map<string, number>();
    return items.flatMap((item, i): Finding[] => {
      const seen = first.get(item.id);
      if (seen === undefined) {
        first.set(item.id, i);
        return [];
      }
      return [
        {
          code: "duplicate-id",
          severity: "error",
          path: `/${key}/${i}/id`,
          message: `${noun} id '${item.id}' is used more than once (first at /${key}/${seen}).`,
          hint: `Give each ${noun.toLowerCase()} its own id; other elements refer to them by id.`,
        },
      ];
    });
  });
}

function alignmentFindings(unit: UnitSpec): Finding[] {
  const objectives = unit.objectives ?? [];
  const outcomes = unit.outcomes ?? [];
  const assessments = unit.assessments ?? [];
  const objectiveIds = new Set(objectives.map((o) => o.id));
  const outcomeIds = new Set(outcomes.map((o) => o.id));
  const served = new Set(outcomes.flatMap((o) => o.objectives ?? []));
  const assessed = new Set(assessments.flatMap((a) => a.outcomes));
  const findings: Finding[] = [];

  objectives.forEach((objective, i) => {
    if (!served.has(objective.id))
      findings.push({
        code: "objective-unsupported",
        severity: "error",
        path: `/objectives/${i}`,
        message: `Objective '${objective.id}' is not served by any learning outcome.`,
        hint: `List '${objective.id}' in the objectives of the outcomes that achieve it, or remove the objective.`,
      });
  });
  outcomes.forEach((outcome, i) => {
    (outcome.objectives ?? []).forEach((ref, j) => {
      if (!objectiveIds.has(ref))
        findings.push({
          code: "outcome-unknown-objective",
          severity: "error",
          path: `/outcomes/${i}/objectives/${j}`,
          message: `Outcome '${outcome.id}' refers to objective '${ref}', which the unit does not have.`,
          hint: `Use one of the objective ids (${[...objectiveIds].join(", ") || "none defined"}) or add objective '${ref}'.`,
        });
    });
    if (!assessed.has(outcome.id))
      findings.push({
        code: "outcome-unassessed",
        severity: "error",
        path: `/outcomes/${i}`,
        message: `Outcome '${outcome.id}' is not assessed by any assessment.`,
        hint: `List '${outcome.id}' in the outcomes of the assessment that tests it: credit is awarded only for assessed outcomes.`,
      });
    if (outcome.dimension === undefined)
      findings.push({
        code: "outcome-without-dimension",
        severity: "error",
        path: `/outcomes/${i}/dimension`,
        message: `Outcome '${outcome.id}' has no dimension.`,
        hint: `Tag it with one of: ${DIMENSIONS.join(", ")}.`,
      });
  });
  assessments.forEach((assessment, i) => {
    assessment.outcomes.forEach((ref, j) => {
      if (!outcomeIds.has(ref))
        findings.push({
          code: "assessment-unknown-outcome",
          severity: "error",
          path: `/assessments/${i}/outcomes/${j}`,
          message: `Assessment '${assessment.id}' refers to outcome '${ref}', which the unit does not have.`,
          hint: `Use one of the outcome ids (${[...outcomeIds].join(", ") || "none defined"}) or add outcome '${ref}'.`,
        });
    });
  });
  return findings;
}

function dimensionFindings(unit: UnitSpec, policy: TemplatePolicy): Finding[] {
  const outcomes = unit.outcomes ?? [];
  // With no outcomes at all, the missing "Learning outcomes" element already says it; one dimension
  // finding per dimension on top would only be noise.
  if (outcomes.length === 0) return [];
  const covered = new Set(outcomes.map((o) => o.dimension));
  return DIMENSIONS.filter((d) => !covered.has(d)).map((d): Finding => {
    const required = policy.requiredDimensions.includes(d);
    return {
      code: "missing-dimension",
      severity: required ? "error" : "info",
      path: "/outcomes",
      message: `No learning outcome covers the dimension "${DIMENSION_LABELS[d]}" (${d})${required ? ", which the register requires" : ""}.`,
      hint: `Add or tag an outcome with dimension '${d}'.`,
    };
  });
}

function weightFindings(unit: UnitSpec): Finding[] {
  const assessments = unit.assessments ?? [];
  const weighted = assessments.filter((a) => a.weight !== undefined);
  if (weighted.length === 0) return [];
  const sum = weighted.reduce((total, a) => total + (a.weight ?? 0), 0);
  if (Math.abs(sum - 100) < 1e-6) return [];
  const unweighted = assessments.filter((a) => a.weight === undefined).map((a) => `'${a.id}'`);
  return [
    {
      code: "assessment-weights",
      severity: "warning",
      path: "/assessments",
      message: `The assessment weights add up to ${round(sum)}%, not 100%${
        unweighted.length > 0 ? ` (${unweighted.join(", ")} ${unweighted.length === 1 ? "has" : "have"} no weight)` : ""
      }.`,
      hint: "Make the weights of all assessments add up to 100, or leave every weight out.",
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Level, credits, accreditation

function levelAndCreditFindings(unit: UnitSpec, ctx: CoherenceContext): Finding[] {
  const findings: Finding[] = [];
  if (unit.level) {
    const fw = ctx.frameworks.get(unit.level.framework);
    if (!fw)
      findings.push({
        code: "unknown-framework",
        severity: "error",
        path: "/level/framework",
        message: `Framework '${unit.level.framework}' is not in the register.`,
        hint: `Use a registered framework: ${[...ctx.frameworks.keys()].join(", ") || "none is registered yet"}.`,
      });
    else if (!findLevel(fw, unit.level.level))
      findings.push({
        code: "unknown-level",
        severity: "error",
        path: "/level/level",
        message: `Framework '${fw.id}' has no level '${unit.level.level}'.`,
        hint: `Use one of its levels: ${fw.levels.map((l) => l.code).join(", ")}.`,
      });
  }
  if (unit.credits) {
    const credits = unit.credits;
    const system = ctx.creditSystems.get(credits.system);
    if (!system)
      findings.push({
        code: "unknown-credit-system",
        severity: "error",
        path: "/credits/system",
        message: `Credit system '${credits.system}' is not in the register.`,
        hint: `Use a registered credit system: ${[...ctx.creditSystems.keys()].join(", ") || "none is registered yet"}.`,
      });
    else if (unit.notionalHours !== undefined) {
      const check = creditsConsistentWithHours(credits, unit.notionalHours, system);
      if (!check.consistent) {
        const label = system.id.toUpperCase();
        const { min, max } = system.hoursPerCredit;
        const credit = expectedCreditsRange(unit.notionalHours, system);
        findings.push({
          code: "credits-hours-mismatch",
          severity: "error",
          path: "/credits",
          message: `${round(credits.value)} ${label} credits do not match ${round(unit.notionalHours)} notional hours: at ${round(min)}–${round(max)} h per credit they stand for ${round(credits.value * min)}–${round(credits.value * max)} h.`,
          hint: `For ${round(credits.value)} ${label} credits give ${round(check.expectedMin)}–${round(check.expectedMax)} notional hours (10% tolerance included); for ${round(unit.notionalHours)} h give ${round(credit.min)}–${round(credit.max)} ${label} credits.`,
        });
      }
    }
  }
  return findings;
}

const ACCREDITATION_PATH: Record<AccreditationFailure, string> = {
  "provider-not-accredited": "/provider",
  "accreditation-not-in-force": "/provider",
  "level-outside-accreditation": "/level",
  "field-outside-accreditation": "/field",
};

const ACCREDITATION_HINT: Record<AccreditationFailure, string> = {
  "provider-not-accredited": "Ask the registry to accredit the provider before submitting units.",
  "accreditation-not-in-force": "Ask the registry to renew or reinstate the provider's accreditation.",
  "level-outside-accreditation":
    "Choose a level within the provider's accreditation, or ask the registry to extend it.",
  "field-outside-accreditation":
    "Choose a field within the provider's accreditation, or ask the registry to extend it.",
};

function accreditationFindings(unit: UnitSpec, ctx: CoherenceContext): Finding[] {
  // An unknown provider or level is already reported; judging accreditation on it would repeat the error.
  if (!ctx.provider || !unit.level || levelOrdinal(ctx.frameworks, unit.level) === undefined) return [];
  const result = accreditationCovers(ctx.provider, ctx.frameworks, {
    level: unit.level,
    ...(unit.field !== undefined ? { field: unit.field } : {}),
    on: ctx.today,
  });
  if (result.covered) return [];
  return [
    {
      code: result.code,
      severity: "error",
      path: ACCREDITATION_PATH[result.code],
      message: result.message,
      hint: ACCREDITATION_HINT[result.code],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

function prerequisiteFindings(unit: UnitSpec, ctx: CoherenceContext): Finding[] {
  const self = unitKey(unit.provider, unit.code);
  const own = (unit.prerequisites ?? []).map((p) => prerequisiteKey(unit.provider, p.unit));
  // The walk stops when it reaches this unit, so the catalogue's (possibly stale) copy of its own
  // prerequisites is never followed: only the spec being checked is.
  const next = (key: string): string[] => {
    const provider = key.slice(0, key.indexOf(":"));
    return (ctx.prerequisitesOf(key) ?? []).map((p) => prerequisiteKey(provider, p));
  };

  const findings: Finding[] = [];
  own.forEach((key, i) => {
    const path = `/prerequisites/${i}/unit`;
    if (key !== self && ctx.prerequisitesOf(key) === undefined) {
      findings.push({
        code: "prerequisite-unknown",
        severity: "error",
        path,
        message: `Prerequisite '${key}' is not a unit in the catalogue.`,
        hint: "Write a unit code of the same provider, or 'providerId:CODE' for another provider's unit.",
      });
      return;
    }
    const back = shortestPath(key, self, next);
    if (back)
      findings.push({
        code: "prerequisite-cycle",
        severity: "error",
        path,
        message: `Prerequisites go round in a circle: ${[self, ...back].join(" → ")}.`,
        hint: `Remove prerequisite '${key}' or a prerequisite further along the circle: no learner could ever start.`,
      });
  });
  return findings;
}

/** The shortest walk from `from` to `to` (both included) along `next`, breadth first, or undefined. */
function shortestPath(from: string, to: string, next: (key: string) => string[]): string[] | undefined {
  const parent = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const key = queue[head] as string;
    if (key === to) {
      const walk: string[] = [];
      for (let k: string | null | undefined = key; k != null; k = parent.get(k)) walk.unshift(k);
      return walk;
    }
    for (const n of next(key))
      if (!parent.has(n)) {
        parent.set(n, key);
        queue.push(n);
      }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Skills

function skillFindings(unit: UnitSpec, ctx: CoherenceContext): Finding[] {
  return (unit.skills ?? []).flatMap((skill, i): Finding[] => {
    const framework = ctx.skillFrameworks?.get(skill.framework);
    if (!framework || framework.items.has(skill.code)) return [];
    return [
      {
        code: "unknown-skill",
        severity: "warning",
        path: `/skills/${i}/code`,
        message: `Skill '${skill.code}' is not an item of skill framework '${skill.framework}'.`,
        hint: `Use a code from '${skill.framework}', or align to another framework.`,
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Orders JSON pointers segment by segment, numbers numerically, so '/outcomes/2' precedes '/outcomes/10'. */
export function comparePointers(a: string, b: string): number {
  const as = a === "" ? [] : a.slice(1).split("/");
  const bs = b === "" ? [] : b.slice(1).split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i] as string;
    const y = bs[i] as string;
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    return numeric ? Number(x) - Number(y) : compareStrings(x, y);
  }
  return as.length - bs.length;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(x: number): string {
  return String(Number(x.toFixed(2)));
}
