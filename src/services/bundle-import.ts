/**
 * Imports a catalogue bundle (frameworks, credit systems, skill frameworks, providers with their
 * accreditations, units, qualifications) in one transaction.
 *
 * - Every problem in the bundle is reported at once, each with a JSON pointer, before anything is written.
 * - Re-importing the same bundle changes nothing (every record is compared with what is stored).
 * - Units asked to be 'approved' go through the register workflow (submitted, then approved) and are
 *   refused, with their coherence findings, when they have errors.
 */

import type { Static, TSchema } from "@sinclair/typebox";
import type { Finding } from "../domain/coherence.ts";
import { validateFramework } from "../domain/frameworks.ts";
import {
  BundleUnit,
  CatalogueBundle,
  CreditSystem,
  Framework,
  Provider,
  QualificationSpec,
  SkillFramework,
} from "../domain/schema/catalogue.ts";
import {
  type Db,
  loadFrameworks,
  type UpsertOutcome,
  upsertAccreditation,
  upsertCreditSystem,
  upsertFramework,
  upsertProviderProfile,
  upsertSkillFramework,
} from "../store/catalogue-repo.ts";
import {
  appendRegisterEvent,
  findQualification,
  getQualification,
  insertQualification,
  insertQualificationVersion,
  updateUnitFindings,
} from "../store/units-repo.ts";
import { type Actor, assertRegistryAdmin } from "./actor.ts";
import { checkUnit, loadCatalogueContext } from "./catalogue-context.ts";
import { type ErrorDetail, invalid } from "./errors.ts";
import { contentHash } from "./hashing.ts";
import { BANK_ISSUER } from "./issuers.ts";
import { appendLogEvents } from "./log-events.ts";
import { actOnUnit, saveUnitDraft } from "./units.ts";
import { isValid, schemaProblems } from "./validation.ts";

export interface Tally {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport {
  frameworks: Tally;
  creditSystems: Tally;
  skillFrameworks: Tally;
  providers: Tally;
  accreditations: Tally;
  units: Tally & { approved: number; submitted: number; withFindings: number };
  qualifications: Tally;
}

const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 });

function count(t: Tally, outcome: UpsertOutcome | "new-version"): void {
  if (outcome === "new-version") t.updated += 1;
  else t[outcome] += 1;
}

