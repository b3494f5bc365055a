/**
 * Qualifications frameworks (levels and level referencing between frameworks) and credit systems
 * (credits as notional learning hours, and conversion between systems).
 *
 * Frameworks are data, not code: the EQF and any national framework are `Framework` values, and a
 * framework's referencing to another is a list of level-to-level statements. Everything here is a pure
 * function of that data.
 */

import type { Finding } from "./coherence.ts";
import type { CreditSystem, Framework, FrameworkLevel } from "./schema/catalogue.ts";
import type { CreditAmount, LevelRef } from "./schema/common.ts";

// ---------------------------------------------------------------------------------------------
// Frameworks and levels

/** The level with this code in a framework. */
export function findLevel(fw: Framework, code: string): FrameworkLevel | undefined {
  return fw.levels.find((level) => level.code === code);
}

/** The ordinal of a level, or undefined when the framework or the level does not exist. */
export function levelOrdinal(frameworks: ReadonlyMap<string, Framework>, ref: LevelRef): number | undefined {
  const fw = frameworks.get(ref.framework);
  return fw ? findLevel(fw, ref.level)?.ordinal : undefined;
}

/** A framework as people read it: its short name, else its name, else (unknown) its id. */
export function frameworkLabel(frameworks: ReadonlyMap<string, Framework>, id: string): string {
  const fw = frameworks.get(id);
  return fw ? (fw.shortName ?? fw.name) : id;
}

/** A level as people read it: "EQF level 6". */
export function describeLevel(frameworks: ReadonlyMap<string, Framework>, ref: LevelRef): string {
  return `${frameworkLabel(frameworks, ref.framework)} level ${ref.level}`;
}

/**
 * Structural problems of a framework: duplicate level codes or ordinals (either makes level comparison
 * ambiguous), and level references that point nowhere. `known` holds the other frameworks; when it is
 * given, a reference to a framework missing from it is reported, and a reference's target level is
 * checked whenever its framework is known (the framework itself counts as known).
 */
export function validateFramework(fw: Framework, known?: ReadonlyMap<string, Framework>): Finding[] {
  const findings: Finding[] = [];
  const firstByCode = new Map<string, number>();
  const firstByOrdinal = new Map<number, number>();
  fw.levels.forEach((level, i) => {
    const sameCode = firstByCode.get(level.code);
    if (sameCode === undefined) firstByCode.set(level.code, i);
    else
      findings.push({
        code: "duplicate-level-code",
        severity: "error",
        path: `/levels/${i}/code`,
        message: `Framework '${fw.id}' has level code '${level.code}' more than once (first at /levels/${sameCode}).`,
        hint: "Give every level of the framework its own code.",
      });
    const sameOrdinal = firstByOrdinal.get(level.ordinal);
    if (sameOrdinal === undefined) firstByOrdinal.set(level.ordinal, i);
    else
      findings.push({
        code: "duplicate-level-ordinal",
        severity: "error",
        path: `/levels/${i}/ordinal`,
        message: `Framework '${fw.id}' levels '${fw.levels[sameOrdinal]?.code}' and '${level.code}' share ordinal ${level.ordinal}.`,
        hint: "Give every level a distinct ordinal so that levels can be compared (higher is more advanced).",
      });
  });

  (fw.levelReferences ?? []).forEach((ref, i) => {
    if (!firstByCode.has(ref.level))
      findings.push({
        code: "reference-unknown-level",
        severity: "error",
        path: `/levelReferences/${i}/level`,
        message: `A level reference of framework '${fw.id}' starts from level '${ref.level}', which the framework does not have.`,
        hint: `Use one of the framework's level codes: ${fw.levels.map((l) => l.code).join(", ")}.`,
      });
    const target = ref.targetFramework === fw.id ? fw : known?.get(ref.targetFramework);
    if (target === undefined) {
      if (known !== undefined)
        findings.push({
          code: "reference-unknown-framework",
          severity: "error",
          path: `/levelReferences/${i}/targetFramework`,
          message: `Level '${ref.level}' of framework '${fw.id}' is referenced to framework '${ref.targetFramework}', which is not in the register.`,
          hint: "Register the target framework first, or correct its id.",
        });
    } else if (findLevel(target, ref.targetLevel) === undefined)
      findings.push({
        code: "reference-unknown-target-level",
        severity: "error",
        path: `/levelReferences/${i}/targetLevel`,
        message: `Level '${ref.level}' of framework '${fw.id}' is referenced to level '${ref.targetLevel}' of framework '${target.id}', which has no such level.`,
        hint: `Use one of the levels of '${target.id}': ${target.levels.map((l) => l.code).join(", ")}.`,
      });
  });
  return findings;
}

