/**
 * Revoking, suspending and reinstating credentials, and serving the signed Bitstring status lists that
 * tell verifiers so. Revoking an achievement's credential revokes the achievement too (a reversal entry
 * in the account), through the same path as revoking the achievement.
 */

import { signDataIntegrity } from "../credentials/proofs.ts";
import { type StatusPurpose, statusListCredential } from "../credentials/status-list.ts";
import {
  changeCredentialStatus,
  credentialById,
  setStatusIndexes,
  statusEventsOf,
  statusListById,
} from "../store/credentials-repo.ts";
import type { Actor } from "./actor.ts";
import { assertActsForProvider } from "./actor.ts";
import { AppError, conflict, invalid, notFound } from "./errors.ts";
import type { IssuingBank } from "./issuance.ts";
import { revokeAchievement } from "./learners.ts";
import { appendLogEvents, credentialStatusEvent } from "./log-events.ts";

export type StatusAction = "revoke" | "suspend" | "reinstate";

async function loadForChange(bank: IssuingBank, actor: Actor, credentialId: string) {
  if (!UUID.test(credentialId)) throw notFound("Credential", credentialId, "credential-not-found");
  const credential = await credentialById(bank.db, credentialId);
  if (!credential) throw notFound("Credential", credentialId, "credential-not-found");
  if (credential.issuer_id === "bank") {
    if (actor.role !== "registry-admin")
      throw new AppError("forbidden", "Only registry administrators may change the bank's own credentials.", 403);
  } else assertActsForProvider(actor, credential.issuer_id);
  return credential;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Accepts a bare UUID or the credential's `urn:uuid:` id. */
export const credentialUuid = (id: string): string => id.replace(/^urn:uuid:/i, "").toLowerCase();

export async function changeStatus(
  bank: IssuingBank,
  actor: Actor,
  credentialIdOrUrn: string,
  action: StatusAction,
  reason: string,
): Promise<{ credentialId: string; changed: boolean; status: CredentialStatusView }> {
  if (!reason?.trim())
    throw invalid("A reason is required.", [{ path: "/reason", message: "is required" }], "reason-required");
  const id = credentialUuid(credentialIdOrUrn);
  const credential = await loadForChange(bank, actor, id);
  if (credential.revoked_at && action !== "revoke") {
    throw conflict("The credential is revoked; revocation is final.", "credential-revoked");
  }
  let changed: boolean;
  if (action === "revoke" && credential.achievement_id && credential.learner_id) {
    if (credential.revoked_at) changed = false;
    else {
      // Reverses the deposit and revokes the credential in one transaction.
      await revokeAchievement(bank.db, actor, credential.learner_id, credential.achievement_id, reason);
      changed = true;
    }
  } else {
    changed = await bank.db.transaction().execute(async (tx) => {
      const done = await changeCredentialStatus(tx, id, action, reason.trim(), actor.label);
      // The change is a leaf of the transparency log, in the same transaction.
      if (done) await appendLogEvents(tx, [credentialStatusEvent(action, id, credential.issuer_id)]);
      return done;
    });
  }
  return { credentialId: id, changed, status: await credentialStatus(bank, id) };
}

export interface CredentialStatusView {
  revoked: boolean;
  revokedAt?: string;
  revocationReason?: string;
  suspended: boolean;
  suspendedAt?: string;
  suspensionReason?: string;
  replaces?: string;
  replacedBy?: string;
  history: Array<{ action: string; reason: string; at: string; by: string }>;
}

export async function credentialStatus(bank: IssuingBank, id: string): Promise<CredentialStatusView> {
  const c = await credentialById(bank.db, id);
  if (!c) throw notFound("Credential", id, "credential-not-found");
  const history = await statusEventsOf(bank.db, id);
  return {
    revoked: c.revoked_at !== null,
    ...(c.revoked_at
      ? { revokedAt: new Date(c.revoked_at).toISOString(), revocationReason: c.revocation_reason ?? "" }
      : {}),
    suspended: c.suspended_at !== null,
    ...(c.suspended_at
      ? { suspendedAt: new Date(c.suspended_at).toISOString(), suspensionReason: c.suspension_reason ?? "" }
      : {}),
    ...(c.replaces_id ? { replaces: `urn:uuid:${c.replaces_id}` } : {}),
    ...(c.replaced_by_id ? { replacedBy: `urn:uuid:${c.replaced_by_id}` } : {}),
    history: history.map((h) => ({
      action: h.action,
      reason: h.reason,
      at: new Date(h.at).toISOString(),
      by: h.actor_label,
    })),
  };
}

/** Signed status list credentials, cached until their list changes. */
const signedLists = new WeakMap<object, Map<string, { changedAt: string; document: Record<string, unknown> }>>();

export async function statusListDocument(
  bank: IssuingBank,
  listId: string,
  purpose: StatusPurpose,
): Promise<{ document: Record<string, unknown>; changedAt: string }> {
  const list = await statusListById(bank.db, listId);
  if (!list) throw notFound("Status list", listId, "status-list-not-found");
  const changedAt = new Date(list.changed_at).toISOString();
  let cache = signedLists.get(bank.keys);
  if (!cache) {
    cache = new Map();
    signedLists.set(bank.keys, cache);
  }
  const cacheKey = `${listId}/${purpose}`;
  const hit = cache.get(cacheKey);
  if (hit && hit.changedAt === changedAt) return hit;
  const key = await bank.keys.activeKey(bank.db, list.issuer_id);
  const indexes = await setStatusIndexes(bank.db, listId, purpose);
  const listUrl = `${bank.config.publicUrl}/status/${encodeURIComponent(listId)}/${purpose}`;
  const unsigned = statusListCredential({
    listUrl,
    issuer: bank.keys.didOf(list.issuer_id),
    purpose,
    setIndexes: indexes,
    length: list.size,
    validFrom: changedAt,
  });
  const document = await signDataIntegrity(unsigned, await bank.keys.signerFor(key));
  const entry = { changedAt, document };
  cache.set(cacheKey, entry);
  return entry;
}
