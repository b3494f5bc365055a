/**
 * Issuing credentials: every achievement recorded stands on an Open Badges 3.0 credential, signed by its
 * provider's active key, with a revocation and a suspension entry in the provider's status lists. Runs
 * inside the recording transaction, so an achievement and its credential are committed together or not
 * at all; the unique index on credential.achievement_id makes a re-run find what it already issued.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { signJwt } from "../credentials/jwt.ts";
import type { Signer } from "../credentials/keys.ts";
import type { AchievementFacts } from "../credentials/open-badges.ts";
import { type IssuerProfile, openBadgeCredential, type SubjectIdentity } from "../credentials/open-badges.ts";
import { signDataIntegrity } from "../credentials/proofs.ts";
import { MIN_STATUS_LIST_BITS, statusEntry } from "../credentials/status-list.ts";
import { type UnitAchievementContext, unitAchievementFacts } from "../credentials/unit-achievement.ts";
import type { IdentifierKind } from "../domain/schema/accounts.ts";
import type { CreditSystem, Framework, UnitSpec } from "../domain/schema/catalogue.ts";
import { type Db, loadCreditSystems, loadFrameworks } from "../store/catalogue-repo.ts";
import { allocateStatusSlots, type CredentialInsert, insertCredentials } from "../store/credentials-repo.ts";
import type { KeyRing } from "./issuers.ts";

export type ProofFormat = "data-integrity" | "jwt";

/** What issuing needs from a bank. */
export interface IssuingBank {
  db: Db;
  keys: KeyRing;
  config: { publicUrl: string; credentialFormat: ProofFormat };
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
function hashedIdentity(identifiers: AchievementToIssue["identifiers"], salt: string): SubjectIdentity {
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
  if (format === "jwt") return signJwt(unsigned, signer);
  return JSON.stringify(await signDataIntegrity(unsigned, signer));
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
  const format = options.format ?? bank.config.credentialFormat;
  const byProvider = new Map<string, AchievementToIssue[]>();
  for (const item of items) {
    const group = byProvider.get(item.providerId);
    if (group) group.push(item);
    else byProvider.set(item.providerId, [item]);
  }
  const ids = new Map<AchievementToIssue, string>();
  const rows: CredentialInsert[] = [];
  const issuedAt = new Date().toISOString();
  // Learners who gave a DID are named by it; the others by a salted hash of an identifier.
  const learnerIds = [...new Set(items.map((i) => i.learnerId))];
  const dids = new Map(
    (
      await tx
        .selectFrom("learner")
        .select(["id", "did"])
        .where("id", "=", sql<string>`any(${learnerIds}::uuid[])`)
        .where("did", "is not", null)
        .execute()
    ).map((r) => [r.id, r.did as string]),
  );
  for (const [providerId, group] of byProvider) {
    const key = await bank.keys.activeKey(tx, providerId, options.actorLabel);
    const signer = await bank.keys.signerFor(key);
    const issuer = await catalogue.issuer(tx, providerId);
    const slots = await allocateStatusSlots(tx, providerId, group.length, MIN_STATUS_LIST_BITS);
    // One draw of random salts for the group: a call per credential costs more than the hashing.
    const salts = randomBytes(16 * group.length);
    for (const [i, item] of group.entries()) {
      const slot = slots[i] as { listId: string; index: number };
      const achievement = await catalogue.achievement(tx, item.unitId, item.unitVersion);
      const validUntil = (await unitValidity(tx, catalogue, item)) ?? undefined;
      const id = randomUUID();
      const listUrl = `${bank.config.publicUrl}/status/${encodeURIComponent(slot.listId)}`;
      const unsigned = openBadgeCredential({
        id: `urn:uuid:${id}`,
        issuer,
        achievement,
        subject: dids.has(item.learnerId)
          ? { kind: "did", did: dids.get(item.learnerId) as string }
          : hashedIdentity(item.identifiers, salts.subarray(16 * i, 16 * i + 16).toString("hex")),
        creditsEarned: item.credits,
        achievedOn: item.achievedOn,
        issuedAt,
        ...(validUntil ? { validUntil } : {}),
        ...(item.grade ? { grade: item.grade } : {}),
        ...(item.result ? { result: item.result } : {}),
        evidence: (item.evidence ?? []).map((e) => e.url),
        // Open Badges 3.0 allows one status entry: revocation, which every verifier understands. The
        // suspension list at the same index is its companion (docs/decisions/0007).
        credentialStatus: [statusEntry(`${listUrl}/revocation`, "revocation", slot.index)],
        ...(item.replaces ? { replaces: `urn:uuid:${item.replaces}` } : {}),
      });
      const document = await signCredential(unsigned, signer, format);
      ids.set(item, id);
      rows.push({
        id,
        learner_id: item.learnerId,
        achievement_id: item.achievementId,
        kind: "achievement",
        issuer_id: providerId,
        key_id: key.id,
        proof_format: format,
        document,
        status_list_id: slot.listId,
        status_index: slot.index,
        issued_at: issuedAt,
        issued_by: options.actorLabel,
        replaces_id: item.replaces ?? null,
      });
    }
  }
  await insertCredentials(tx, rows);
  const replaced = items.filter((i) => i.replaces);
  for (const item of replaced) {
    await tx
      .updateTable("credential")
      .set({ replaced_by_id: ids.get(item) as string })
      .where("id", "=", item.replaces as string)
      .execute();
  }
  return items.map((i) => ids.get(i) as string);
}

/** validUntil for a unit with a validity period: the achievement date plus its months. */
async function unitValidity(tx: Db, catalogue: IssuanceCatalogue, item: AchievementToIssue): Promise<string | null> {
  const months = await catalogue.validityMonths(tx, item.unitId, item.unitVersion);
  return months ? addMonths(item.achievedOn, months) : null;
}
