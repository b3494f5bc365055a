/**
 * Learning units in the register: saving drafts and new versions, and moving a version through the
 * register workflow (draft → submitted → approved or returned → suspended / withdrawn). Every change
 * records who, when and why; a version with coherence errors can be neither submitted nor approved.
 */
import { applyUnitAction, type UnitAction } from "../domain/register-workflow.ts";
import type { UnitSpec, UnitStatus } from "../domain/schema/catalogue.ts";
import type { Db } from "../store/catalogue-repo.ts";
import {
  appendRegisterEvent,
  findUnit,
  getUnitVersion,
  insertUnit,
  insertUnitVersion,
  listUnitVersions,
  setUnitVersionStatus,
  type UnitVersionRecord,
  type UnitVersionWrite,
  updateUnitVersion,
} from "../store/units-repo.ts";
import { type Actor, assertActsForProvider } from "./actor.ts";
import { type CatalogueContext, checkUnit, derivedColumns, loadCatalogueContext, today } from "./catalogue-context.ts";
import { AppError, conflict, notFound } from "./errors.ts";
import { contentHash } from "./hashing.ts";
import { appendLogEvents, type UnitStatusChanged } from "./log-events.ts";

/** The register actions that change what the register lists, and the log events they are. */
const LOGGED_UNIT_ACTIONS: Partial<Record<UnitAction, UnitStatusChanged["kind"]>> = {
  approve: "unit.approved",
  suspend: "unit.suspended",
  reinstate: "unit.reinstated",
  withdraw: "unit.withdrawn",
};

const unitEvent = (kind: UnitStatusChanged["kind"], unit: UnitVersionRecord): UnitStatusChanged => ({
  kind,
  unitId: unit.unitId,
  version: unit.version,
  providerId: unit.providerId,
  specHash: unit.specHash,
});

/** Versions in these states are frozen: a change makes a new version. */
const FROZEN: ReadonlySet<UnitStatus> = new Set(["approved", "suspended", "superseded", "withdrawn"]);

export type SaveOutcome = "created" | "updated" | "new-version" | "unchanged";

export interface SaveResult {
  outcome: SaveOutcome;
  unit: UnitVersionRecord;
}

/**
 * Saves a unit specification as a draft: creates the unit, edits its current draft, or opens a new
 * version when the current one is frozen. Saving the same content again changes nothing.
 * Runs inside the caller's transaction when given one.
 */
export async function saveUnitDraft(
  db: Db,
  actor: Actor,
  spec: UnitSpec,
  ctx?: CatalogueContext,
  note?: string,
): Promise<SaveResult> {
  assertActsForProvider(actor, spec.provider);
  const context = ctx ?? (await loadCatalogueContext(db));
  if (!context.providers.has(spec.provider)) throw notFound("Provider", spec.provider, "unknown-provider");
  const specHash = contentHash(spec);
  const write = (status: UnitStatus): UnitVersionWrite => ({
    status,
    spec,
    specHash,
    ...derivedColumns(context, spec),
    findings: checkUnit(context, spec),
  });
  const existing = await findUnit(db, spec.provider, spec.code);
  const event = { actorId: actor.userId, actorLabel: actor.label, subjectType: "unit" as const, reason: note ?? null };
  if (!existing) {
    const unitId = await insertUnit(db, spec.provider, spec.code, write("draft"));
    await appendRegisterEvent(db, {
      ...event,
      subjectId: unitId,
      action: "created",
      toStatus: "draft",
      details: { version: 1 },
    });
    return { outcome: "created", unit: await mustGet(db, unitId, 1) };
  }
  const latest = await mustGet(db, existing.id, existing.latestVersion);
  if (latest.specHash === specHash) return { outcome: "unchanged", unit: latest };
  if (latest.status === "submitted") {
    throw conflict(
      `Version ${latest.version} of ${spec.provider}:${spec.code} is under review by the registry; wait for the decision or ask for it to be returned before changing it.`,
      "unit-under-review",
    );
  }
  if (FROZEN.has(latest.status)) {
    const version = latest.version + 1;
    await insertUnitVersion(db, existing.id, version, write("draft"));
    await appendRegisterEvent(db, {
      ...event,
      subjectId: existing.id,
      action: "version-created",
      toStatus: "draft",
      details: { version },
    });
    return { outcome: "new-version", unit: await mustGet(db, existing.id, version) };
  }
  // draft or returned: edit in place; a returned version goes back to draft once it is changed.
  await updateUnitVersion(db, existing.id, latest.version, write("draft"));
  await appendRegisterEvent(db, {
    ...event,
    subjectId: existing.id,
    action: "draft-updated",
    fromStatus: latest.status,
    toStatus: "draft",
    details: { version: latest.version },
  });
  return { outcome: "updated", unit: await mustGet(db, existing.id, latest.version) };
}

