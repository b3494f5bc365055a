/**
 * Recording achievements: a learner passed a unit, so its credits are deposited in their account.
 *
 * Works in batches, each one transaction: check every row (shape, permission, unit version in force,
 * accreditation, date), find or open the learners' accounts by identifier, insert achievements and their
 * deposit entries. Idempotent: an achievement's natural key is (learner, unit, date), so re-running a
 * file reports its rows as unchanged, and a row that repeats a key with different content is reported as
 * a conflict rather than silently changing the account. A crash loses at most the batch in flight,
 * which the next run records.
 */
import { randomUUID } from "node:crypto";
import { accreditationCovers } from "../domain/accreditation.ts";
import { identifierKey, type NormalizedIdentifier, normalizeIdentifier } from "../domain/identifiers.ts";
import { canRecordAgainst } from "../domain/register-workflow.ts";
import { AchievementRecord } from "../domain/schema/accounts.ts";
import type { Framework, UnitStatus } from "../domain/schema/catalogue.ts";
import {
  type AchievementInsert,
  achievementKey,
  analyzeAccountTables,
  type EntryInsert,
  findAchievementsInAccounts,
  findLearnersByIdentifiers,
  type IdentifierRow,
  insertAchievements,
  insertEntries,
  insertIdentifiers,
  insertLearners,
} from "../store/accounts-repo.ts";
import { type Db, loadFrameworks, loadProviders, type ProviderWithAccreditations } from "../store/catalogue-repo.ts";
import {
  activeKeyOf,
  type CredentialInsert,
  type CredentialRow,
  credentialsByAchievement,
} from "../store/credentials-repo.ts";
import type { Actor } from "./actor.ts";
import { today } from "./catalogue-context.ts";
import { contentHash } from "./hashing.ts";
import {
  type AchievementToIssue,
  IssuanceCatalogue,
  type IssuingBank,
  loadIssuingContext,
  type PlannedCredentials,
  type ProofFormat,
  planCredentials,
  signPlanned,
  storePlanned,
} from "./issuance.ts";
import { schemaProblems } from "./validation.ts";

export interface RowError {
  /** Row number in the input: 1-based data row of a CSV file, 0-based index of a JSON array. */
  row: number;
  /** JSON pointer or CSV column of the offending value ('' for the row as a whole). */
  field: string;
  code: string;
  message: string;
}

export interface RecordingReport {
  rows: number;
  recorded: number;
  unchanged: number;
  learnersCreated: number;
  errors: RowError[];
  /** For each recorded or unchanged row (by row number): the achievement and learner. */
  results: Array<{
    row: number;
    status: "recorded" | "unchanged";
    achievementId: string;
    learnerId: string;
    /** The credential the achievement stands on. */
    credentialId: string;
  }>;
}

export interface NumberedRecord {
  row: number;
  /** The record, not yet validated. */
  record: unknown;
  /** Maps a JSON pointer of the record to the name of the input column, for CSV error reports. */
  fieldName?: (pointer: string) => string;
}

interface UnitVersionInfo {
  unitId: string;
  providerId: string;
  code: string;
  version: number;
  status: UnitStatus;
  supersededOn: string | null;
  title: string;
  field: string | null;
  levelFramework: string | null;
  levelCode: string | null;
  levelOrdinal: number | null;
  credits: number | null;
  creditSystem: string | null;
  dimensions: string[];
}

/**
 * Catalogue facts a recording run reuses across batches: unit versions, providers and frameworks.
 * Created once per run; small next to the catalogue it mirrors.
 */
export class RecordingCatalogue {
  private units = new Map<string, UnitVersionInfo[]>();
  private providers = new Map<string, ProviderWithAccreditations | null>();
  frameworks: Map<string, Framework> = new Map();

  private constructor(readonly issuance: IssuanceCatalogue) {}

  static async load(bank: IssuingBank): Promise<RecordingCatalogue> {
    const c = new RecordingCatalogue(new IssuanceCatalogue(bank.keys));
    c.frameworks = await loadFrameworks(bank.db);
    return c;
  }

