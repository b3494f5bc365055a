/**
 * Learners and their personal learning accounts: opening an account, finding it by identifier, the
 * statement, merging two accounts of one person, revoking an achievement, erasing personal data.
 */
import { identifierKey, normalizeIdentifier } from "../domain/identifiers.ts";
import type { LearnerIdentifier, LearnerProfile, NewLearner } from "../domain/schema/accounts.ts";
import { buildStatement, type Statement } from "../domain/statement.ts";
import {
  accountMembers,
  findLearnersByIdentifiers,
  insertIdentifiers,
  insertLearners,
  loadEntries,
} from "../store/accounts-repo.ts";
import type { Db } from "../store/catalogue-repo.ts";
import { changeCredentialStatus } from "../store/credentials-repo.ts";
import { deleteLearnerSalts } from "../store/log-repo.ts";
import { type Actor, assertActsForProvider, assertRegistryAdmin } from "./actor.ts";
import { AppError, conflict, forbidden, invalid, notFound } from "./errors.ts";
import { appendLogEvents, credentialStatusEvent } from "./log-events.ts";

export interface LearnerView {
  id: string;
  status: "active" | "merged" | "erased";
  mergedInto: string | null;
  profile: LearnerProfile;
  identifiers: Array<{ kind: string; issuer: string; value: string }>;
  mergedAccounts: string[];
  /** The DID the learner gave, which their credentials name them by. */
  did: string | null;
  createdAt: string;
}

function normalizeAll(identifiers: LearnerIdentifier[]) {
  return identifiers.map((id, i) => {
    const n = normalizeIdentifier(id);
    if (!n.ok) throw invalid(n.message, [{ path: `/identifiers/${i}`, message: n.message, code: n.code }], n.code);
    return n.identifier;
  });
}

/**
 * Who may see a learner's account: registry admins and assessors; the learner; a provider that has
 * recorded an achievement for them (it needs to see what it deposited).
 */
export async function assertMaySeeLearner(db: Db, actor: Actor, learnerId: string): Promise<void> {
  if (actor.role === "registry-admin" || actor.role === "assessor") return;
  if (actor.role === "learner" && actor.learnerId) {
    const members = await accountMembers(db, actor.learnerId);
    if (members.includes(learnerId)) return;
  }
  if (actor.role === "provider-admin" && actor.providerId) {
    const members = await accountMembers(db, learnerId);
    const hit = await db
      .selectFrom("achievement")
      .select("id")
      .where("learner_id", "in", members.length > 0 ? members : [learnerId])
      .where("provider_id", "=", actor.providerId)
      .limit(1)
      .executeTakeFirst();
    if (hit) return;
  }
  throw forbidden("You may not see this learner's account.", "not-your-learner");
}

export async function createLearner(db: Db, actor: Actor, input: NewLearner): Promise<LearnerView> {
  if (actor.role !== "registry-admin" && actor.role !== "provider-admin") {
    throw forbidden("Only registry or provider staff may open learner accounts.");
  }
  const identifiers = normalizeAll(input.identifiers);
  if (actor.role === "provider-admin") {
    for (const id of identifiers) {
      if (id.kind === "student-number" && id.issuer !== actor.providerId) {
        assertActsForProvider(actor, id.issuer);
      }
    }
  }
  return db.transaction().execute(async (tx) => {
    const taken = await findLearnersByIdentifiers(tx, identifiers);
    if (taken.length > 0) {
      throw new AppError(
        "identifier-taken",
        `The identifier ${taken[0]?.kind} '${taken[0]?.value}' already belongs to a learner account.`,
        409,
        taken.map((t) => ({ path: "/identifiers", message: `${t.kind} ${t.value} is taken`, learnerId: t.learnerId })),
      );
    }
    const [id] = await insertLearners(tx, [input]);
    const unique = new Map(identifiers.map((i) => [identifierKey(i), i]));
    await insertIdentifiers(
      tx,
      [...unique.values()].map((i) => ({ ...i, learnerId: id as string })),
    );
    return getLearner(tx, id as string);
  });
}

