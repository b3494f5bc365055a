/**
 * Learners, identifiers, achievements and account entries. Written for bulk work: lookups and inserts
 * take whole batches, so recording a file costs a handful of statements per thousand rows.
 */
import { randomUUID } from "node:crypto";
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
    cross join lateral (
      select i.kind, i.issuer, i.value, i.learner_id from learner_identifier i
      where i.kind = k.kind and i.issuer = k.issuer and i.value = k.value
    ) as i
    join learner l on l.id = i.learner_id`.execute(db);
  return rows.map((r) => ({ kind: r.kind, issuer: r.issuer, value: r.value, learnerId: r.learner_id }));
}

export interface NewLearnerRow {
  givenName?: string | undefined;
  familyName?: string | undefined;
  birthDate?: string | undefined;
  preferredLanguage?: string | undefined;
}

/**
 * Creates learners (account + profile); returns their ids in input order. Ids are made here, so the
 * mapping to input rows never depends on the order the database returns rows in.
 */
export async function insertLearners(db: Db, learners: NewLearnerRow[]): Promise<string[]> {
  if (learners.length === 0) return [];
  const ids = learners.map(() => randomUUID());
  const col = (f: (l: NewLearnerRow) => string | undefined) => learners.map((l) => f(l) ?? null);
  await sql`insert into learner (id) select * from unnest(${ids}::uuid[])`.execute(db);
  await sql`
    insert into learner_profile (learner_id, given_name, family_name, birth_date, preferred_language)
    select * from unnest(${ids}::uuid[], ${col((l) => l.givenName)}::text[], ${col((l) => l.familyName)}::text[],
                         ${col((l) => l.birthDate)}::date[], ${col((l) => l.preferredLanguage)}::text[])`.execute(db);
  return ids;
}

/**
 * Attaches identifiers the caller has checked are free. One taken meanwhile by another writer fails the
 * statement with a unique violation (SQLSTATE 23505), which the caller retries.
 */
export async function insertIdentifiers(db: Db, rows: Array<IdentifierRow & { learnerId: string }>): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into learner_identifier (kind, issuer, value, learner_id)
    select * from unnest(${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.issuer)}::text[],
                         ${rows.map((r) => r.value)}::text[], ${rows.map((r) => r.learnerId)}::uuid[])`.execute(db);
}