  async prepare(db: Db, keys: Array<{ provider: string; code: string }>): Promise<void> {
    const missingUnits = [...new Set(keys.map((k) => `${k.provider}:${k.code}`))].filter((k) => !this.units.has(k));
    if (missingUnits.length > 0) {
      const pairs = missingUnits.map((k) => {
        const at = k.indexOf(":");
        return [k.slice(0, at), k.slice(at + 1)] as const;
      });
      const rows = await db
        .selectFrom("unit_version as v")
        .innerJoin("unit as u", "u.id", "v.unit_id")
        .select([
          "u.id",
          "u.provider_id",
          "u.code",
          "v.version",
          "v.status",
          "v.superseded_on",
          "v.title",
          "v.field",
          "v.level_framework_id",
          "v.level_code",
          "v.level_ordinal",
          "v.credits",
          "v.credit_system_id",
          "v.dimensions",
        ])
        .where("u.provider_id", "in", [...new Set(pairs.map(([p]) => p))])
        .where("u.code", "in", [...new Set(pairs.map(([, c]) => c))])
        .orderBy("v.version", "desc")
        .execute();
      for (const k of missingUnits) this.units.set(k, []);
      // The two `in` lists over-select (provider × code); only the units asked for are kept.
      for (const r of rows) {
        this.units.get(`${r.provider_id}:${r.code}`)?.push({
          unitId: r.id,
          providerId: r.provider_id,
          code: r.code,
          version: r.version,
          status: r.status as UnitStatus,
          supersededOn: r.superseded_on,
          title: r.title,
          field: r.field,
          levelFramework: r.level_framework_id,
          levelCode: r.level_code,
          levelOrdinal: r.level_ordinal,
          credits: r.credits === null ? null : Number(r.credits),
          creditSystem: r.credit_system_id,
          dimensions: r.dimensions,
        });
      }
    }
    const missingProviders = [...new Set(keys.map((k) => k.provider))].filter((p) => !this.providers.has(p));
    if (missingProviders.length > 0) {
      const found = await loadProviders(db, missingProviders);
      for (const p of missingProviders) this.providers.set(p, found.find((f) => f.id === p) ?? null);
    }
  }

  versions(provider: string, code: string): UnitVersionInfo[] {
    return this.units.get(`${provider}:${code}`) ?? [];
  }

  provider(id: string): ProviderWithAccreditations | null {
    return this.providers.get(id) ?? null;
  }
}

/**
 * The version a learner took on a date: the earliest version superseded on or after that date (it was
 * still the current one then), or else the approved version. Versions supersede one another in order,
 * so the earliest such version is the one in force.
 */
function versionInForce(versions: UnitVersionInfo[], on: string): UnitVersionInfo | undefined {
  const earlier = versions
    .filter((v) => v.status === "superseded" && v.supersededOn !== null && v.supersededOn >= on)
    .sort((a, b) => a.version - b.version)[0];
  return earlier ?? versions.find((v) => canRecordAgainst(v.status, v.supersededOn, on));
}

interface CheckedRow {
  row: number;
  record: AchievementRecord;
  unit: UnitVersionInfo;
  identifiers: IdentifierRow[];
  keys: string[];
  hash: string;
}

/** A batch checked and ready to write: the rows that passed, and the report so far (their errors). */
interface CheckedBatch {
  report: RecordingReport;
  checked: CheckedRow[];
  /** Credentials signed ahead of the batch's transaction (bulk runs), by row number. */
  presigned?: Promise<Map<number, PresignedCredential>>;
}

/**
 * A credential built and signed ahead of its batch's transaction, for a row that looked new when the
 * batch was checked. Nothing signed depends on what the transaction decides: the learner appears as a
 * DID or a salted hash of the row's own identifiers, never by account, so the transaction only has to
 * find the row still new and the key still active to store it as it is. Rows that turn out otherwise
 * are signed in the transaction as before, and a credential signed ahead and not used leaves an unused
 * status bit (src/services/status-slots.ts).
 */
interface PresignedCredential {
  /** The row to store, less the learner and achievement the transaction settles. */
  row: CredentialInsert;
  document: string;
}