export async function getLearner(db: Db, learnerId: string): Promise<LearnerView> {
  const row = await db
    .selectFrom("learner as l")
    .leftJoin("learner_profile as p", "p.learner_id", "l.id")
    .select([
      "l.id",
      "l.status",
      "l.merged_into",
      "l.did",
      "l.created_at",
      "p.given_name",
      "p.family_name",
      "p.birth_date",
      "p.preferred_language",
    ])
    .where("l.id", "=", learnerId)
    .executeTakeFirst();
  if (!row) throw notFound("Learner", learnerId, "learner-not-found");
  const members = await accountMembers(db, learnerId);
  const identifiers = await db
    .selectFrom("learner_identifier")
    .select(["kind", "issuer", "value"])
    .where("learner_id", "in", members)
    .orderBy("kind")
    .orderBy("issuer")
    .orderBy("value")
    .execute();
  const profile: LearnerProfile = {};
  if (row.given_name) profile.givenName = row.given_name;
  if (row.family_name) profile.familyName = row.family_name;
  if (row.birth_date) profile.birthDate = row.birth_date;
  if (row.preferred_language) profile.preferredLanguage = row.preferred_language;
  return {
    id: row.id,
    status: row.status as LearnerView["status"],
    mergedInto: row.merged_into,
    profile,
    identifiers,
    mergedAccounts: members.filter((m) => m !== learnerId),
    did: row.did,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function findLearner(db: Db, actor: Actor, identifier: LearnerIdentifier): Promise<LearnerView> {
  if (actor.role === "learner" || actor.role === "public") throw forbidden("Only staff may look learners up.");
  const [normalized] = normalizeAll([identifier]);
  const [hit] = await findLearnersByIdentifiers(db, normalized ? [normalized] : []);
  if (!hit) throw notFound("Learner with identifier", `${identifier.kind}:${identifier.value}`, "learner-not-found");
  await assertMaySeeLearner(db, actor, hit.learnerId);
  return getLearner(db, hit.learnerId);
}

export async function statementOf(db: Db, learnerId: string): Promise<Statement> {
  const members = await accountMembers(db, learnerId);
  if (members.length === 0) throw notFound("Learner", learnerId, "learner-not-found");
  const rows = await loadEntries(db, members);
  return buildStatement(
    rows.map((r) => ({
      id: r.id,
      learnerId: r.learner_id,
      achievementId: r.achievement_id,
      type: r.entry_type as "deposit" | "reversal",
      source: r.source as "earned" | "imported" | "recognised",
      effectiveOn: r.effective_on,
      recordedAt: new Date(r.recorded_at).toISOString(),
      credits: Number(r.credits),
      creditSystem: r.credit_system_id,
      level: r.level_framework_id && r.level_code ? { framework: r.level_framework_id, level: r.level_code } : null,
      levelOrdinal: r.level_ordinal,
      providerId: r.provider_id,
      unit:
        r.unit_id && r.unit_code && r.unit_version !== null
          ? { id: r.unit_id, code: r.unit_code, version: r.unit_version, title: r.unit_title ?? "" }
          : null,
      dimensions: r.dimensions as Array<"knowledge-understanding" | "skills-capacity" | "attitudes-values">,
      reversesEntryId: r.reverses_entry_id,
      reason: r.reason,
    })),
  );
}

/**
 * Merges `mergedId` into `survivorId`: one person, one account. Nothing is moved or deleted; the merged
 * account points at the survivor, its identifiers now find the survivor, and the survivor's statement
 * includes the merged account's entries. The merge itself is recorded.
 */
export async function mergeLearners(
  db: Db,
  actor: Actor,
  survivorId: string,
  mergedId: string,
  reason: string,
): Promise<LearnerView> {
  assertRegistryAdmin(actor, "merge learner accounts");
  if (!reason.trim())
    throw invalid(
      "Say why the accounts are the same person.",
      [{ path: "/reason", message: "is required" }],
      "reason-required",
    );
  if (survivorId === mergedId)
    throw invalid("An account cannot be merged into itself.", undefined, "merge-same-account");
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom("learner")
      .select(["id", "status"])
      .where("id", "in", [survivorId, mergedId])
      .forUpdate()
      .execute();
    for (const id of [survivorId, mergedId]) {
      const row = rows.find((r) => r.id === id);
      if (!row) throw notFound("Learner", id, "learner-not-found");
      if (row.status !== "active")
        throw conflict(`Learner account ${id} is ${row.status} and cannot take part in a merge.`, "learner-not-active");
    }
    // Accounts merged earlier into the merged one now point straight at the survivor: one hop always.
    await tx
      .updateTable("learner")
      .set({ merged_into: survivorId, updated_at: new Date() })
      .where("merged_into", "=", mergedId)
      .execute();
    await tx
      .updateTable("learner")
      .set({ status: "merged", merged_into: survivorId, updated_at: new Date() })
      .where("id", "=", mergedId)
      .execute();
    await tx.updateTable("app_user").set({ learner_id: survivorId }).where("learner_id", "=", mergedId).execute();
    await tx
      .insertInto("account_merge")
      .values({ survivor_id: survivorId, merged_id: mergedId, actor_label: actor.label, reason })
      .execute();
    return getLearner(tx, survivorId);
  });
}