/**
 * The level of another framework that `from` corresponds to, with the path of levels walked to get there
 * (starting with `from`, ending with the result).
 *
 * Tried in order: the same framework (no referencing needed); a reference declared by the source
 * framework; the inverse of a reference declared by the target framework; and finally one intermediate
 * framework (typically national framework → EQF → another national framework), each hop again direct or
 * inverse. A framework's own referencing report wins over the other framework's, because that is the
 * statement its authority made about its own levels.
 *
 * Whenever a step has several candidates (typically going backwards, where several target levels were
 * referenced to the same source level) the lowest is chosen: in recognition it is the conservative
 * answer, never granting a learner a level the evidence does not support. References whose levels do not
 * exist are ignored, so stale data cannot produce a level that is not there.
 */
export function referenceLevel(
  frameworks: ReadonlyMap<string, Framework>,
  from: LevelRef,
  targetFrameworkId: string,
): { level: LevelRef; path: LevelRef[] } | undefined {
  if (levelOrdinal(frameworks, from) === undefined || !frameworks.has(targetFrameworkId)) return undefined;
  if (from.framework === targetFrameworkId) return { level: from, path: [from] };

  const direct = oneHop(frameworks, from, targetFrameworkId);
  if (direct) return { level: direct, path: [from, direct] };

  const viaCandidates: { level: LevelRef; via: LevelRef; ordinal: number }[] = [];
  for (const intermediate of [...frameworks.keys()].sort()) {
    if (intermediate === from.framework || intermediate === targetFrameworkId) continue;
    const via = oneHop(frameworks, from, intermediate);
    const level = via && oneHop(frameworks, via, targetFrameworkId);
    const ordinal = level && levelOrdinal(frameworks, level);
    if (via && level && ordinal !== undefined) viaCandidates.push({ level, via, ordinal });
  }
  // Lowest target level for the same conservative reason; the sort above breaks ties by intermediate id.
  const best = lowest(viaCandidates);
  return best ? { level: best.level, path: [from, best.via, best.level] } : undefined;
}

/** One referencing step from a level to a framework: the source's own references, else the inverse of the target's. */
function oneHop(frameworks: ReadonlyMap<string, Framework>, from: LevelRef, targetId: string): LevelRef | undefined {
  const source = frameworks.get(from.framework);
  const target = frameworks.get(targetId);
  if (!source || !target) return undefined;

  const forward = (source.levelReferences ?? [])
    .filter((r) => r.level === from.level && r.targetFramework === targetId)
    .map((r) => r.targetLevel);
  const inverse = (target.levelReferences ?? [])
    .filter((r) => r.targetFramework === from.framework && r.targetLevel === from.level)
    .map((r) => r.level);
  for (const codes of [forward, inverse]) {
    const candidates = codes.flatMap((code) => {
      const level = findLevel(target, code);
      return level ? [{ level: { framework: targetId, level: code }, ordinal: level.ordinal }] : [];
    });
    const best = lowest(candidates);
    if (best) return best.level;
  }
  return undefined;
}

function lowest<T extends { ordinal: number }>(items: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || item.ordinal < best.ordinal) best = item;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Credit systems

/**
 * The notional hours one credit stands for, as a single number: the midpoint of the system's range
 * (ECTS: 25-30 h gives 27.5 h). A midpoint is the unbiased estimate when only the range is known.
 */
export function hoursPerCredit(system: CreditSystem): number {
  return (system.hoursPerCredit.min + system.hoursPerCredit.max) / 2;
}