/** What a credential is issued from: a checked row, once its achievement and learner are known. */
const issueItem = (c: CheckedRow, achievementId: string, learnerId: string): AchievementToIssue => ({
  achievementId,
  learnerId,
  providerId: c.record.provider,
  unitId: c.unit.unitId,
  unitVersion: c.unit.version,
  achievedOn: c.record.achievedOn,
  credits: c.unit.credits as number,
  grade: c.record.grade ?? null,
  result: c.record.result ?? null,
  evidence: c.record.evidence ?? [],
  identifiers: c.identifiers.map((i) => ({ kind: i.kind, value: i.value })),
});

/**
 * Builds and signs, outside any transaction, the credentials of the rows that look new (a learner not
 * seen yet, or one without an achievement under the row's key), so that a bulk run's signing overlaps the
 * previous batch's writes instead of holding its own transaction open. A guess, checked in the
 * transaction: see `PresignedCredential`.
 */
async function presign(
  bank: IssuingBank,
  actor: Actor,
  checked: CheckedRow[],
  catalogue: RecordingCatalogue,
  format: ProofFormat | undefined,
): Promise<Map<number, PresignedCredential>> {
  const presigned = new Map<number, PresignedCredential>();
  if (!bank.slots || checked.length === 0) return presigned;
  const db = bank.db;
  const known = await findLearnersByIdentifiers(
    db,
    checked.flatMap((c) => c.identifiers),
  );
  const owner = new Map<string, string>(known.map((k) => [keyOf(k), k.learnerId]));
  const rows: Array<{ c: CheckedRow; learnerId: string | undefined }> = [];
  for (const c of checked) {
    const owners = new Set(c.keys.map((k) => owner.get(k)).filter((x): x is string => Boolean(x)));
    if (owners.size <= 1) rows.push({ c, learnerId: [...owners][0] }); // two owners: a conflict, reported later
  }
  const withAccount = rows.filter((r) => r.learnerId !== undefined);
  const existing = await findAchievementsInAccounts(
    db,
    withAccount.map((r) => ({
      learnerId: r.learnerId as string,
      unitId: r.c.unit.unitId,
      achievedOn: r.c.record.achievedOn,
    })),
  );
  const items: AchievementToIssue[] = [];
  const rowOf = new Map<string, number>();
  const seen = new Set<string>();
  for (const { c, learnerId } of rows) {
    if (learnerId && existing.has(achievementKey(learnerId, c.unit.unitId, c.record.achievedOn))) continue;
    const sameAchievement = `${c.keys[0]}|${c.unit.unitId}|${c.record.achievedOn}`;
    if (seen.has(sameAchievement)) continue; // the same person, unit and date twice: the second is a repeat
    seen.add(sameAchievement);
    const placeholder = `row:${c.row}`;
    rowOf.set(placeholder, c.row);
    // A learner not seen yet has no DID: a fresh id stands in for the account the transaction opens.
    items.push(issueItem(c, placeholder, learnerId ?? randomUUID()));
  }
  if (items.length === 0) return presigned;
  const perProvider = new Map<string, number>();
  for (const item of items) perProvider.set(item.providerId, (perProvider.get(item.providerId) ?? 0) + 1);
  for (const [provider, count] of perProvider) await bank.slots.reserve(db, provider, count);
  const context = await loadIssuingContext(db, bank, catalogue.issuance, items, {
    ...(format ? { format } : {}),
    actorLabel: actor.label,
    readyKeysOnly: true,
  });
  const plan = planCredentials(
    bank,
    context,
    items.filter((i) => context.providers.has(i.providerId)),
  );
  const documents = await signPlanned(bank, plan);
  plan.rows.forEach((row, i) => {
    presigned.set(rowOf.get(row.achievement_id as string) as number, { row, document: documents[i] as string });
  });
  return presigned;
}

/**
 * Checks one batch's rows (shape, permission, unit version in force, accreditation, date, identifiers)
 * without writing anything; rows with errors are reported and left out.
 */
