/**
 * Issuing credentials: every achievement recorded stands on an Open Badges 3.0 credential, signed by its
 * provider's active key, with a revocation and a suspension entry in the provider's status lists. Runs
 * inside the recording transaction, so an achievement and its credential are committed together or not
 * at all; the unique index on credential.achievement_id makes a re-run find what it already issued.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { signJwt } from "../credentials/jwt.ts";
import { signJwtWithKey } from "../credentials/jwt-fast.ts";
import type { Signer } from "../credentials/keys.ts";
import type { AchievementFacts } from "../credentials/open-badges.ts";
import { type IssuerProfile, openBadgeCredential, type SubjectIdentity } from "../credentials/open-badges.ts";
import { signDataIntegrity } from "../credentials/proofs.ts";
import { MIN_STATUS_LIST_BITS, statusEntry } from "../credentials/status-list.ts";
import { type UnitAchievementContext, unitAchievementFacts } from "../credentials/unit-achievement.ts";
import type { IdentifierKind } from "../domain/schema/accounts.ts";
import type { CreditSystem, Framework, UnitSpec } from "../domain/schema/catalogue.ts";
import { type Db, loadCreditSystems, loadFrameworks } from "../store/catalogue-repo.ts";
import {
  allocateStatusSlots,
  type CredentialInsert,
  type IssuerKeyRow,
  insertCredentials,
} from "../store/credentials-repo.ts";
import type { KeyRing } from "./issuers.ts";
import { appendLogEvents } from "./log-events.ts";
import type { BulkSigning, SigningPool } from "./signing-pool.ts";
import type { StatusSlot, StatusSlotReserve } from "./status-slots.ts";
import type { TransparencyLog } from "./transparency-log.ts";

export type ProofFormat = "data-integrity" | "jwt";

/** What issuing needs from a bank. */
export interface IssuingBank {
  db: Db;
  keys: KeyRing;
  config: { publicUrl: string; credentialFormat: ProofFormat };
  /** Worker threads for bulk signing, when the bank has them (started by a bulk run). */
  signing?: BulkSigning;
  /** Status slots set aside before a batch's transaction (src/services/status-slots.ts). */
  slots?: StatusSlotReserve;
  /** The transparency log (proofs for the verifier; events are written without it). */
  log?: TransparencyLog;
}

/** One achievement to issue a credential for (already validated and written by recording). */
export interface AchievementToIssue {
  achievementId: string;
  learnerId: string;
  providerId: string;
  unitId: string;
  unitVersion: number;
  achievedOn: string;
  credits: number;
  grade?: string | null;
  result?: string | null;
  evidence?: Array<{ url: string }>;
  /** The learner's identifiers from the record, strongest first is chosen below. */
  identifiers: Array<{ kind: IdentifierKind | string; value: string }>;
  /** The credential this one replaces (reissue). */
  replaces?: string;
}

const IDENTITY_TYPES: Record<string, Extract<SubjectIdentity, { kind: "hashed" }>["identityType"]> = {
  email: "emailAddress",
  "national-id": "nationalIdentityNumber",
  "student-number": "studentId",
};

/** Catalogue facts an issuing run reuses: achievements by unit version, issuer profiles. */
export class IssuanceCatalogue {
  private achievements = new Map<string, AchievementFacts>();
  private issuers = new Map<string, IssuerProfile>();
  private validity = new Map<string, number | null>();
  private frameworks?: Map<string, Framework>;
  private creditSystems?: Map<string, CreditSystem>;

  constructor(private readonly keys: KeyRing) {}

  async achievement(db: Db, unitId: string, version: number): Promise<AchievementFacts> {
    const key = `${unitId}:${version}`;
    const cached = this.achievements.get(key);
    if (cached) return cached;
    this.frameworks ??= await loadFrameworks(db);
    this.creditSystems ??= await loadCreditSystems(db);
    const row = await db
      .selectFrom("unit_version")
      .select("spec")
      .where("unit_id", "=", unitId)
      .where("version", "=", version)
      .executeTakeFirstOrThrow();
    const spec = row.spec as unknown as UnitSpec;
    const skills = await this.skills(db, spec);
    const ctx: UnitAchievementContext = {
      publicUrl: this.keys.publicUrl,
      unitId,
      version,
      frameworks: this.frameworks,
      creditSystems: this.creditSystems,
      skill: (framework, code) => skills.get(`${framework}\u0000${code}`),
    };
    const facts = unitAchievementFacts(spec, ctx);
    this.achievements.set(key, facts);
    this.validity.set(key, spec.validityMonths ?? null);
    return facts;
  }

