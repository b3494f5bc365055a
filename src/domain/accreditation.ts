/**
 * Whether a provider's accreditation covers a level and field on a date: the quality register's rule for
 * "may this provider list (or issue) a unit at this level in this field".
 */
import { fieldInScope } from "./fields.ts";
import { describeLevel, frameworkLabel, levelOrdinal, referenceLevel } from "./frameworks.ts";
import type { Accreditation, Framework, Provider } from "./schema/catalogue.ts";
import type { LevelRef } from "./schema/common.ts";

export type AccreditationFailure =
  | "provider-not-accredited"
  | "level-outside-accreditation"
  | "field-outside-accreditation"
  | "accreditation-not-in-force";

export type AccreditationQuery = { level: LevelRef; field?: string; on: string };

export type AccreditationResult =
  | { covered: true; accreditation: Accreditation }
  | { covered: false; code: AccreditationFailure; message: string };

/** Whether an accreditation is in force on a date: active (absent status means active) and within its dates. */
export function accreditationInForce(acc: Accreditation, on: string): boolean {
  // ISO dates compare correctly as strings; validTo is the last day of validity, so it is inclusive.
  return (
    (acc.status ?? "active") === "active" && acc.validFrom <= on && (acc.validTo === undefined || on <= acc.validTo)
  );
}

/**
 * Whether some accreditation of the provider covers the level (referenced into the accreditation's
 * framework when it is another framework) and the field on the date.
 *
 * When none does, the failure reported is the one of the accreditation that came closest: the one failing
 * the fewest conditions. A matching accreditation that merely lapsed says more ("renew it") than an active
 * one for other levels, so among equally close ones the order is not-in-force, then level, then field.
 * For an accreditation failing several conditions, a scope failure is reported before the dates, because
 * renewing it would not help.
 */
export function accreditationCovers(
  provider: Provider,
  frameworks: ReadonlyMap<string, Framework>,
  q: AccreditationQuery,
): AccreditationResult {
  const accreditations = provider.accreditations ?? [];
  const level = describeLevel(frameworks, q.level);
  if (accreditations.length === 0)
    return {
      covered: false,
      code: "provider-not-accredited",
      message: `${providerName(provider)} holds no accreditation in the register, so it cannot offer ${level} on ${q.on}.`,
    };

  let best: { failures: Failure[]; rank: number } | undefined;
  for (const acc of accreditations) {
    const failures = evaluate(acc, frameworks, q);
    if (failures.length === 0) return { covered: true, accreditation: acc };
    const first = failures[0] as Failure;
    const rank = failures.length * 10 + TIE_ORDER.indexOf(first.code);
    if (best === undefined || rank < best.rank) best = { failures, rank };
  }
  const reported = (best as { failures: Failure[] }).failures[0] as Failure;
  return {
    covered: false,
    code: reported.code,
    message: `${providerName(provider)} is not accredited for ${level}${q.field ? ` in field ${q.field}` : ""} on ${q.on}: ${reported.reason}`,
  };
}

type Failure = { code: Exclude<AccreditationFailure, "provider-not-accredited">; reason: string };

const TIE_ORDER: readonly Failure["code"][] = [
  "accreditation-not-in-force",
  "level-outside-accreditation",
  "field-outside-accreditation",
];

/** The conditions an accreditation fails for the query, scope failures first. */
function evaluate(acc: Accreditation, frameworks: ReadonlyMap<string, Framework>, q: AccreditationQuery): Failure[] {
  const failures: Failure[] = [];
  const range = describeRange(frameworks, acc);

  const referenced = referenceLevel(frameworks, q.level, acc.framework);
  const ordinal = referenced && levelOrdinal(frameworks, referenced.level);
  const min = levelOrdinal(frameworks, { framework: acc.framework, level: acc.minLevel });
  const max = levelOrdinal(frameworks, { framework: acc.framework, level: acc.maxLevel });
  if (referenced === undefined || ordinal === undefined)
    failures.push({
      code: "level-outside-accreditation",
      reason: `its accreditation covers ${range}, and ${describeLevel(frameworks, q.level)} cannot be referenced to that framework.`,
    });
  else if (min === undefined || max === undefined || ordinal < min || ordinal > max) {
    const via =
      referenced.path.length > 1 ? ` (${describeLevel(frameworks, referenced.level)} by level referencing)` : "";
    failures.push({ code: "level-outside-accreditation", reason: `its accreditation covers ${range} only${via}.` });
  }

  if (q.field !== undefined && !fieldInScope(acc.fields, q.field))
    failures.push({
      code: "field-outside-accreditation",
      reason: `its accreditation for ${range} covers fields ${acc.fields.join(", ")} only.`,
    });

  if (!accreditationInForce(acc, q.on))
    failures.push({
      code: "accreditation-not-in-force",
      reason: `its accreditation for ${range} ${whyNotInForce(acc, q.on)}.`,
    });

  return failures;
}

function whyNotInForce(acc: Accreditation, on: string): string {
  const status = acc.status ?? "active";
  if (status !== "active") return `is ${status}`;
  if (on < acc.validFrom) return `only takes effect on ${acc.validFrom}`;
  return `was valid only until ${acc.validTo}`;
}

/** "EQF levels 5 to 7", or "EQF level 6" for a single level. */
function describeRange(frameworks: ReadonlyMap<string, Framework>, acc: Accreditation): string {
  const label = frameworkLabel(frameworks, acc.framework);
  return acc.minLevel === acc.maxLevel
    ? `${label} level ${acc.minLevel}`
    : `${label} levels ${acc.minLevel} to ${acc.maxLevel}`;
}

function providerName(provider: Provider): string {
  return `${provider.name} (${provider.id})`;
}