async function checkBatch(
  bank: IssuingBank,
  actor: Actor,
  batch: NumberedRecord[],
  catalogue: RecordingCatalogue,
  on: string,
): Promise<CheckedBatch> {
  const db = bank.db;
  const report: RecordingReport = {
    rows: batch.length,
    recorded: 0,
    unchanged: 0,
    learnersCreated: 0,
    errors: [],
    results: [],
  };
  const fail = (n: NumberedRecord, pointer: string, code: string, message: string) =>
    report.errors.push({ row: n.row, field: n.fieldName ? n.fieldName(pointer) : pointer, code, message });

  // 1. Shape.
  const shaped: Array<{ n: NumberedRecord; record: AchievementRecord }> = [];
  for (const n of batch) {
    const problems = schemaProblems(AchievementRecord, n.record);
    if (problems.length > 0) {
      for (const p of problems) {
        const where = n.fieldName ? n.fieldName(p.path) : p.path;
        fail(
          n,
          p.path,
          p.code === "invalid-characters" ? p.code : "invalid-field",
          `${where || "the row"} ${p.message}`,
        );
      }
      continue;
    }
    shaped.push({ n, record: n.record as AchievementRecord });
  }
  await catalogue.prepare(
    db,
    shaped.map((s) => ({ provider: s.record.provider, code: s.record.unit })),
  );

  // 2. Meaning: permission, unit version in force, accreditation, date, identifiers.
  const checked: CheckedRow[] = [];
  for (const { n, record } of shaped) {
    if (actor.role !== "registry-admin" && !(actor.role === "provider-admin" && actor.providerId === record.provider)) {
      fail(n, "/provider", "not-your-provider", `You may not record achievements for provider '${record.provider}'.`);
      continue;
    }
    const provider = catalogue.provider(record.provider);
    if (!provider) {
      fail(n, "/provider", "unknown-provider", `Provider '${record.provider}' is not in the register.`);
      continue;
    }
    if (record.achievedOn > on) {
      fail(n, "/achievedOn", "date-in-future", `The achievement date ${record.achievedOn} is in the future.`);
      continue;
    }
    const versions = catalogue.versions(record.provider, record.unit);
    if (versions.length === 0) {
      fail(n, "/unit", "unknown-unit", `Provider '${record.provider}' has no unit '${record.unit}' in the register.`);
      continue;
    }
    const unit =
      record.unitVersion === undefined
        ? versionInForce(versions, record.achievedOn)
        : versions.find((v) => v.version === record.unitVersion);
    if (!unit) {
      const message =
        record.unitVersion === undefined
          ? `Unit ${record.provider}:${record.unit} had no approved version in force on ${record.achievedOn}.`
          : `Unit ${record.provider}:${record.unit} has no version ${record.unitVersion}.`;
      fail(n, record.unitVersion === undefined ? "/unit" : "/unitVersion", "unit-not-creditable", message);
      continue;
    }
    if (!canRecordAgainst(unit.status, unit.supersededOn, record.achievedOn)) {
      fail(
        n,
        "/unitVersion",
        "unit-not-creditable",
        `Version ${unit.version} of ${record.provider}:${record.unit} is ${unit.status}; credit can be recorded only against an approved version in force on ${record.achievedOn}.`,
      );
      continue;
    }
    if (!unit.levelFramework || !unit.levelCode || unit.credits === null || !unit.creditSystem) {
      fail(n, "/unit", "unit-not-creditable", `Unit ${record.provider}:${record.unit} has no level or credits.`);
      continue;
    }
    const covered = accreditationCovers(provider, catalogue.frameworks, {
      level: { framework: unit.levelFramework, level: unit.levelCode },
      ...(unit.field ? { field: unit.field } : {}),
      on: record.achievedOn,
    });
    if (!covered.covered) {
      fail(n, "/unit", covered.code, covered.message);
      continue;
    }
    const identifiers: IdentifierRow[] = [];
    let identifiersOk = true;
    record.learner.identifiers.forEach((id, i) => {
      const normalized = normalizeIdentifier(id);
      if (!normalized.ok) {
        fail(n, `/learner/identifiers/${i}`, normalized.code, normalized.message);
        identifiersOk = false;
      } else identifiers.push(normalized.identifier);
    });
    if (!identifiersOk) continue;
    checked.push({
      row: n.row,
      record,
      unit,
      identifiers,
      keys: identifiers.map(keyOf),
      hash: contentHash({
        unitVersion: unit.version,
        result: record.result ?? null,
        grade: record.grade ?? null,
        evidence: record.evidence ?? [],
      }),
    });
  }
  return { report, checked };
}

