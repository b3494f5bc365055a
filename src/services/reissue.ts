/**
 * Bulk revocation and reissue, for a cohort at a time (a grading error, a wrong date): each listed
 * credential is revoked, its deposit reversed, a corrected achievement recorded and a new credential
 * issued that names the one it replaces, all in one transaction per credential. Idempotent: a credential
 * already replaced reports its replacement, one already revoked reports so, and a re-run after a crash
 * finishes only what is left.
 */
import { randomUUID } from "node:crypto";
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { insertAchievements, insertEntries } from "../store/accounts-repo.ts";
import { type Actor, assertActsForProvider } from "./actor.ts";
import { changeStatus, credentialUuid } from "./credential-status.ts";
import { AppError } from "./errors.ts";
import { contentHash } from "./hashing.ts";
import { IssuanceCatalogue, type IssuingBank, issueAchievementCredentials, type ProofFormat } from "./issuance.ts";
import { revokeAchievementIn } from "./learners.ts";
import { schemaProblems } from "./validation.ts";

export const ReissueItem = Type.Object(
  {
    credential: Type.String({ minLength: 1, maxLength: 100, description: "Credential id (urn:uuid:… or the UUID)." }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    grade: Type.Optional(Type.String({ maxLength: 50 })),
    result: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ReissueItem = Static<typeof ReissueItem>;

export const RevokeItem = Type.Object(
  {
    credential: Type.String({ minLength: 1, maxLength: 100 }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type RevokeItem = Static<typeof RevokeItem>;

export interface BulkOutcome {
  row: number;
  credential: string;
  status: "revoked" | "reissued" | "unchanged" | "error";
  /** For a reissue: the new credential. */
  replacement?: string;
  code?: string;
  message?: string;
}

export interface BulkReport {
  rows: number;
  changed: number;
  unchanged: number;
  errors: number;
  outcomes: BulkOutcome[];
}

function report(outcomes: BulkOutcome[]): BulkReport {
  return {
    rows: outcomes.length,
    changed: outcomes.filter((o) => o.status === "revoked" || o.status === "reissued").length,
    unchanged: outcomes.filter((o) => o.status === "unchanged").length,
    errors: outcomes.filter((o) => o.status === "error").length,
    outcomes,
  };
}

const failure = (row: number, credential: string, error: unknown): BulkOutcome => {
  if (!(error instanceof AppError)) throw error;
  return { row, credential, status: "error", code: error.code, message: error.message };
};

/**
 * Runs `work` on each item in turn: an item of the wrong shape, or one whose work is refused with an
 * AppError, becomes an error row, and the others go on.
 */
async function eachItem<T extends TSchema>(
  items: unknown[],
  schema: T,
  work: (row: number, item: Static<T>) => Promise<BulkOutcome>,
): Promise<BulkReport> {
  const outcomes: BulkOutcome[] = [];
  for (const [row, raw] of items.entries()) {
    const label = String((raw as { credential?: unknown })?.credential ?? "");
    const [problem] = schemaProblems(schema, raw);
    if (problem) {
      const message = `${problem.path || "the row"} ${problem.message}`;
      outcomes.push({ row, credential: label, status: "error", code: "invalid-field", message });
      continue;
    }
    try {
      outcomes.push(await work(row, raw as Static<T>));
    } catch (error) {
      outcomes.push(failure(row, label, error));
    }
  }
  return report(outcomes);
}

/** Revokes every listed credential (final). Already revoked: unchanged. */
export function bulkRevoke(bank: IssuingBank, actor: Actor, items: unknown[]): Promise<BulkReport> {
  return eachItem(items, RevokeItem, async (row, item) => {
    const result = await changeStatus(bank, actor, item.credential, "revoke", item.reason);
    return { row, credential: `urn:uuid:${result.credentialId}`, status: result.changed ? "revoked" : "unchanged" };
  });
}

/** Revokes and reissues every listed achievement credential, with lineage both ways. */
export function bulkReissue(
  bank: IssuingBank,
  actor: Actor,
  items: unknown[],
  options: { format?: ProofFormat } = {},
): Promise<BulkReport> {
  const catalogue = new IssuanceCatalogue(bank.keys);
  return eachItem(items, ReissueItem, (row, item) => reissueOne(bank, actor, catalogue, row, item, options.format));
}

async function reissueOne(
  bank: IssuingBank,
  actor: Actor,
  catalogue: IssuanceCatalogue,
  row: number,
  item: ReissueItem,
  format: ProofFormat | undefined,
): Promise<BulkOutcome> {
  const id = credentialUuid(item.credential);
  const urn = `urn:uuid:${id}`;
  return bank.db.transaction().execute(async (tx) => {
    const old = /^[0-9a-f-]{36}$/.test(id)
      ? await tx.selectFrom("credential").selectAll().where("id", "=", id).forUpdate().executeTakeFirst()
      : undefined;
    if (!old) throw new AppError("credential-not-found", `Credential '${item.credential}' does not exist.`, 404);
    assertActsForProvider(actor, old.issuer_id);
    if (old.replaced_by_id)
      return { row, credential: urn, status: "unchanged", replacement: `urn:uuid:${old.replaced_by_id}` };
    if (old.revoked_at) {
      throw new AppError(
        "credential-revoked",
        `Credential ${urn} was revoked without a replacement; record the corrected achievement instead.`,
        409,
      );
    }
    if (!old.achievement_id || !old.learner_id) {
      throw new AppError(
        "not-an-achievement-credential",
        `Credential ${urn} does not stand for an achievement; issue a new one with the VC API.`,
        409,
      );
    }
    const achievement = await tx
      .selectFrom("achievement")
      .selectAll()
      .where("learner_id", "=", old.learner_id)
      .where("id", "=", old.achievement_id)
      .executeTakeFirstOrThrow();
    const reason = item.reason.trim();
    const { deposits } = await revokeAchievementIn(tx, actor, old.learner_id, old.achievement_id, reason, true);
    const newId = randomUUID();
    const grade = item.grade ?? achievement.grade;
    const result = item.result ?? achievement.result;
    await insertAchievements(tx, [
      {
        id: newId,
        learnerId: achievement.learner_id,
        providerId: achievement.provider_id,
        unitId: achievement.unit_id,
        unitVersion: achievement.unit_version,
        achievedOn: achievement.achieved_on,
        result,
        grade,
        evidence: achievement.evidence as unknown[],
        recordId: achievement.record_id,
        contentHash: contentHash({
          unitVersion: achievement.unit_version,
          result,
          grade,
          evidence: achievement.evidence,
        }),
        recordedBy: actor.label,
      },
    ]);
    const deposit = deposits[0] as Record<string, unknown>;
    await insertEntries(tx, [
      {
        learnerId: achievement.learner_id,
        achievementId: newId,
        entryType: "deposit",
        source: "earned",
        effectiveOn: achievement.achieved_on,
        credits: Number(deposit.credits),
        creditSystem: String(deposit.credit_system_id),
        levelFramework: (deposit.level_framework_id as string | null) ?? null,
        levelCode: (deposit.level_code as string | null) ?? null,
        levelOrdinal: (deposit.level_ordinal as number | null) ?? null,
        providerId: achievement.provider_id,
        unitId: achievement.unit_id,
        unitVersion: achievement.unit_version,
        dimensions: (deposit.dimensions as string[]) ?? [],
        reversesEntryId: null,
        reason: `reissue of ${urn}: ${reason}`,
        recordedBy: actor.label,
      },
    ]);
    const identifiers = await tx
      .selectFrom("learner_identifier")
      .select(["kind", "value"])
      .where("learner_id", "=", achievement.learner_id)
      .execute();
    const [newCredential] = await issueAchievementCredentials(
      tx,
      bank,
      catalogue,
      [
        {
          achievementId: newId,
          learnerId: achievement.learner_id,
          providerId: achievement.provider_id,
          unitId: achievement.unit_id,
          unitVersion: achievement.unit_version,
          achievedOn: achievement.achieved_on,
          credits: Number(deposit.credits),
          grade,
          result,
          evidence: achievement.evidence as Array<{ url: string }>,
          identifiers,
          replaces: id,
        },
      ],
      { ...(format ? { format } : { format: old.proof_format }), actorLabel: actor.label },
    );
    return { row, credential: urn, status: "reissued", replacement: `urn:uuid:${newCredential}` };
  });
}

/** Refuses an empty or oversized list before any work starts. */
export function assertList(items: unknown, max: number): asserts items is unknown[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new AppError("invalid-list", "Send a non-empty JSON array of items.", 400);
  }
  if (items.length > max)
    throw new AppError("too-many-rows", `At most ${max} items per request; this one has ${items.length}.`, 413);
}