  /** How many months a credential for the unit version stays valid (null: no end). */
  async validityMonths(db: Db, unitId: string, version: number): Promise<number | null> {
    await this.achievement(db, unitId, version);
    return this.validity.get(`${unitId}:${version}`) ?? null;
  }

  private async skills(db: Db, spec: UnitSpec) {
    const found = new Map<string, { label: string; uri?: string; frameworkName: string }>();
    const wanted = spec.skills ?? [];
    if (wanted.length === 0) return found;
    const rows = await db
      .selectFrom("skill_item as i")
      .innerJoin("skill_framework as f", "f.id", "i.framework_id")
      .select(["i.framework_id", "i.code", "i.label", "i.uri", "f.name"])
      .where("i.framework_id", "in", [...new Set(wanted.map((s) => s.framework))])
      .where("i.code", "in", [...new Set(wanted.map((s) => s.code))])
      .execute();
    for (const r of rows) {
      found.set(`${r.framework_id}\u0000${r.code}`, {
        label: r.label,
        ...(r.uri ? { uri: r.uri } : {}),
        frameworkName: r.name,
      });
    }
    return found;
  }

  async issuer(db: Db, providerId: string): Promise<IssuerProfile> {
    const cached = this.issuers.get(providerId);
    if (cached) return cached;
    const row = await db
      .selectFrom("provider")
      .select(["name", "website", "description"])
      .where("id", "=", providerId)
      .executeTakeFirstOrThrow();
    const profile: IssuerProfile = {
      id: this.keys.didOf(providerId),
      name: row.name,
      ...(row.website ? { url: row.website } : {}),
    };
    this.issuers.set(providerId, profile);
    return profile;
  }
}

/** The strongest identifier, hashed with the given salt. */
export function hashedIdentity(identifiers: AchievementToIssue["identifiers"], salt: string): SubjectIdentity {
  for (const kind of ["email", "national-id", "student-number"]) {
    const found = identifiers.find((i) => i.kind === kind);
    if (found)
      return { kind: "hashed", identityType: IDENTITY_TYPES[kind] as "emailAddress", value: found.value, salt };
  }
  const first = identifiers[0];
  return { kind: "hashed", identityType: "identifier", value: first?.value ?? "", salt };
}

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** Signs a credential in the requested format; returns the stored text. */
export async function signCredential(
  unsigned: Record<string, unknown>,
  signer: Signer,
  format: ProofFormat,
): Promise<string> {
  if (format === "jwt") {
    // The same token as signJwt's (Ed25519 is deterministic), without the Signer round trip.
    return signer.privateKey ? signJwtWithKey(unsigned, signer.id, signer.privateKey) : signJwt(unsigned, signer);
  }
  return JSON.stringify(await signDataIntegrity(unsigned, signer));
}

/** Below this many credentials in one go, handing them to worker threads costs more than it saves. */
const POOL_MIN_CREDENTIALS = 64;

/**
 * Signs credentials with one key, in input order: in the bank's worker threads when a bulk run has started
 * them and the key is held here, otherwise one by one on this thread.
 */
export async function signCredentials(
  unsigned: Array<Record<string, unknown>>,
  signer: Signer,
  format: ProofFormat,
  pool: SigningPool | null,
): Promise<string[]> {
  if (pool && signer.privateKey && unsigned.length >= POOL_MIN_CREDENTIALS) {
    const key = { id: signer.id, privateKey: signer.privateKey };
    try {
      return await (format === "jwt" ? pool.signJwts(unsigned, key) : pool.signDataIntegrity(unsigned, key));
    } catch (error) {
      // A worker died (the pool is then closed to all work): sign here instead. Any other error is the
      // credential's own and would fail the same way here.
      if (!pool.broken) throw error;
    }
  }
  const out: string[] = [];
  for (const credential of unsigned) out.push(await signCredential(credential, signer, format));
  return out;
}