/**
 * Writes a checked batch in one transaction: accounts, achievements, deposits and credentials. Status
 * slots for the credentials are set aside first, outside the transaction (src/services/status-slots.ts).
 */
async function writeBatch(
  bank: IssuingBank,
  actor: Actor,
  batch: CheckedBatch,
  catalogue: RecordingCatalogue,
  format: ProofFormat | undefined,
  tally?: SigningTally,
): Promise<RecordingReport> {
  const { report, checked } = batch;
  if (checked.length === 0) return report;
  // A failed guess costs nothing but time: the transaction signs what it has to.
  const presigned = batch.presigned ? await batch.presigned.catch(() => undefined) : undefined;
  if (bank.slots && !presigned) {
    const perProvider = new Map<string, number>();
    for (const c of checked) perProvider.set(c.record.provider, (perProvider.get(c.record.provider) ?? 0) + 1);
    for (const [provider, count] of perProvider) await bank.slots.reserve(bank.db, provider, count);
  }

  // Optimistic concurrency: if another writer opened an account for the same new person, or recorded
  // the same achievement, meanwhile, an insert hits a unique key; the batch is rolled back and run again.
  const validationErrors = [...report.errors];
  for (let attempt = 1; ; attempt++) {
    report.recorded = 0;
    report.unchanged = 0;
    report.learnersCreated = 0;
    report.errors = [...validationErrors];
    report.results = [];
    try {
      const signed = await writeInTransaction(bank, actor, checked, report, catalogue, format, presigned ?? new Map());
      if (tally) {
        tally.signedAhead += signed.signedAhead;
        tally.signedInTransaction += signed.signedInTransaction;
      }
      break;
    } catch (error) {
      // Another writer took an identifier or an achievement key first: run the batch again, it will
      // now find them.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 3) throw error;
    }
  }
  report.errors.sort((a, b) => a.row - b.row);
  report.results.sort((a, b) => a.row - b.row);
  return report;
}

/** PostgreSQL's SQLSTATE for a unique constraint violation. */
const UNIQUE_VIOLATION = "23505";

/** Stored identifiers were normalised on the way in, so their key is computed the same way. */
const keyOf = (id: IdentifierRow): string => identifierKey(id as NormalizedIdentifier);