/** Checks a bundle's shape and cross-references without writing; returns every problem found. */
export async function checkBundle(db: Db, input: unknown): Promise<ErrorDetail[]> {
  const problems = schemaProblems(CatalogueBundle, input);
  if (!input || typeof input !== "object" || Array.isArray(input)) return problems;
  // Cross-references are checked on the items that have the right shape, so one typo does not hide
  // every other problem in the file; items with schema problems have been reported above.
  const bundle = validParts(input as Record<string, unknown>);
  const stored = await loadFrameworks(db);
  const frameworks = new Map<string, Framework>(stored);
  for (const fw of bundle.frameworks) if (fw) frameworks.set(fw.id, fw);

  duplicates(bundle.frameworks, (f) => f.id, "/frameworks", "framework id", problems);
  duplicates(bundle.creditSystems, (c) => c.id, "/creditSystems", "credit system id", problems);
  duplicates(bundle.skillFrameworks, (s) => s.id, "/skillFrameworks", "skill framework id", problems);
  duplicates(bundle.providers, (p) => p.id, "/providers", "provider id", problems);
  bundle.providers.forEach((p, i) => {
    // The bank issues under its own identity as the issuer 'bank' (its DID and keys): no provider may take it.
    if (p?.id === BANK_ISSUER) {
      problems.push({
        path: `/providers/${i}/id`,
        code: "reserved-id",
        message: `The provider id '${BANK_ISSUER}' is reserved for the bank's own issuer identity; choose another.`,
      });
    }
  });
  duplicates(bundle.units, (u) => `${u.provider}:${u.code}`, "/units", "unit (provider and code)", problems);
  duplicates(
    bundle.qualifications ?? [],
    (q) => `${q.awardingBody}:${q.code}`,
    "/qualifications",
    "qualification",
    problems,
  );

  eachValid(bundle.frameworks, (fw, i) => {
    for (const f of validateFramework(fw, frameworks)) {
      if (f.severity === "error")
        problems.push({ path: `/frameworks/${i}${f.path}`, message: f.message, code: f.code });
    }
  });

  const creditSystems = new Set([
    ...(await db.selectFrom("credit_system").select("id").execute()).map((r) => r.id),
    ...bundle.creditSystems.flatMap((c) => (c ? [c.id] : [])),
  ]);
  eachValid(bundle.creditSystems, (cs, i) => {
    if (cs.hoursPerCredit.min > cs.hoursPerCredit.max) {
      problems.push({
        path: `/creditSystems/${i}/hoursPerCredit`,
        message: "min must not be greater than max",
        code: "invalid-range",
      });
    }
  });

  const providers = new Set([
    ...(await db.selectFrom("provider").select("id").execute()).map((r) => r.id),
    ...bundle.providers.flatMap((p) => (p ? [p.id] : [])),
  ]);
  eachValid(bundle.providers, (p, i) => {
    (p.accreditations ?? []).forEach((a, j) => {
      const at = `/providers/${i}/accreditations/${j}`;
      const fw = frameworks.get(a.framework);
      if (!fw) {
        problems.push({
          path: `${at}/framework`,
          message: `refers to framework '${a.framework}', which is neither in the bundle nor in the register`,
          code: "unknown-framework",
        });
        return;
      }
      const min = fw.levels.find((l) => l.code === a.minLevel);
      const max = fw.levels.find((l) => l.code === a.maxLevel);
      if (!min)
        problems.push({
          path: `${at}/minLevel`,
          message: `level '${a.minLevel}' does not exist in ${fw.id}`,
          code: "unknown-level",
        });
      if (!max)
        problems.push({
          path: `${at}/maxLevel`,
          message: `level '${a.maxLevel}' does not exist in ${fw.id}`,
          code: "unknown-level",
        });
      if (min && max && min.ordinal > max.ordinal) {
        problems.push({
          path: at,
          message: `minLevel ${a.minLevel} is above maxLevel ${a.maxLevel}`,
          code: "invalid-range",
        });
      }
      if (a.validTo && a.validTo < a.validFrom) {
        problems.push({ path: `${at}/validTo`, message: "is before validFrom", code: "invalid-range" });
      }
    });
  });

  eachValid(bundle.units, (u, i) => {
    if (!providers.has(u.provider)) {
      problems.push({
        path: `/units/${i}/provider`,
        message: `refers to provider '${u.provider}', which is neither in the bundle nor in the register`,
        code: "unknown-provider",
      });
    }
  });

  eachValid(bundle.qualifications, (q, i) => {
    const at = `/qualifications/${i}`;
    if (!providers.has(q.awardingBody)) {
      problems.push({
        path: `${at}/awardingBody`,
        message: `refers to provider '${q.awardingBody}', which is neither in the bundle nor in the register`,
        code: "unknown-provider",
      });
    }
    const fw = frameworks.get(q.level.framework);
    if (!fw)
      problems.push({
        path: `${at}/level/framework`,
        message: `framework '${q.level.framework}' is unknown`,
        code: "unknown-framework",
      });
    else if (!fw.levels.some((l) => l.code === q.level.level)) {
      problems.push({
        path: `${at}/level/level`,
        message: `level '${q.level.level}' does not exist in ${fw.id}`,
        code: "unknown-level",
      });
    }
    if (!creditSystems.has(q.credits.system)) {
      problems.push({
        path: `${at}/credits/system`,
        message: `credit system '${q.credits.system}' is unknown`,
        code: "unknown-credit-system",
      });
    }
  });
  return problems;
}