export interface AchievementInsert {
  id: string;
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
 * Inserts achievements whose keys the caller has checked are free. A key taken meanwhile by another
 * writer fails the statement with a unique violation (SQLSTATE 23505), which the caller retries.
 */
export async function insertAchievements(db: Db, rows: AchievementInsert[]): Promise<void> {
  if (rows.length === 0) return;
  // insert … select from unnest(arrays): one parameter per column however many rows, which is what
  // makes a batch cheap to send, parse and plan.
  await sql`
    insert into achievement (id, learner_id, provider_id, unit_id, unit_version, achieved_on, result, grade, evidence,
                             record_id, content_hash, recorded_by)
    select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.learnerId)}::uuid[],
                         ${rows.map((r) => r.providerId)}::text[], ${rows.map((r) => r.unitId)}::uuid[],
                         ${rows.map((r) => r.unitVersion)}::int[], ${rows.map((r) => r.achievedOn)}::date[],
                         ${rows.map((r) => r.result)}::text[], ${rows.map((r) => r.grade)}::text[],
                         ${rows.map((r) => JSON.stringify(r.evidence))}::jsonb[], ${rows.map((r) => r.recordId)}::text[],
                         ${rows.map((r) => r.contentHash)}::text[], ${rows.map((r) => r.recordedBy)}::text[])`.execute(
    db,
  );
}

export const achievementKey = (learnerId: string, unitId: string, achievedOn: string) =>
  `${learnerId}|${unitId}|${achievedOn}`;

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

export async function insertEntries(db: Db, rows: EntryInsert[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: EntryInsert) => T) => rows.map(f);
  // unnest() flattens a two-dimensional array, so each entry's dimensions travel as one joined string.
  await sql`
    insert into account_entry (learner_id, achievement_id, entry_type, source, effective_on, credits, credit_system_id,
                               level_framework_id, level_code, level_ordinal, provider_id, unit_id, unit_version,
                               dimensions, reverses_entry_id, reason, recorded_by)
    select learner_id, achievement_id, entry_type, source, effective_on, credits, credit_system_id, level_framework_id,
           level_code, level_ordinal, provider_id, unit_id, unit_version,
           coalesce(string_to_array(nullif(dimensions, ''), ','), '{}'), reverses_entry_id, reason, recorded_by
    from unnest(${col((r) => r.learnerId)}::uuid[], ${col((r) => r.achievementId)}::uuid[],
                ${col((r) => r.entryType)}::text[], ${col((r) => r.source)}::text[], ${col((r) => r.effectiveOn)}::date[],
                ${col((r) => r.credits)}::numeric[], ${col((r) => r.creditSystem)}::text[],
                ${col((r) => r.levelFramework)}::text[], ${col((r) => r.levelCode)}::text[],
                ${col((r) => r.levelOrdinal)}::int[], ${col((r) => r.providerId)}::text[], ${col((r) => r.unitId)}::uuid[],
                ${col((r) => r.unitVersion)}::int[], ${col((r) => r.dimensions.join(","))}::text[],
                ${col((r) => r.reversesEntryId)}::bigint[], ${col((r) => r.reason)}::text[], ${col((r) => r.recordedBy)}::text[])
      as e(learner_id, achievement_id, entry_type, source, effective_on, credits, credit_system_id, level_framework_id,
           level_code, level_ordinal, provider_id, unit_id, unit_version, dimensions, reverses_entry_id, reason,
           recorded_by)`.execute(db);
}

/**
 * Existing (not revoked) achievements by natural key, looked up in each given account and in the
 * accounts merged into it; the result is keyed by the given account. One query, whatever the batch.
 */
export async function findAchievementsInAccounts(
  db: Db,
  keys: Array<{ learnerId: string; unitId: string; achievedOn: string }>,
): Promise<Map<string, { id: string; contentHash: string }>> {
  const found = new Map<string, { id: string; contentHash: string }>();
  if (keys.length === 0) return found;
  const { rows } = await sql<{
    id: string;
    account: string;
    unit_id: string;
    achieved_on: string;
    content_hash: string;
  }>`
    select a.id, k.learner_id as account, a.unit_id, a.achieved_on, a.content_hash
    from unnest(${keys.map((k) => k.learnerId)}::uuid[], ${keys.map((k) => k.unitId)}::uuid[],
                ${keys.map((k) => k.achievedOn)}::date[]) as k(learner_id, unit_id, achieved_on)
    cross join lateral (
      select k.learner_id as member
      union all
      select m.id from learner m where m.merged_into = k.learner_id
    ) as members
    -- A per-key probe of the unique natural-key index, whatever the table statistics say: joined as a
    -- set, a fresh table without statistics was read and sorted whole for every batch.
    cross join lateral (
      select a.id, a.unit_id, a.achieved_on, a.content_hash from achievement a
      where a.learner_id = members.member and a.unit_id = k.unit_id and a.achieved_on = k.achieved_on
        and a.revoked_at is null
      limit 1
    ) as a`.execute(db);
  for (const r of rows) {
    const key = achievementKey(r.account, r.unit_id, r.achieved_on);
    if (!found.has(key)) found.set(key, { id: r.id, contentHash: r.content_hash });
  }
  return found;
}

/**
 * Refreshes the planner's statistics of the account tables. PGlite has no autovacuum, and on a server
 * it lags behind a bulk load; without statistics the planner misjudges every later query on them.
 */
export async function analyzeAccountTables(db: Db): Promise<void> {
  await sql`analyze learner, learner_identifier, achievement, account_entry`.execute(db);
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