async function writeInTransaction(
  bank: IssuingBank,
  actor: Actor,
  checked: CheckedRow[],
  report: RecordingReport,
  catalogue: RecordingCatalogue,
  format: ProofFormat | undefined,
  presigned: ReadonlyMap<number, PresignedCredential>,
): Promise<SigningTally> {
  return bank.db.transaction().execute(async (tx) => {
    // 3. Accounts: find learners by any identifier; open accounts for people not seen before.
    const known = await findLearnersByIdentifiers(
      tx,
      checked.flatMap((c) => c.identifiers),
    );
    const owner = new Map<string, string>(known.map((k) => [keyOf(k), k.learnerId]));
    const resolved = new Map<number, string>();
    const toCreate: CheckedRow[] = [];
    const pendingKey = new Map<string, CheckedRow>(); // identifier key -> first new row carrying it
    const sameAs = new Map<CheckedRow, CheckedRow>();
    for (const c of checked) {
      const owners = new Set(c.keys.map((k) => owner.get(k)).filter((x): x is string => Boolean(x)));
      if (owners.size > 1) {
        report.errors.push({
          row: c.row,
          field: "/learner/identifiers",
          code: "identifiers-conflict",
          message: "These identifiers belong to two different learner accounts; merge the accounts first.",
        });
        continue;
      }
      const [existing] = owners;
      if (existing) {
        resolved.set(c.row, existing);
        continue;
      }
      const earlier = c.keys.map((k) => pendingKey.get(k)).find(Boolean);
      if (earlier) {
        sameAs.set(c, earlier);
        continue;
      }
      toCreate.push(c);
      for (const k of c.keys) pendingKey.set(k, c);
    }
    const newIds = await insertLearners(
      tx,
      toCreate.map((c) => ({
        givenName: c.record.learner.givenName,
        familyName: c.record.learner.familyName,
        birthDate: c.record.learner.birthDate,
        preferredLanguage: c.record.learner.preferredLanguage,
      })),
    );
    report.learnersCreated = newIds.length;
    for (const [i, c] of toCreate.entries()) resolved.set(c.row, newIds[i] as string);
    for (const [c, earlier] of sameAs) {
      const id = resolved.get(earlier.row);
      if (id) resolved.set(c.row, id);
    }
    // Every identifier a row names becomes the account's, so the next record with any of them finds it.
    const attach = new Map<string, IdentifierRow & { learnerId: string }>();
    for (const c of checked) {
      const learnerId = resolved.get(c.row);
      if (!learnerId) continue;
      c.identifiers.forEach((id, i) => {
        const key = c.keys[i] as string;
        if (!owner.has(key) && !attach.has(key)) attach.set(key, { ...id, learnerId });
      });
    }
    await insertIdentifiers(tx, [...attach.values()]);

    // 4. Achievements and their deposits. Keys that already exist (in the account, or in an account
    // merged into it) are found first with one lookup, so the insert is a plain one: cheaper than
    // `on conflict do nothing`, which makes PostgreSQL insert every row speculatively. A concurrent
    // writer that inserts the same key meanwhile makes the insert fail, and the batch is run again.
    const rows = checked.filter((c) => resolved.has(c.row));
    const keyOfRow = (c: CheckedRow) =>
      achievementKey(resolved.get(c.row) as string, c.unit.unitId, c.record.achievedOn);
    // Keyed by the surviving account: a hit in an account merged into it counts as the same key.
    const existing = await findAchievementsInAccounts(
      tx,
      rows.map((c) => ({
        learnerId: resolved.get(c.row) as string,
        unitId: c.unit.unitId,
        achievedOn: c.record.achievedOn,
      })),
    );

    const inserts: AchievementInsert[] = [];
    const entries: EntryInsert[] = [];
    const repeats: CheckedRow[] = [];
    const inBatch = new Map<string, { id: string; contentHash: string }>();
    const toIssue: AchievementToIssue[] = [];
    /** New achievements whose row was signed ahead: achievement id → row number. */
    const signedAhead = new Map<string, number>();
    for (const c of rows) {
      const key = keyOfRow(c);
      if (existing.has(key) || inBatch.has(key)) {
        repeats.push(c);
        continue;
      }
      const learnerId = resolved.get(c.row) as string;
      const achievementId = randomUUID();
      inBatch.set(key, { id: achievementId, contentHash: c.hash });
      inserts.push({
        id: achievementId,
        learnerId,
        providerId: c.record.provider,
        unitId: c.unit.unitId,
        unitVersion: c.unit.version,
        achievedOn: c.record.achievedOn,
        result: c.record.result ?? null,
        grade: c.record.grade ?? null,
        evidence: c.record.evidence ?? [],
        recordId: c.record.recordId ?? null,
        contentHash: c.hash,
        recordedBy: actor.label,
      });
      entries.push({
        learnerId,
        achievementId,
        entryType: "deposit",
        source: "earned",
        effectiveOn: c.record.achievedOn,
        credits: c.unit.credits as number,
        creditSystem: c.unit.creditSystem as string,
        levelFramework: c.unit.levelFramework,
        levelCode: c.unit.levelCode,
        levelOrdinal: c.unit.levelOrdinal,
        providerId: c.record.provider,
        unitId: c.unit.unitId,
        unitVersion: c.unit.version,
        dimensions: c.unit.dimensions,
        reversesEntryId: null,
        reason: null,
        recordedBy: actor.label,
      });
      report.recorded += 1;
      report.results.push({ row: c.row, status: "recorded", achievementId, learnerId, credentialId: "" });
      toIssue.push(issueItem(c, achievementId, learnerId));
      if (presigned.has(c.row)) signedAhead.set(achievementId, c.row);
    }

    // 5. Repeats: the same content is "unchanged"; different content under the same key is a conflict.
    const unchanged: Array<{ c: CheckedRow; achievementId: string; learnerId: string }> = [];
    for (const c of repeats) {
      const learnerId = resolved.get(c.row) as string;
      const hit = existing.get(keyOfRow(c)) ?? inBatch.get(keyOfRow(c));
      if (hit && hit.contentHash === c.hash) {
        report.unchanged += 1;
        report.results.push({ row: c.row, status: "unchanged", achievementId: hit.id, learnerId, credentialId: "" });
        unchanged.push({ c, achievementId: hit.id, learnerId });
      } else {
        report.errors.push({
          row: c.row,
          field: "",
          code: "achievement-conflict",
          message: `This learner already has ${c.record.provider}:${c.record.unit} recorded on ${c.record.achievedOn} with a different result; revoke that record first to correct it.`,
        });
      }
    }

    // 6. Credentials: one per new achievement, and one for any earlier achievement that lacks it (a bank
    // upgraded from before credentials existed), all in this transaction.
    const earlier = unchanged.filter((u) => existing.has(keyOfRow(u.c)));
    const held =
      earlier.length > 0
        ? await credentialsByAchievement(
            tx,
            earlier.map((u) => u.achievementId),
          )
        : new Map<string, CredentialRow>();
    const queued = new Set(toIssue.map((t) => t.achievementId));
    for (const u of earlier) {
      if (held.has(u.achievementId) || queued.has(u.achievementId)) continue;
      queued.add(u.achievementId);
      toIssue.push(issueItem(u.c, u.achievementId, u.learnerId));
    }
    // Credentials signed ahead are used while their key is still the issuer's active one.
    const ahead: Array<{ row: CredentialInsert; document: string }> = [];
    const toSign: AchievementToIssue[] = [];
    const activeKeys = new Map<string, string | undefined>();
    for (const item of toIssue) {
      const signed = presigned.get(signedAhead.get(item.achievementId) ?? -1);
      if (signed && !activeKeys.has(item.providerId)) {
        activeKeys.set(item.providerId, (await activeKeyOf(tx, item.providerId))?.id);
      }
      if (signed && signed.row.key_id === activeKeys.get(item.providerId)) {
        ahead.push({
          row: { ...signed.row, learner_id: item.learnerId, achievement_id: item.achievementId },
          document: signed.document,
        });
      } else toSign.push(item);
    }
    const context = await loadIssuingContext(tx, bank, catalogue.issuance, toSign, {
      ...(format ? { format } : {}),
      actorLabel: actor.label,
    });
    // The achievements and deposits go to the database while the credentials are built and signed (in
    // worker threads when a bulk run started them): the three overlap instead of taking turns.
    const written = insertAchievements(tx, inserts).then(() => insertEntries(tx, entries));
    written.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    await new Promise<void>((resolve) => setImmediate(resolve)); // let the insert leave before the CPU work
    const signedHere = planCredentials(bank, context, toSign);
    const [documents] = await Promise.all([signPlanned(bank, signedHere), written]);
    const plan: PlannedCredentials = {
      rows: [...ahead.map((a) => a.row), ...signedHere.rows],
      groups: [],
      format: signedHere.format,
    };
    const credentialIds = await storePlanned(tx, plan, [...ahead.map((a) => a.document), ...documents]);

    const byAchievement = new Map<string, string>(
      plan.rows.map((r, i) => [r.achievement_id as string, credentialIds[i] as string]),
    );
    for (const [id, row] of held) byAchievement.set(id, row.id);
    for (const r of report.results) r.credentialId = byAchievement.get(r.achievementId) ?? "";
    return { signedAhead: ahead.length, signedInTransaction: signedHere.rows.length };
  });
}