type Parts = {
  frameworks: Array<Framework | undefined>;
  creditSystems: Array<CreditSystem | undefined>;
  skillFrameworks: Array<SkillFramework | undefined>;
  providers: Array<Provider | undefined>;
  units: Array<BundleUnit | undefined>;
  qualifications: Array<QualificationSpec | undefined>;
};

/** Each section's items that match their schema, at their original index (the others are holes). */
function validParts(input: Record<string, unknown>): Parts {
  const section = <T extends TSchema>(key: string, schema: T): Array<Static<T> | undefined> => {
    const list = input[key];
    return Array.isArray(list) ? list.map((item) => (isValid(schema, item) ? item : undefined)) : [];
  };
  return {
    frameworks: section("frameworks", Framework),
    creditSystems: section("creditSystems", CreditSystem),
    skillFrameworks: section("skillFrameworks", SkillFramework),
    providers: section("providers", Provider),
    units: section("units", BundleUnit),
    qualifications: section("qualifications", QualificationSpec),
  };
}

function eachValid<T>(items: Array<T | undefined>, fn: (item: T, index: number) => void): void {
  items.forEach((item, i) => {
    if (item !== undefined) fn(item, i);
  });
}

function duplicates<T>(
  items: Array<T | undefined>,
  key: (t: T) => string,
  base: string,
  what: string,
  problems: ErrorDetail[],
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    if (item === undefined) return;
    const k = key(item);
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, i);
    else
      problems.push({
        path: `${base}/${i}`,
        message: `repeats the ${what} '${k}' already given at ${base}/${earlier}`,
        code: "duplicate",
      });
  });
}

/**
 * Imports a bundle. Only a registry administrator may: a bundle can define frameworks and accredit
 * providers. Throws an AppError listing every problem when the bundle is invalid; writes nothing then.
 */