async function mustGet(db: Db, unitId: string, version?: number): Promise<UnitVersionRecord> {
  const unit = await getUnitVersion(db, unitId, version);
  if (!unit) throw notFound("Unit version", `${unitId}${version ? ` v${version}` : ""}`, "unit-not-found");
  return unit;
}

export async function getUnit(db: Db, unitId: string, version?: number): Promise<UnitVersionRecord> {
  return mustGet(db, unitId, version);
}

export async function unitVersions(db: Db, unitId: string): Promise<UnitVersionRecord[]> {
  const versions = await listUnitVersions(db, unitId);
  if (versions.length === 0) throw notFound("Unit", unitId, "unit-not-found");
  return versions;
}

/**
 * Applies a register action to one version of a unit. The coherence check runs again first, against the
 * register as it is now, so that an accreditation that lapsed since the draft was saved is caught.
 */
export async function actOnUnit(
  db: Db,
  actor: Actor,
  unitId: string,
  version: number,
  action: Exclude<UnitAction, "supersede">,
  reason?: string,
  ctx?: CatalogueContext,
): Promise<UnitVersionRecord> {
  const unit = await mustGet(db, unitId, version);
  if (actor.role !== "registry-admin") assertActsForProvider(actor, unit.providerId);
  const context = ctx ?? (await loadCatalogueContext(db));
  const findings = checkUnit(context, unit.spec);
  const role = actor.role === "registry-admin" ? "registry-admin" : "provider-admin";
  const decision = applyUnitAction(unit.status, action, { role }, { reason, findings });
  if (!decision.ok) {
    const status = decision.code === "forbidden" ? 403 : decision.code === "transition-not-allowed" ? 409 : 422;
    const details =
      decision.code === "unit-has-errors"
        ? findings
            .filter((f) => f.severity === "error")
            .map((f) => ({ path: f.path, message: f.message, code: f.code, hint: f.hint }))
        : undefined;
    throw new AppError(decision.code, decision.message, status, details);
  }
  if (action === "approve") {
    // The newly approved version replaces any earlier one still in force.
    for (const older of await listUnitVersions(db, unitId)) {
      if (older.version !== version && (older.status === "approved" || older.status === "suspended")) {
        await setUnitVersionStatus(db, unitId, older.version, "superseded", today());
        await appendLogEvents(db, [unitEvent("unit.superseded", older)]);
        await appendRegisterEvent(db, {
          actorId: actor.userId,
          actorLabel: actor.label,
          subjectType: "unit",
          subjectId: unitId,
          action: "supersede",
          fromStatus: older.status,
          toStatus: "superseded",
          reason: `version ${version} approved`,
          details: { version: older.version },
        });
      }
    }
  }
  await updateUnitVersion(db, unitId, version, {
    status: decision.to,
    spec: unit.spec,
    specHash: unit.specHash,
    ...derivedColumns(context, unit.spec),
    findings,
  });
  await appendRegisterEvent(db, {
    actorId: actor.userId,
    actorLabel: actor.label,
    subjectType: "unit",
    subjectId: unitId,
    action,
    fromStatus: unit.status,
    toStatus: decision.to,
    reason: reason ?? null,
    details: { version },
  });
  // A change to what the register lists (a version put in or out of force) is a leaf of the transparency
  // log, in the caller's transaction; submitting, returning and withdrawing a draft are not.
  const logged = LOGGED_UNIT_ACTIONS[action];
  if (logged && (action !== "withdraw" || unit.status === "approved" || unit.status === "suspended")) {
    await appendLogEvents(db, [unitEvent(logged, unit)]);
  }
  return mustGet(db, unitId, version);
}
