/**
 * Learners, identifiers, achievements and account entries. Written for bulk work: lookups and inserts
 * take whole batches, so recording a file costs a handful of statements per thousand rows.
 */
import { sql } from "kysely";
import type { Db } from "./catalogue-repo.ts";

export interface IdentifierRow {
  kind: string;
  issuer: string;
  value: string;
}

/** Learners owning any of the given identifiers, following merges to the surviving account. */
export async function findLearnersByIdentifiers(
  db: Db,
  identifiers: IdentifierRow[],
): Promise<Array<IdentifierRow & { learnerId: string }>> {
  if (identifiers.length === 0) return [];
  // A join against unnest()ed arrays, not a long `(a,b,c) in ((…),…)` list: one parameter per column
  // whatever the batch size, and no deep expression tree (which overflows PGlite's stack).
  const { rows } = await sql<{ kind: string; issuer: string; value: string; learner_id: string }>`
    select i.kind, i.issuer, i.value, coalesce(l.merged_into, l.id) as learner_id
    from unnest(${identifiers.map((i) => i.kind)}::text[], ${identifiers.map((i) => i.issuer)}::text[],
                ${identifiers.map((i) => i.value)}::text[]) as k(kind, issuer, value)
    join learner_identifier i on i.kind = k.kind and i.issuer = k.issuer and i.value = k.value
    join learner l on l.id = i.learner_id`.execute(db);
  return rows.map((r) => ({ kind: r.kind, issuer: r.issuer, value: r.value, learnerId: r.learner_id }));
}

export interface NewLearnerRow {
  givenName?: string | undefined;
  familyName?: string | undefined;
  birthDate?: string | undefined;
  preferredLanguage?: string | undefined;
}

/** Creates learners (account + profile); returns their ids in input order. */
export async function insertLearners(db: Db, learners: NewLearnerRow[]): Promise<string[]> {
  if (learners.length === 0) return [];
  const ids = await db
    .insertInto("learner")
    .values(learners.map(() => ({ status: "active" })))
    .returning("id")
    .execute();
  await db
    .insertInto("learner_profile")
    .values(
      learners.map((l, i) => ({
        learner_id: ids[i]?.id as string,
        given_name: l.givenName ?? null,
        family_name: l.familyName ?? null,
        birth_date: l.birthDate ?? null,
        preferred_language: l.preferredLanguage ?? null,
      })),
    )
    .execute();
  return ids.map((r) => r.id);
}

