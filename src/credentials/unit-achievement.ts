/**
 * A unit version as an Open Badges 3.0 `Achievement`: the EU micro-credential elements mapped onto OB
 * properties. Level and credits become alignments (OB has no level property; an alignment to the
 * framework level, and to EQF where the level is referenced to it, is how OB expresses one), skills
 * become alignments to their framework items, and the grading scheme a result description.
 */
import { fieldName } from "../domain/fields.ts";
import { describeLevel, findLevel, referenceLevel } from "../domain/frameworks.ts";
import type { CreditSystem, Framework, UnitSpec } from "../domain/schema/catalogue.ts";
import type { AchievementFacts, AlignmentFacts, ResultDescriptionFacts } from "./open-badges.ts";

export interface UnitAchievementContext {
  publicUrl: string;
  unitId: string;
  version: number;
  frameworks: ReadonlyMap<string, Framework>;
  creditSystems: ReadonlyMap<string, CreditSystem>;
  /** Label and URI of a skill item, by framework and code. */
  skill: (framework: string, code: string) => { label: string; uri?: string; frameworkName: string } | undefined;
  /** The reference framework levels are also aligned to (EQF by default). */
  referenceFramework?: string;
}

const api = (ctx: UnitAchievementContext, path: string) => `${ctx.publicUrl}/api/v1${path}`;

export function unitAchievementFacts(spec: UnitSpec, ctx: UnitAchievementContext): AchievementFacts {
  const alignment: AlignmentFacts[] = [];
  if (spec.level) {
    const fw = ctx.frameworks.get(spec.level.framework);
    const level = fw ? findLevel(fw, spec.level.level) : undefined;
    alignment.push({
      targetName: describeLevel(ctx.frameworks, spec.level),
      targetUrl: api(
        ctx,
        `/frameworks/${encodeURIComponent(spec.level.framework)}#level-${encodeURIComponent(spec.level.level)}`,
      ),
      targetCode: spec.level.level,
      targetFramework: fw?.name ?? spec.level.framework,
      ...(level?.title ? { targetDescription: level.title } : {}),
      targetType: "ext:FrameworkLevel",
    });
    const reference = ctx.referenceFramework ?? "eqf";
    if (spec.level.framework !== reference) {
      const referenced = referenceLevel(ctx.frameworks, spec.level, reference);
      if (referenced) {
        alignment.push({
          targetName: describeLevel(ctx.frameworks, referenced.level),
          targetUrl: api(
            ctx,
            `/frameworks/${encodeURIComponent(reference)}#level-${encodeURIComponent(referenced.level.level)}`,
          ),
          targetCode: referenced.level.level,
          targetFramework: ctx.frameworks.get(reference)?.name ?? reference,
          targetType: "ext:FrameworkLevel",
        });
      }
    }
  }
  if (spec.credits) {
    const system = ctx.creditSystems.get(spec.credits.system);
    alignment.push({
      targetName: `${spec.credits.value} ${system?.name ?? spec.credits.system} credits`,
      targetUrl: api(ctx, `/credit-systems#${encodeURIComponent(spec.credits.system)}`),
      targetCode: spec.credits.system,
      targetFramework: system?.name ?? spec.credits.system,
      targetType: "ext:CreditSystem",
    });
  }
  for (const s of spec.skills ?? []) {
    const item = ctx.skill(s.framework, s.code);
    alignment.push({
      targetName: item?.label ?? s.code,
      targetUrl:
        item?.uri ?? api(ctx, `/skill-frameworks/${encodeURIComponent(s.framework)}#${encodeURIComponent(s.code)}`),
      targetCode: s.code,
      targetFramework: item?.frameworkName ?? s.framework,
      targetType: "ceasn:Competency",
    });
  }
  const id = api(ctx, `/units/${ctx.unitId}/versions/${ctx.version}`);
  const resultDescription: ResultDescriptionFacts[] = [];
  if (spec.gradingScheme && spec.gradingScheme.type !== "pass-fail") {
    resultDescription.push({
      id: `${id}#grade`,
      name: spec.gradingScheme.description ?? "Final grade",
      resultType: spec.gradingScheme.type === "letter" ? "LetterGrade" : "RawScore",
      ...(spec.gradingScheme.scale ? { allowedValue: spec.gradingScheme.scale } : {}),
      ...(spec.gradingScheme.passMark ? { requiredValue: spec.gradingScheme.passMark } : {}),
    });
  }
  const field = spec.field ? fieldName(spec.field) : undefined;
  return {
    id,
    achievementType: "MicroCredential",
    name: spec.title,
    description: spec.description ?? spec.title,
    criteriaNarrative: criteria(spec),
    humanCode: spec.code,
    version: String(ctx.version),
    ...(spec.language ? { inLanguage: spec.language } : {}),
    ...(spec.credits ? { creditsAvailable: spec.credits.value } : {}),
    ...(spec.field ? { fieldOfStudy: field ? `${spec.field} ${field}` : spec.field } : {}),
    alignment,
    resultDescription,
  };
}

/** What the learner had to show: the learning outcomes and how they were assessed. */
function criteria(spec: UnitSpec): string {
  const lines: string[] = [];
  if (spec.outcomes && spec.outcomes.length > 0) {
    lines.push("The learner has shown that they can:");
    for (const o of spec.outcomes) lines.push(`- ${o.text}`);
  }
  if (spec.assessments && spec.assessments.length > 0) {
    lines.push(`Assessed by: ${spec.assessments.map((a) => a.description ?? a.method).join("; ")}.`);
  }
  return lines.length > 0 ? lines.join("\n") : `Completion of ${spec.title}.`;
}
