/**
 * Referential checks of the account tables, which name their learner, achievement, provider and unit
 * version by key rather than through foreign keys (see docs/decisions/0006-account-references.md). Each count must be zero.
 */
import { sql } from "kysely";
import type { Db } from "./catalogue-repo.ts";

export interface IntegrityReport {
  achievementsWithoutLearner: number;
  achievementsWithoutUnitVersion: number;
  achievementsWithoutProvider: number;
  entriesWithoutLearner: number;
  entriesWithoutAchievement: number;
  reversalsWithoutDeposit: number;
  /** Every achievement stands on exactly one credential (the unique index allows at most one). */
  achievementsWithoutCredential: number;
  credentialsWithoutAchievement: number;
}

export async function checkAccountIntegrity(db: Db): Promise<IntegrityReport> {
  const { rows } = await sql<Record<keyof IntegrityReport, string>>`
    select
      (select count(*) from achievement a where not exists (select 1 from learner l where l.id = a.learner_id))
        as "achievementsWithoutLearner",
      (select count(*) from achievement a where not exists
        (select 1 from unit_version v where v.unit_id = a.unit_id and v.version = a.unit_version))
        as "achievementsWithoutUnitVersion",
      (select count(*) from achievement a where not exists (select 1 from provider p where p.id = a.provider_id)
        or not exists (select 1 from unit u where u.id = a.unit_id and u.provider_id = a.provider_id))
        as "achievementsWithoutProvider",
      (select count(*) from account_entry e where not exists (select 1 from learner l where l.id = e.learner_id))
        as "entriesWithoutLearner",
      (select count(*) from account_entry e where e.achievement_id is not null and not exists
        (select 1 from achievement a where a.learner_id = e.learner_id and a.id = e.achievement_id))
        as "entriesWithoutAchievement",
      (select count(*) from account_entry r where r.reverses_entry_id is not null and not exists
        (select 1 from account_entry d where d.learner_id = r.learner_id and d.id = r.reverses_entry_id))
        as "reversalsWithoutDeposit",
      (select count(*) from achievement a where not exists (select 1 from credential c where c.achievement_id = a.id))
        as "achievementsWithoutCredential",
      (select count(*) from credential c where c.achievement_id is not null and not exists
        (select 1 from achievement a where a.learner_id = c.learner_id and a.id = c.achievement_id))
        as "credentialsWithoutAchievement"`.execute(db);
  const row = rows[0];
  return {
    achievementsWithoutLearner: Number(row?.achievementsWithoutLearner ?? 0),
    achievementsWithoutUnitVersion: Number(row?.achievementsWithoutUnitVersion ?? 0),
    achievementsWithoutProvider: Number(row?.achievementsWithoutProvider ?? 0),
    entriesWithoutLearner: Number(row?.entriesWithoutLearner ?? 0),
    entriesWithoutAchievement: Number(row?.entriesWithoutAchievement ?? 0),
    reversalsWithoutDeposit: Number(row?.reversalsWithoutDeposit ?? 0),
    achievementsWithoutCredential: Number(row?.achievementsWithoutCredential ?? 0),
    credentialsWithoutAchievement: Number(row?.credentialsWithoutAchievement ?? 0),
  };
}