/** Attaches identifiers; identifiers that already exist are left as they are. */
export async function insertIdentifiers(db: Db, rows: Array<IdentifierRow & { learnerId: string }>): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("learner_identifier")
    .values(rows.map((r) => ({ kind: r.kind, issuer: r.issuer, value: r.value, learner_id: r.learnerId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface AchievementInsert {
  learnerId: string;
  providerId: string;
  unitId: string;
  unitVersion: number;
  achievedOn: string;
  result: string | null;
  grade: string | null;
  evidence: unknown[];
  recordId: string | null;
  contentHash: string;
  recordedBy: string;
}

/**
 * Inserts achievements, skipping those whose natural key (learner, unit, date) is already taken.
 * Returns the inserted ones keyed by natural key.
 */
export async function insertAchievements(db: Db, rows: AchievementInsert[]): Promise<Map<string, string>> {
  const inserted = new Map<string, string>();
  if (rows.length === 0) return inserted;
  const result = await db
    .insertInto("achievement")
    .values(
      rows.map((r) => ({
        learner_id: r.learnerId,
        provider_id: r.providerId,
        unit_id: r.unitId,
        unit_version: r.unitVersion,
        achieved_on: r.achievedOn,
        result: r.result,
        grade: r.grade,
        evidence: JSON.stringify(r.evidence),
        record_id: r.recordId,
        content_hash: r.contentHash,
        recorded_by: r.recordedBy,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["learner_id", "unit_id", "achieved_on"]).where("revoked_at", "is", null).doNothing(),
    )
    .returning(["id", "learner_id", "unit_id", "achieved_on"])
    .execute();
  for (const r of result) inserted.set(achievementKey(r.learner_id, r.unit_id, r.achieved_on), r.id);
  return inserted;
}

export const achievementKey = (learnerId: string, unitId: string, achievedOn: string) =>
  `${learnerId}|${unitId}|${achievedOn}`;

/** Existing achievements by natural key, for telling a repeat from a conflicting record. */
export async function findAchievementsByKey(
  db: Db,
  keys: Array<{ learnerId: string; unitId: string; achievedOn: string }>,
): Promise<Map<string, { id: string; contentHash: string }>> {
  const found = new Map<string, { id: string; contentHash: string }>();
  if (keys.length === 0) return found;
  const { rows } = await sql<{
    id: string;
    learner_id: string;
    unit_id: string;
    achieved_on: string;
    content_hash: string;
  }>`
    select a.id, a.learner_id, a.unit_id, a.achieved_on, a.content_hash
    from unnest(${keys.map((k) => k.learnerId)}::uuid[], ${keys.map((k) => k.unitId)}::uuid[],
                ${keys.map((k) => k.achievedOn)}::date[]) as k(learner_id, unit_id, achieved_on)
    join achievement a on a.learner_id = k.learner_id and a.unit_id = k.unit_id and a.achieved_on = k.achieved_on
    where a.revoked_at is null`.execute(db);
  for (const r of rows)
    found.set(achievementKey(r.learner_id, r.unit_id, r.achieved_on), { id: r.id, contentHash: r.content_hash });
  return found;
}

export interface EntryInsert {
  learnerId: string;
  achievementId: string | null;
  entryType: "deposit" | "reversal";
  source: "earned" | "imported" | "recognised";
  effectiveOn: string;
  credits: number;
  creditSystem: string;
  levelFramework: string | null;
  levelCode: string | null;
  levelOrdinal: number | null;
  providerId: string;
  unitId: string | null;
  unitVersion: number | null;
  dimensions: string[];
  reversesEntryId: string | null;
  reason: string | null;
  recordedBy: string;
}

export async function insertEntries(db: Db, rows: EntryInsert[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await db
    .insertInto("account_entry")
    .values(
      rows.map((r) => ({
        learner_id: r.learnerId,
        achievement_id: r.achievementId,
        entry_type: r.entryType,
        source: r.source,
        effective_on: r.effectiveOn,
        credits: r.credits,
        credit_system_id: r.creditSystem,
        level_framework_id: r.levelFramework,
        level_code: r.levelCode,
        level_ordinal: r.levelOrdinal,
        provider_id: r.providerId,
        unit_id: r.unitId,
        unit_version: r.unitVersion,
        dimensions: r.dimensions,
        reverses_entry_id: r.reversesEntryId,
        reason: r.reason,
        recorded_by: r.recordedBy,
      })),
    )
    .returning("id")
    .execute();
  return result.map((r) => r.id);
}

/** For each surviving account, the accounts merged into it (only those that have any). */
export async function mergedInto(db: Db, survivorIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (survivorIds.length === 0) return result;
  const rows = await db
    .selectFrom("learner")
    .select(["id", "merged_into"])
    .where("merged_into", "in", [...new Set(survivorIds)])
    .execute();
  for (const r of rows) {
    const survivor = r.merged_into as string;
    result.set(survivor, [...(result.get(survivor) ?? []), r.id]);
  }
  return result;
}

/** The learner and every account merged into it: a statement covers them all. */
export async function accountMembers(db: Db, learnerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("learner")
    .select("id")
    .where((eb) => eb.or([eb("id", "=", learnerId), eb("merged_into", "=", learnerId)]))
    .execute();
  return rows.map((r) => r.id);
}

export async function loadEntries(db: Db, learnerIds: string[]) {
  if (learnerIds.length === 0) return [];
  return db
    .selectFrom("account_entry as e")
    .leftJoin("unit as u", "u.id", "e.unit_id")
    .leftJoin("unit_version as v", (join) =>
      join.onRef("v.unit_id", "=", "e.unit_id").onRef("v.version", "=", "e.unit_version"),
    )
    .select([
      "e.id",
      "e.learner_id",
      "e.achievement_id",
      "e.entry_type",
      "e.source",
      "e.effective_on",
      "e.recorded_at",
      "e.credits",
      "e.credit_system_id",
      "e.level_framework_id",
      "e.level_code",
      "e.level_ordinal",
      "e.provider_id",
      "e.unit_id",
      "e.unit_version",
      "u.code as unit_code",
      "v.title as unit_title",
      "e.dimensions",
      "e.reverses_entry_id",
      "e.reason",
    ])
    .where("e.learner_id", "in", learnerIds)
    .orderBy("e.effective_on")
    .orderBy("e.id")
    .execute();
}
