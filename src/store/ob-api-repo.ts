/**
 * Database access for the Open Badges 3.0 API: a learner's credentials a page at a time, credentials a
 * learner stored themselves (`kind = 'external'`), and the name in a learner's profile.
 */
import { sql } from "kysely";
import type { Db } from "./catalogue-repo.ts";
import type { CredentialInsert, CredentialRow } from "./credentials-repo.ts";

export interface CredentialPageQuery {
  limit: number;
  offset: number;
  /** Only credentials issued after this moment (ISO 8601). */
  since?: string | undefined;
}

/**
 * A page of the Open Badges credentials held in these learner accounts, oldest first, and how many there
 * are in all. Transcripts (CLR) are not Open Badges; a credential replaced by a correction is left out,
 * its replacement stands for it.
 */
export async function openBadgeCredentialsPage(
  db: Db,
  learnerIds: string[],
  query: CredentialPageQuery,
): Promise<{ rows: CredentialRow[]; total: number }> {
  if (learnerIds.length === 0) return { rows: [], total: 0 };
  let base = db
    .selectFrom("credential")
    .where("learner_id", "=", sql<string>`any(${learnerIds}::uuid[])`)
    .where("kind", "in", ["achievement", "external"])
    .where("replaced_by_id", "is", null);
  if (query.since) base = base.where("issued_at", ">", new Date(query.since));
  const counted = await base.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirst();
  const total = Number(counted?.n ?? 0);
  if (total === 0 || query.offset >= total) return { rows: [], total };
  const rows = await base
    .selectAll()
    .orderBy("issued_at")
    .orderBy("id")
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return { rows, total };
}

/** A credential by its row id, locked for the rest of the transaction. */
export const credentialForUpdate = (db: Db, id: string) =>
  db.selectFrom("credential").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

export async function insertExternalCredential(db: Db, row: CredentialInsert): Promise<void> {
  await db.insertInto("credential").values(row).execute();
}

/** Replaces the text of a credential a learner stored, with what identifies its key and format. */
export async function replaceExternalCredential(
  db: Db,
  id: string,
  fields: Pick<CredentialInsert, "key_id" | "proof_format" | "document" | "issued_at" | "issued_by">,
): Promise<void> {
  await db.updateTable("credential").set(fields).where("id", "=", id).where("kind", "=", "external").execute();
}

/** Puts a credential the bank issued to no one (VC API) into a learner's account; false when taken. */
export async function attachCredentialToLearner(db: Db, id: string, learnerId: string): Promise<boolean> {
  const changed = await db
    .updateTable("credential")
    .set({ learner_id: learnerId })
    .where("id", "=", id)
    .where("learner_id", "is", null)
    .returning("id")
    .executeTakeFirst();
  return changed !== undefined;
}

/** Sets the given and family name of a learner, creating the profile row when it is missing. */
export async function setLearnerName(
  db: Db,
  learnerId: string,
  givenName: string | null,
  familyName: string | null,
): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto("learner_profile")
    .values({ learner_id: learnerId, given_name: givenName, family_name: familyName, updated_at: now })
    .onConflict((c) =>
      c.column("learner_id").doUpdateSet({ given_name: givenName, family_name: familyName, updated_at: now }),
    )
    .execute();
}