export async function mergeHistory(db: Db, learnerId: string) {
  const members = await accountMembers(db, learnerId);
  const rows = await db
    .selectFrom("account_merge")
    .selectAll()
    .where((eb) => eb.or([eb("survivor_id", "in", members), eb("merged_id", "in", members)]))
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    survivorId: r.survivor_id,
    mergedId: r.merged_id,
    at: new Date(r.at).toISOString(),
    by: r.actor_label,
    reason: r.reason,
  }));
}

/**
 * Revokes an achievement: its deposit is reversed by a new entry (entries are never changed or deleted).
 * `correction` marks the reversal as the first half of a correction, after which the right record is
 * recorded anew.
 */
export async function revokeAchievement(
  db: Db,
  actor: Actor,
  learnerId: string,
  achievementId: string,
  reason: string,
  correction = false,
): Promise<Statement> {
  if (!reason.trim())
    throw invalid("A revocation needs a reason.", [{ path: "/reason", message: "is required" }], "reason-required");
  await db.transaction().execute((tx) => revokeAchievementIn(tx, actor, learnerId, achievementId, reason, correction));
  return statementOf(db, learnerId);
}

/**
 * The revocation itself, inside the caller's transaction: reversal entries for the achievement's
 * deposits, its credential revoked, its natural key freed. Returns the achievement's owner.
 */