/** A run of at least this many records signs its credentials in worker threads (they take a second to start). */
const SIGN_IN_WORKERS_FROM = 5000;

/** A run that records at least this many achievements refreshes the account tables' statistics. */
const ANALYZE_AFTER_ROWS = 10_000;

export interface SigningTally {
  signedAhead: number;
  signedInTransaction: number;
}

export interface RecordOptions {
  batchSize?: number;
  on?: string;
  /** Proof format of the credentials issued (default: the bank's CREDENTIAL_FORMAT). */
  format?: ProofFormat;
  /** Sign in the bank's worker threads (default: for runs of 5,000 records or more). */
  signInWorkers?: boolean;
  /**
   * Keep each row's result (achievement, learner, credential) in the report (default true). A bulk run
   * that needs only the counts and the errors passes false, so what it holds does not grow with the file.
   */
  keepResults?: boolean;
  /** How many records an iterable input holds, for progress and the worker decision (arrays know it). */
  expectedRows?: number;
  /**
   * Filled in as the run goes: how many credentials were signed ahead of their batch's transaction and
   * used, and how many were signed inside it (the benchmark reports how often the guess held).
   */
  signing?: SigningTally;
  /** Called after every batch with the number of rows processed so far (and the total, when known). */
  onProgress?: (processed: number, total: number) => void;
}