/** An issuer's part of an issuing run: its key and signer, its profile, and a status slot per credential. */
export interface IssuingProvider {
  key: IssuerKeyRow;
  signer: Signer;
  issuer: IssuerProfile;
  slots: StatusSlot[];
}

/** What issuing a group of credentials needs from the database, read before any of them is built. */
export interface IssuingContext {
  format: ProofFormat;
  issuedAt: string;
  actorLabel: string;
  dids: Map<string, string>;
  providers: Map<string, IssuingProvider>;
  /** Unit version ("unit:version") → its Achievement and the credential's months of validity. */
  units: Map<string, { achievement: AchievementFacts; validityMonths: number | null }>;
}

/** Credentials built and waiting to be signed: the rows to store (without their documents yet). */
export interface PlannedCredentials {
  rows: CredentialInsert[];
  /** One group per provider: the rows' positions [start, end) and the unsigned credentials. */
  groups: Array<{ start: number; signer: Signer; unsigned: Array<Record<string, unknown>> }>;
  format: ProofFormat;
}

/**
 * Reads what issuing the items needs (learners' DIDs, issuer keys, achievements) and sets status slots
 * aside: from the bank's reserve when the caller filled it before the transaction, otherwise allocated
 * in this transaction.
 */
export async function loadIssuingContext(
  tx: Db,
  bank: IssuingBank,
  catalogue: IssuanceCatalogue,
  items: AchievementToIssue[],
  options: {
    format?: ProofFormat;
    actorLabel: string;
    /**
     * Only issuers whose key is ready may issue: the items of an issuer without one are left out of the
     * context (its key would be created here, which belongs in a transaction). For work done ahead of one.
     */
    readyKeysOnly?: boolean;
  },
): Promise<IssuingContext> {
  const context: IssuingContext = {
    format: options.format ?? bank.config.credentialFormat,
    issuedAt: new Date().toISOString(),
    actorLabel: options.actorLabel,
    dids: new Map(),
    providers: new Map(),
    units: new Map(),
  };
  if (items.length === 0) return context;
  // Learners who gave a DID are named by it; the others by a salted hash of an identifier.
  const learnerIds = [...new Set(items.map((i) => i.learnerId))];
  const dids = await tx
    .selectFrom("learner")
    .select(["id", "did"])
    .where("id", "=", sql<string>`any(${learnerIds}::uuid[])`)
    .where("did", "is not", null)
    .execute();
  for (const r of dids) context.dids.set(r.id, r.did as string);
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.providerId, (counts.get(item.providerId) ?? 0) + 1);
  for (const [providerId, count] of counts) {
    const key = options.readyKeysOnly
      ? await bank.keys.readyKey(tx, providerId)
      : await bank.keys.activeKey(tx, providerId, options.actorLabel);
    if (!key) continue;
    const signer = await bank.keys.signerFor(key);
    const issuer = await catalogue.issuer(tx, providerId);
    const slots =
      bank.slots?.take(providerId, count) ?? (await allocateStatusSlots(tx, providerId, count, MIN_STATUS_LIST_BITS));
    context.providers.set(providerId, { key, signer, issuer, slots });
  }
  for (const item of items) {
    const unit = `${item.unitId}:${item.unitVersion}`;
    if (context.units.has(unit)) continue;
    context.units.set(unit, {
      achievement: await catalogue.achievement(tx, item.unitId, item.unitVersion),
      validityMonths: await catalogue.validityMonths(tx, item.unitId, item.unitVersion),
    });
  }
  return context;
}

