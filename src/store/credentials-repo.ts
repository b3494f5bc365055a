/**
 * Database access for credentials: issuer keys and their history, status list slots, issued credentials.
 */

import type { Insertable, Selectable } from "kysely";
import { sql } from "kysely";
import type { Db } from "./catalogue-repo.ts";
import type { CredentialTable, IssuerKeyEventTable, IssuerKeyTable } from "./schema.ts";

export type IssuerKeyRow = Selectable<IssuerKeyTable>;
export type IssuerKeyEventRow = Selectable<IssuerKeyEventTable>;
export type CredentialRow = Selectable<CredentialTable>;
export type CredentialInsert = Insertable<CredentialTable>;

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom("bank_setting").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value;
}

/** Stores a setting unless one is there; returns the stored value (the first writer wins). */
export async function putSettingOnce(db: Db, key: string, value: string): Promise<string> {
  await db
    .insertInto("bank_setting")
    .values({ key, value })
    .onConflict((c) => c.column("key").doNothing())
    .execute();
  return (await getSetting(db, key)) as string;
}

export const activeKeyOf = (db: Db, issuerId: string) =>
  db
    .selectFrom("issuer_key")
    .selectAll()
    .where("issuer_id", "=", issuerId)
    .where("status", "=", "active")
    .executeTakeFirst();

export const keysOf = (db: Db, issuerId: string) =>
  db
    .selectFrom("issuer_key")
    .selectAll()
    .where("issuer_id", "=", issuerId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();

export const keyById = (db: Db, id: string) =>
  db.selectFrom("issuer_key").selectAll().where("id", "=", id).executeTakeFirst();

export const keyEventsOf = (db: Db, issuerId: string) =>
  db.selectFrom("issuer_key_event").selectAll().where("issuer_id", "=", issuerId).orderBy("id").execute();

export const lastKeyEvent = (db: Db, issuerId: string) =>
  db
    .selectFrom("issuer_key_event")
    .selectAll()
    .where("issuer_id", "=", issuerId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();

/**
 * Hands out `count` consecutive status slots of the issuer's current list, opening new lists as they
 * fill. Runs inside the caller's transaction; the row lock on the list serialises concurrent issuers.
 */
export async function allocateStatusSlots(
  db: Db,
  issuerId: string,
  count: number,
  listSize: number,
): Promise<Array<{ listId: string; index: number }>> {
  const slots: Array<{ listId: string; index: number }> = [];
  while (slots.length < count) {
    let list = await db
      .selectFrom("status_list")
      .select(["id", "seq", "next_index", "size"])
      .where("issuer_id", "=", issuerId)
      .orderBy("seq", "desc")
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!list || list.next_index >= list.size) {
      const seq = (list?.seq ?? 0) + 1;
      const id = `${issuerId}-${seq}`;
      await db.insertInto("status_list").values({ id, issuer_id: issuerId, seq, size: listSize }).execute();
      list = { id, seq, next_index: 0, size: listSize };
    }
    const take = Math.min(count - slots.length, list.size - list.next_index);
    await db
      .updateTable("status_list")
      .set({ next_index: sql`next_index + ${take}` })
      .where("id", "=", list.id)
      .execute();
    for (let i = 0; i < take; i++) slots.push({ listId: list.id, index: list.next_index + i });
  }
  return slots;
}

export async function insertCredentials(db: Db, rows: CredentialInsert[]): Promise<void> {
  // 1000 rows × 12 columns stays far below PostgreSQL's 65,535 parameters per statement.
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto("credential")
      .values(rows.slice(i, i + 1000))
      .execute();
}

export const credentialById = (db: Db, id: string) =>
  db.selectFrom("credential").selectAll().where("id", "=", id).executeTakeFirst();

export async function credentialsByAchievement(db: Db, achievementIds: string[]): Promise<Map<string, CredentialRow>> {
  if (achievementIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("credential")
    .selectAll()
    .where("achievement_id", "=", sql<string>`any(${achievementIds}::uuid[])`)
    .execute();
  return new Map(rows.map((r) => [r.achievement_id as string, r]));
}

export const credentialsOfLearners = (db: Db, learnerIds: string[]) =>
  db
    .selectFrom("credential")
    .selectAll()
    .where("learner_id", "=", sql<string>`any(${learnerIds}::uuid[])`)
    .orderBy("issued_at")
    .orderBy("id")
    .execute();

/** Indexes whose bit is set in a list, for one purpose. */
export async function setStatusIndexes(
  db: Db,
  listId: string,
  purpose: "revocation" | "suspension",
): Promise<number[]> {
  const column = purpose === "revocation" ? "revoked_at" : "suspended_at";
  const rows = await db
    .selectFrom("credential")
    .select("status_index")
    .where("status_list_id", "=", listId)
    .where(column, "is not", null)
    .execute();
  return rows.map((r) => r.status_index as number);
}

/**
 * Sets or clears a credential's revocation or suspension, records who did it and why, and marks its
 * status list changed (so the served list is signed anew). Returns false when the status was already so.
 */
export async function changeCredentialStatus(
  db: Db,
  credentialId: string,
  action: "revoke" | "suspend" | "reinstate",
  reason: string,
  actorLabel: string,
): Promise<boolean> {
  const now = new Date().toISOString();
  const update =
    action === "revoke"
      ? db.updateTable("credential").set({ revoked_at: now, revocation_reason: reason }).where("revoked_at", "is", null)
      : action === "suspend"
        ? db
            .updateTable("credential")
            .set({ suspended_at: now, suspension_reason: reason })
            .where("suspended_at", "is", null)
            .where("revoked_at", "is", null)
        : db
            .updateTable("credential")
            .set({ suspended_at: null, suspension_reason: null })
            .where("suspended_at", "is not", null)
            .where("revoked_at", "is", null);
  const changed = await update.where("id", "=", credentialId).returning(["status_list_id"]).executeTakeFirst();
  if (!changed) return false;
  await db
    .insertInto("credential_status_event")
    .values({ credential_id: credentialId, action, reason, at: now, actor_label: actorLabel })
    .execute();
  if (changed.status_list_id) {
    await db.updateTable("status_list").set({ changed_at: now }).where("id", "=", changed.status_list_id).execute();
  }
  return true;
}

export const statusEventsOf = (db: Db, credentialId: string) =>
  db
    .selectFrom("credential_status_event")
    .select(["action", "reason", "at", "actor_label"])
    .where("credential_id", "=", credentialId)
    .orderBy("id")
    .execute();

export const statusListById = (db: Db, id: string) =>
  db.selectFrom("status_list").selectAll().where("id", "=", id).executeTakeFirst();