/** Batches of `size` records, pulled from the input only as they are needed. */
async function* batchesOf(
  records: Iterable<NumberedRecord> | AsyncIterable<NumberedRecord>,
  size: number,
): AsyncGenerator<NumberedRecord[]> {
  let batch: NumberedRecord[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Records many achievements batch by batch; the report adds the batches up. The input may be an array or
 * any (async) iterable, read a batch at a time, so a file can be streamed through.
 */
export async function recordAchievements(
  bank: IssuingBank,
  actor: Actor,
  records: Iterable<NumberedRecord> | AsyncIterable<NumberedRecord>,
  opts: RecordOptions = {},
): Promise<RecordingReport> {
  const batchSize = opts.batchSize ?? 1000;
  const on = opts.on ?? today();
  const expected = Array.isArray(records) ? records.length : (opts.expectedRows ?? 0);
  // A bulk run signs in worker threads, and signs each batch ahead of its transaction.
  const bulk = opts.signInWorkers ?? expected >= SIGN_IN_WORKERS_FROM;
  if (bulk) bank.signing?.start();
  const catalogue = await RecordingCatalogue.load(bank);
  const total: RecordingReport = { rows: 0, recorded: 0, unchanged: 0, learnersCreated: 0, errors: [], results: [] };
  const keepResults = opts.keepResults ?? true;
  const add = (r: RecordingReport) => {
    total.rows += r.rows;
    total.recorded += r.recorded;
    total.unchanged += r.unchanged;
    total.learnersCreated += r.learnersCreated;
    total.errors.push(...r.errors);
    if (keepResults) total.results.push(...r.results);
  };
  // One batch is written while the next is checked: checking is CPU work on this thread, writing mostly
  // waits for the database and the signing workers. Writes stay one at a time, in order, so batches never
  // contend for the same new learner or status list, and a crash loses at most the batch being written.
  let writing: Promise<void> = Promise.resolve();
  let read = 0;
  try {
    for await (const batch of batchesOf(records, batchSize)) {
      read += batch.length;
      const checked = await checkBatch(bank, actor, batch, catalogue, on);
      if (bulk) {
        // Signed while the previous batch is written; checked against the database in this batch's turn.
        checked.presigned = presign(bank, actor, checked.checked, catalogue, opts.format);
        checked.presigned.catch(() => undefined); // awaited (and a failure tolerated) by writeBatch
      }
      await writing;
      const processed = read;
      writing = writeBatch(bank, actor, checked, catalogue, opts.format, opts.signing).then((r) => {
        add(r);
        opts.onProgress?.(processed, Math.max(expected, processed));
      });
      writing.catch(() => undefined); // awaited at the next batch or below
    }
  } catch (error) {
    // A batch failed to check (or the input failed to read): let the batch being written finish first.
    await writing.catch(() => undefined);
    throw error;
  }
  await writing;
  // After a large load the planner's statistics are stale (PGlite never refreshes them by itself).
  if (total.recorded >= ANALYZE_AFTER_ROWS) await analyzeAccountTables(bank.db);
  return total;
}