/** Builds the unsigned credentials and their rows (CPU only: no database, no signing). */
export function planCredentials(
  bank: IssuingBank,
  context: IssuingContext,
  items: AchievementToIssue[],
): PlannedCredentials {
  const plan: PlannedCredentials = { rows: [], groups: [], format: context.format };
  const byProvider = new Map<string, AchievementToIssue[]>();
  for (const item of items) {
    const group = byProvider.get(item.providerId);
    if (group) group.push(item);
    else byProvider.set(item.providerId, [item]);
  }
  for (const [providerId, group] of byProvider) {
    const { key, signer, issuer, slots } = context.providers.get(providerId) as IssuingProvider;
    const unsigned: Array<Record<string, unknown>> = [];
    plan.groups.push({ start: plan.rows.length, signer, unsigned });
    // One draw of random salts for the group: a call per credential costs more than the hashing.
    const salts = randomBytes(16 * group.length);
    for (const [i, item] of group.entries()) {
      const slot = slots[i] as StatusSlot;
      const unit = context.units.get(`${item.unitId}:${item.unitVersion}`) as {
        achievement: AchievementFacts;
        validityMonths: number | null;
      };
      const validUntil = unit.validityMonths ? addMonths(item.achievedOn, unit.validityMonths) : undefined;
      const id = randomUUID();
      const listUrl = `${bank.config.publicUrl}/status/${encodeURIComponent(slot.listId)}`;
      const did = context.dids.get(item.learnerId);
      unsigned.push(
        openBadgeCredential({
          id: `urn:uuid:${id}`,
          issuer,
          achievement: unit.achievement,
          subject: did
            ? { kind: "did", did }
            : hashedIdentity(item.identifiers, salts.subarray(16 * i, 16 * i + 16).toString("hex")),
          creditsEarned: item.credits,
          achievedOn: item.achievedOn,
          issuedAt: context.issuedAt,
          ...(validUntil ? { validUntil } : {}),
          ...(item.grade ? { grade: item.grade } : {}),
          ...(item.result ? { result: item.result } : {}),
          evidence: (item.evidence ?? []).map((e) => e.url),
          // Open Badges 3.0 allows one status entry: revocation, which every verifier understands. The
          // suspension list at the same index is its companion (docs/decisions/0007).
          credentialStatus: [statusEntry(`${listUrl}/revocation`, "revocation", slot.index)],
          ...(item.replaces ? { replaces: `urn:uuid:${item.replaces}` } : {}),
        }),
      );
      plan.rows.push({
        id,
        learner_id: item.learnerId,
        achievement_id: item.achievementId,
        kind: "achievement",
        issuer_id: providerId,
        key_id: key.id,
        proof_format: context.format,
        document: "",
        status_list_id: slot.listId,
        status_index: slot.index,
        issued_at: context.issuedAt,
        issued_by: context.actorLabel,
        replaces_id: item.replaces ?? null,
      });
    }
  }
  return plan;
}

/** Signs the planned credentials (through the bank's worker threads when they run); documents in row order. */
export async function signPlanned(bank: IssuingBank, plan: PlannedCredentials): Promise<string[]> {
  const pool = bank.signing?.running ?? null;
  const signed = await Promise.all(plan.groups.map((g) => signCredentials(g.unsigned, g.signer, plan.format, pool)));
  return signed.flat();
}

/** Stores signed credentials and links each reissue to the credential it replaces; returns their ids. */
export async function storePlanned(tx: Db, plan: PlannedCredentials, documents: string[]): Promise<string[]> {
  const rows = plan.rows.map((row, i) => ({ ...row, document: documents[i] as string }));
  await insertCredentials(tx, rows);
  // Each issuance is a leaf of the transparency log, written in this transaction.
  await appendLogEvents(
    tx,
    rows.map((row) => ({
      kind: "credential.issued" as const,
      credentialId: row.id as string,
      document: row.document,
      issuer: row.issuer_id,
      learnerId: row.learner_id ?? null,
      replaces: row.replaces_id ?? null,
    })),
  );
  for (const row of rows) {
    if (!row.replaces_id) continue;
    await tx.updateTable("credential").set({ replaced_by_id: row.id }).where("id", "=", row.replaces_id).execute();
  }
  return rows.map((r) => r.id as string);
}

/**
 * Issues one credential per achievement, inside the caller's transaction. Returns the credential ids in
 * input order.
 */
export async function issueAchievementCredentials(
  tx: Db,
  bank: IssuingBank,
  catalogue: IssuanceCatalogue,
  items: AchievementToIssue[],
  options: { format?: ProofFormat; actorLabel: string },
): Promise<string[]> {
  if (items.length === 0) return [];
  const context = await loadIssuingContext(tx, bank, catalogue, items, options);
  const plan = planCredentials(bank, context, items);
  const ids = await storePlanned(tx, plan, await signPlanned(bank, plan));
  // Rows are grouped by provider; give the ids back in the items' order.
  const byAchievement = new Map(plan.rows.map((r, i) => [r.achievement_id, ids[i] as string]));
  return items.map((i) => byAchievement.get(i.achievementId) as string);
}