/** The range of notional hours an amount of credit stands for in its system. */
export function expectedHoursRange(credits: CreditAmount, system: CreditSystem): { min: number; max: number } {
  assertSameSystem(credits, system);
  return { min: credits.value * system.hoursPerCredit.min, max: credits.value * system.hoursPerCredit.max };
}

/** The range of credits that a number of notional hours stands for in a system. */
export function expectedCreditsRange(notionalHours: number, system: CreditSystem): { min: number; max: number } {
  return { min: notionalHours / system.hoursPerCredit.max, max: notionalHours / system.hoursPerCredit.min };
}

/**
 * Whether credits and notional hours agree: the hours must fall within the system's range for the credits,
 * widened by `tolerance` on each side (10% by default), because providers round hours and credits and a
 * unit a few hours off the nominal range is not incoherent.
 */
export function creditsConsistentWithHours(
  credits: CreditAmount,
  notionalHours: number,
  system: CreditSystem,
  tolerance = 0.1,
): { consistent: boolean; expectedMin: number; expectedMax: number } {
  const range = expectedHoursRange(credits, system);
  const expectedMin = range.min * (1 - tolerance);
  const expectedMax = range.max * (1 + tolerance);
  // A relative epsilon keeps a value that is exactly on the boundary in decimal (135 h for 6 ECTS at -10%)
  // from falling outside because of binary floating point.
  const epsilon = 1e-9 * Math.max(1, expectedMax);
  return {
    consistent: notionalHours >= expectedMin - epsilon && notionalHours <= expectedMax + epsilon,
    expectedMin,
    expectedMax,
  };
}

export type CreditRounding = "down" | "nearest" | "half-up-to-0.5";

const ROUNDING_WORDS: Record<CreditRounding, string> = {
  down: "rounded down",
  nearest: "rounded to the nearest credit",
  "half-up-to-0.5": "rounded to the nearest half credit, halves up",
};

/**
 * Converts an amount of credit between systems through notional hours, at each system's midpoint
 * hours-per-credit, then rounds to whole credits (or half credits). 'down' is the default because a
 * conversion should never award more learning than the learner did. Converting within one system returns
 * the amount unchanged: no conversion happens, so there is nothing to round.
 */
export function convertCredits(
  amount: number,
  from: CreditSystem,
  to: CreditSystem,
  rounding: CreditRounding = "down",
): { value: number; hours: number; explanation: string } {
  const fromRate = hoursPerCredit(from);
  const hours = amount * fromRate;
  const fromText = `${num(amount)} ${systemLabel(from)} credits × ${num(fromRate)} h = ${num(hours)} h`;
  if (from.id === to.id)
    return { value: amount, hours, explanation: `${fromText}; same credit system, so ${num(amount)} credits.` };

  const toRate = hoursPerCredit(to);
  // Cleaning off binary noise first keeps 3 × 10 / 10 from flooring to 2.
  const raw = clean(hours / toRate);
  const value = roundCredits(raw, rounding);
  const result = value === raw ? num(raw) : `${num(raw)} → ${num(value)} (${ROUNDING_WORDS[rounding]})`;
  return {
    value,
    hours,
    explanation: `${fromText}; ${num(hours)} h ÷ ${num(toRate)} h per ${systemLabel(to)} credit = ${result}`,
  };
}

function roundCredits(raw: number, rounding: CreditRounding): number {
  switch (rounding) {
    case "down":
      return Math.floor(raw);
    case "nearest":
      return Math.round(raw);
    case "half-up-to-0.5":
      return Math.round(raw * 2) / 2;
  }
}

function clean(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** A number for an explanation: at most three decimals, no trailing zeros. */
function num(x: number): string {
  return String(Number(x.toFixed(3)));
}

/** Credit system ids are short acronyms in practice ('ects', 'nzqf'); upper case reads as one. */
function systemLabel(system: CreditSystem): string {
  return system.id.toUpperCase();
}

function assertSameSystem(credits: CreditAmount, system: CreditSystem): void {
  // A mismatch is a programming error (the caller looked up the wrong system), and computing with the
  // wrong rate would silently produce plausible but false numbers.
  if (credits.system !== system.id)
    throw new RangeError(`Credits are in system '${credits.system}' but system '${system.id}' was given.`);
}
