/**
 * Providers in the quality register and the status of their accreditations (suspend, reinstate,
 * withdraw), each change kept in the register's history with who, when and why.
 */
import { type AccreditationAction, applyAccreditationAction } from "../domain/register-workflow.ts";
import type { AccreditationStatus } from "../domain/schema/catalogue.ts";
import { type Db, loadProvider, type ProviderWithAccreditations } from "../store/catalogue-repo.ts";
import { appendRegisterEvent, listRegisterEvents } from "../store/units-repo.ts";
import type { Actor } from "./actor.ts";
import { AppError, notFound } from "./errors.ts";
import { type AccreditationChanged, appendLogEvents } from "./log-events.ts";

export async function getProvider(db: Db, id: string): Promise<ProviderWithAccreditations> {
  const provider = await loadProvider(db, id);
  if (!provider) throw notFound("Provider", id, "provider-not-found");
  return provider;
}

/** The register history of a provider: its own changes and those of its accreditations. */
export async function providerHistory(db: Db, id: string) {
  const provider = await getProvider(db, id);
  const events = [
    ...(await listRegisterEvents(db, "provider", [id])),
    ...(await listRegisterEvents(
      db,
      "accreditation",
      provider.accreditations.map((a) => a.id),
    )),
  ];
  return events.sort((a, b) => Number(a.id) - Number(b.id));
}

const ACCREDITATION_LOG_KINDS = {
  suspend: "provider.suspended",
  reinstate: "provider.reinstated",
  withdraw: "provider.withdrawn",
} as const satisfies Record<AccreditationAction, AccreditationChanged["kind"]>;

export async function actOnAccreditation(
  db: Db,
  actor: Actor,
  providerId: string,
  accreditationId: string,
  action: AccreditationAction,
  reason?: string,
): Promise<ProviderWithAccreditations> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("accreditation")
      .select(["id", "status", "framework_id", "min_level", "max_level", "fields"])
      .where("id", "=", accreditationId)
      .where("provider_id", "=", providerId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound("Accreditation", accreditationId, "accreditation-not-found");
    const role = actor.role === "registry-admin" ? "registry-admin" : "provider-admin";
    const decision = applyAccreditationAction(
      row.status as AccreditationStatus,
      action,
      { role },
      reason ? { reason } : {},
    );
    if (!decision.ok) {
      throw new AppError(
        decision.code,
        decision.message,
        decision.code === "forbidden" ? 403 : decision.code === "reason-required" ? 422 : 409,
      );
    }
    await tx
      .updateTable("accreditation")
      .set({ status: decision.to, updated_at: new Date() })
      .where("id", "=", accreditationId)
      .execute();
    await appendRegisterEvent(tx, {
      actorId: actor.userId,
      actorLabel: actor.label,
      subjectType: "accreditation",
      subjectId: accreditationId,
      action,
      fromStatus: row.status,
      toStatus: decision.to,
      reason: reason ?? null,
      details: { provider: providerId },
    });
    // The change is a leaf of the transparency log, in the same transaction.
    await appendLogEvents(tx, [
      {
        kind: ACCREDITATION_LOG_KINDS[action],
        providerId,
        accreditationId,
        framework: row.framework_id,
        minLevel: row.min_level,
        maxLevel: row.max_level,
        fields: row.fields,
        status: decision.to,
      },
    ]);
    return getProvider(tx, providerId);
  });
}