export async function importBundle(db: Db, actor: Actor, input: unknown, source = "bundle"): Promise<ImportReport> {
  assertRegistryAdmin(actor, "import catalogue bundles");
  const problems = await checkBundle(db, input);
  if (problems.length > 0) {
    throw invalid(
      `The bundle has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was imported.`,
      problems,
      "bundle-invalid",
    );
  }
  const bundle = input as CatalogueBundle;
  const note = `imported from ${source}`;
  return db.transaction().execute(async (tx) => {
    const report: ImportReport = {
      frameworks: tally(),
      creditSystems: tally(),
      skillFrameworks: tally(),
      providers: tally(),
      accreditations: tally(),
      units: { ...tally(), approved: 0, submitted: 0, withFindings: 0 },
      qualifications: tally(),
    };
    const event = { actorId: actor.userId, actorLabel: actor.label, reason: note };

    for (const cs of bundle.creditSystems ?? []) {
      const outcome = await upsertCreditSystem(tx, cs);
      count(report.creditSystems, outcome);
      if (outcome !== "unchanged")
        await appendRegisterEvent(tx, { ...event, subjectType: "credit-system", subjectId: cs.id, action: outcome });
    }
    for (const fw of bundle.frameworks ?? []) {
      const outcome = await upsertFramework(tx, fw);
      count(report.frameworks, outcome);
      if (outcome !== "unchanged")
        await appendRegisterEvent(tx, { ...event, subjectType: "framework", subjectId: fw.id, action: outcome });
    }
    for (const sf of bundle.skillFrameworks ?? []) {
      const outcome = await upsertSkillFramework(tx, sf);
      count(report.skillFrameworks, outcome);
      if (outcome !== "unchanged")
        await appendRegisterEvent(tx, { ...event, subjectType: "skill-framework", subjectId: sf.id, action: outcome });
    }
    for (const p of bundle.providers ?? []) {
      const outcome = await upsertProviderProfile(tx, p);
      count(report.providers, outcome);
      if (outcome !== "unchanged")
        await appendRegisterEvent(tx, { ...event, subjectType: "provider", subjectId: p.id, action: outcome });
      for (const a of p.accreditations ?? []) {
        const r = await upsertAccreditation(tx, p.id, a);
        count(report.accreditations, r.outcome);
        if (r.outcome !== "unchanged") {
          await appendRegisterEvent(tx, {
            ...event,
            subjectType: "accreditation",
            subjectId: r.id,
            action: r.outcome === "created" ? "accredited" : "accreditation-updated",
            fromStatus: r.previousStatus ?? null,
            toStatus: a.status ?? "active",
            details: { provider: p.id, framework: a.framework, levels: [a.minLevel, a.maxLevel], fields: a.fields },
          });
          // Accrediting a provider (or changing an accreditation) is a leaf of the transparency log.
          await appendLogEvents(tx, [
            {
              kind: r.outcome === "created" ? "provider.accredited" : "provider.accreditation-changed",
              providerId: p.id,
              accreditationId: r.id,
              framework: a.framework,
              minLevel: a.minLevel,
              maxLevel: a.maxLevel,
              fields: a.fields ?? [],
              status: a.status ?? "active",
            },
          ]);
        }
      }
    }

    // Units in two passes: first save every spec (so units of this bundle can be each other's
    // prerequisites), then apply the requested register status with a context that sees them all.
    let ctx = await loadCatalogueContext(tx);
    const saved: Array<{ unit: BundleUnit; unitId: string; version: number; status: string }> = [];
    for (const u of bundle.units ?? []) {
      const { status: _requested, ...spec } = u;
      const result = await saveUnitDraft(tx, actor, spec, ctx, note);
      count(report.units, result.outcome);
      saved.push({ unit: u, unitId: result.unit.unitId, version: result.unit.version, status: result.unit.status });
    }
    ctx = await loadCatalogueContext(tx);
    const refused: ErrorDetail[] = [];
    for (const [i, s] of saved.entries()) {
      const wanted = s.unit.status ?? "draft";
      const { status: _requested, ...spec } = s.unit;
      const findings = checkUnit(ctx, spec);
      if (findings.some((f) => f.severity !== "info")) report.units.withFindings += 1;
      if (wanted === "draft" || s.status === wanted) {
        // Saved before the rest of the bundle was in: store the findings against the whole register.
        await updateUnitFindings(tx, s.unitId, s.version, findings);
        continue;
      }
      const errors = findings.filter((f) => f.severity === "error");
      if (errors.length > 0) {
        refused.push(
          ...errors.map((f: Finding) => ({
            path: `/units/${i}${f.path}`,
            message: f.message,
            code: f.code,
            hint: f.hint,
          })),
        );
        continue;
      }
      if (s.status === "draft" || s.status === "returned") {
        await actOnUnit(tx, actor, s.unitId, s.version, "submit", note, ctx);
        if (wanted === "submitted") report.units.submitted += 1;
      }
      if (wanted === "approved") {
        await actOnUnit(tx, actor, s.unitId, s.version, "approve", note, ctx);
        report.units.approved += 1;
      }
    }
    if (refused.length > 0) {
      throw invalid(
        `Some units cannot be approved because their descriptions have errors (${refused.length} in all); nothing was imported.`,
        refused,
        "bundle-units-incoherent",
      );
    }

    for (const q of bundle.qualifications ?? []) {
      const hash = contentHash(q);
      const existing = await findQualification(tx, q.awardingBody, q.code);
      if (!existing) {
        const id = await insertQualification(tx, q, hash);
        count(report.qualifications, "created");
        await appendRegisterEvent(tx, {
          ...event,
          subjectType: "qualification",
          subjectId: id,
          action: "created",
          toStatus: "active",
          details: { version: 1 },
        });
        continue;
      }
      const latest = await getQualification(tx, existing.id);
      if (latest?.specHash === hash) {
        count(report.qualifications, "unchanged");
        continue;
      }
      const version = existing.latestVersion + 1;
      await insertQualificationVersion(tx, existing.id, version, q, hash);
      count(report.qualifications, "updated");
      await appendRegisterEvent(tx, {
        ...event,
        subjectType: "qualification",
        subjectId: existing.id,
        action: "version-created",
        details: { version },
      });
    }
    return report;
  });
}
