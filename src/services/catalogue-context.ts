/**
 * Loads what the pure catalogue rules need from the database (frameworks, credit systems, skills,
 * providers, the prerequisite graph) and runs the coherence check with it.
 */
import { checkUnitCoherence, type Finding, prerequisiteKey } from "../domain/coherence.ts";
import { levelOrdinal } from "../domain/frameworks.ts";
import type { CreditSystem, Framework, UnitSpec } from "../domain/schema/catalogue.ts";
import { DIMENSIONS, type Dimension } from "../domain/schema/common.ts";
import {
  type Db,
  loadCreditSystems,
  loadFrameworks,
  loadProviders,
  loadSkillCodes,
  type ProviderWithAccreditations,
} from "../store/catalogue-repo.ts";
import { loadPrerequisiteGraph } from "../store/units-repo.ts";

export interface CatalogueContext {
  frameworks: Map<string, Framework>;
  creditSystems: Map<string, CreditSystem>;
  skillFrameworks: Map<string, { items: Set<string> }>;
  providers: Map<string, ProviderWithAccreditations>;
  prerequisites: Map<string, string[]>;
}

export async function loadCatalogueContext(db: Db): Promise<CatalogueContext> {
  const [frameworks, creditSystems, skillFrameworks, providers, prerequisites] = await Promise.all([
    loadFrameworks(db),
    loadCreditSystems(db),
    loadSkillCodes(db),
    loadProviders(db),
    loadPrerequisiteGraph(db),
  ]);
  return {
    frameworks,
    creditSystems,
    skillFrameworks,
    providers: new Map(providers.map((p) => [p.id, p])),
    prerequisites,
  };
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function checkUnit(ctx: CatalogueContext, spec: UnitSpec, on: string = today()): Finding[] {
  // The unit being checked may differ from its stored version: use its own prerequisites.
  const self = `${spec.provider}:${spec.code}`;
  const ownPrerequisites = (spec.prerequisites ?? []).map((p) => prerequisiteKey(spec.provider, p.unit));
  return checkUnitCoherence(spec, {
    provider: ctx.providers.get(spec.provider),
    frameworks: ctx.frameworks,
    creditSystems: ctx.creditSystems,
    skillFrameworks: ctx.skillFrameworks,
    today: on,
    prerequisitesOf: (key) => (key === self ? ownPrerequisites : ctx.prerequisites.get(key)),
  });
}

/** The columns derived from a spec that queries and the statement use. */
export function derivedColumns(
  ctx: CatalogueContext,
  spec: UnitSpec,
): { levelOrdinal: number | null; dimensions: Dimension[] } {
  const ordinal = spec.level ? levelOrdinal(ctx.frameworks, spec.level) : undefined;
  const covered = new Set((spec.outcomes ?? []).map((o) => o.dimension).filter((d): d is Dimension => Boolean(d)));
  return { levelOrdinal: ordinal ?? null, dimensions: DIMENSIONS.filter((d) => covered.has(d)) };
}