export async function revokeAchievementIn(
  tx: Db,
  actor: Actor,
  learnerId: string,
  achievementId: string,
  reason: string,
  correction = false,
): Promise<{ owner: string; deposits: Array<Record<string, unknown>> }> {
  {
    // The achievement may sit in an account merged into this one.
    const members = await accountMembers(tx, learnerId);
    const achievement = await tx
      .selectFrom("achievement")
      .select(["id", "provider_id", "learner_id"])
      .where("learner_id", "in", members.length > 0 ? members : [learnerId])
      .where("id", "=", achievementId)
      .executeTakeFirst();
    if (!achievement) throw notFound("Achievement", achievementId, "achievement-not-found");
    assertActsForProvider(actor, achievement.provider_id);
    const owner = achievement.learner_id;
    const deposits = await tx
      .selectFrom("account_entry as e")
      .selectAll("e")
      .where("e.learner_id", "=", owner)
      .where("e.achievement_id", "=", achievementId)
      .where("e.entry_type", "=", "deposit")
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("account_entry as r")
              .select("r.id")
              .whereRef("r.learner_id", "=", "e.learner_id")
              .whereRef("r.reverses_entry_id", "=", "e.id"),
          ),
        ),
      )
      .execute();
    if (deposits.length === 0) throw conflict("This achievement has already been revoked.", "already-revoked");
    const text = correction ? `correction: ${reason}` : reason;
    await tx
      .insertInto("account_entry")
      .values(
        deposits.map((d) => ({
          learner_id: d.learner_id,
          achievement_id: d.achievement_id,
          entry_type: "reversal",
          source: d.source,
          effective_on: new Date().toISOString().slice(0, 10),
          credits: -Number(d.credits),
          credit_system_id: d.credit_system_id,
          level_framework_id: d.level_framework_id,
          level_code: d.level_code,
          level_ordinal: d.level_ordinal,
          provider_id: d.provider_id,
          unit_id: d.unit_id,
          unit_version: d.unit_version,
          dimensions: d.dimensions,
          reverses_entry_id: d.id,
          reason: text,
          recorded_by: actor.label,
        })),
      )
      .execute();
    // The credential the achievement stands on is revoked with it, in its status list.
    const credential = await tx
      .selectFrom("credential")
      .select(["id", "issuer_id"])
      .where("achievement_id", "=", achievementId)
      .executeTakeFirst();
    if (credential && (await changeCredentialStatus(tx, credential.id, "revoke", text, actor.label))) {
      // The revocation is a leaf of the transparency log, in the same transaction.
      await appendLogEvents(tx, [credentialStatusEvent("revoke", credential.id, credential.issuer_id)]);
    }
    // The revoked achievement frees its natural key, so a corrected record can be made for the same day.
    await tx
      .updateTable("achievement")
      .set({ revoked_at: new Date() })
      .where("learner_id", "=", owner)
      .where("id", "=", achievementId)
      .execute();
    return { owner, deposits };
  }
}

/**
 * Erases a learner's personal data (profile and identifiers). The account and its entries stay: they
 * hold no personal data, and erasing must not rewrite the bank's history.
 */
export async function erasePersonalData(db: Db, actor: Actor, learnerId: string): Promise<LearnerView> {
  assertRegistryAdmin(actor, "erase a learner's personal data");
  return db.transaction().execute(async (tx) => {
    const members = await accountMembers(tx, learnerId);
    if (members.length === 0) throw notFound("Learner", learnerId, "learner-not-found");
    await tx.deleteFrom("learner_identifier").where("learner_id", "in", members).execute();
    await tx.deleteFrom("learner_profile").where("learner_id", "in", members).execute();
    // Without its salt, the learner's commitment in the transparency log links to nobody.
    await deleteLearnerSalts(tx, members);
    await tx
      .updateTable("learner")
      .set({ status: "erased", updated_at: new Date() })
      .where("id", "=", learnerId)
      .execute();
    return getLearner(tx, learnerId);
  });
}

/** DID syntax (W3C DID Core §3.1) without a path, query or fragment. */
const DID_SYNTAX = /^did:[a-z0-9]+:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})$/;

/**
 * A learner gives (or withdraws, with null) a DID of their own. Credentials issued from then on name
 * them by it; those issued before keep their salted-hash identifier. Only the learner, or a registry
 * admin on their behalf.
 */
export async function setLearnerDid(db: Db, actor: Actor, learnerId: string, did: string | null): Promise<LearnerView> {
  if (!(actor.role === "registry-admin" || (actor.role === "learner" && actor.learnerId === learnerId))) {
    throw forbidden("Only the learner, or a registry administrator, may set the learner's DID.", "not-your-account");
  }
  if (did !== null && (did.length > 500 || !DID_SYNTAX.test(did))) {
    throw invalid(
      `'${did.slice(0, 100)}' is not a DID (did:method:identifier, without a fragment).`,
      [{ path: "/did", message: "is not a DID" }],
      "invalid-did",
    );
  }
  const updated = await db
    .updateTable("learner")
    .set({ did, updated_at: new Date() })
    .where("id", "=", learnerId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) throw notFound("Learner", learnerId, "learner-not-found");
  return getLearner(db, learnerId);
}
