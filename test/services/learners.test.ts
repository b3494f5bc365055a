/**
 * Learners and their accounts: opening an account, the statement, merging two accounts of one person
 * (one hop, always), revoking and correcting an achievement, erasing personal data, and who may see an
 * account.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AchievementRecord } from "../../src/domain/schema/accounts.ts";
import { type Actor, OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { today } from "../../src/services/catalogue-context.ts";
import {
  assertMaySeeLearner,
  createLearner,
  erasePersonalData,
  findLearner,
  getLearner,
  mergeLearners,
  revokeAchievement,
  statementOf,
} from "../../src/services/learners.ts";
import { recordAchievements } from "../../src/services/recording.ts";
import { testBank } from "../support/bank.ts";
import { appError, coherentUnit, provider } from "../support/fixtures.ts";

type TestBank = Awaited<ReturnType<typeof testBank>>;

const providerA: Actor = {
  kind: "user",
  role: "provider-admin",
  providerId: "ln-a",
  userId: randomUUID(),
  label: "provider-admin ln-a",
};
const providerB: Actor = {
  kind: "user",
  role: "provider-admin",
  providerId: "ln-b",
  userId: randomUUID(),
  label: "provider-admin ln-b",
};
const assessor: Actor = { kind: "user", role: "assessor", userId: randomUUID(), label: "assessor" };
const learnerActor = (learnerId: string): Actor => ({
  kind: "user",
  role: "learner",
  learnerId,
  label: `learner ${learnerId}`,
});

const email = (value: string) => ({ kind: "email" as const, value });

let bank: TestBank;

/** Records achievements of ln-a (LN1: 3 ECTS, LN2: 5 ECTS) for one e-mail; returns the learner and achievements. */
async function recordFor(address: string, ...items: Array<[unit: string, date: string]>) {
  const records: AchievementRecord[] = items.map(([unit, achievedOn]) => ({
    provider: "ln-a",
    unit,
    achievedOn,
    learner: { identifiers: [email(address)], givenName: "Given", familyName: address.split("@")[0] as string },
  }));
  const report = await recordAchievements(
    bank,
    providerA,
    records.map((record, i) => ({ row: i + 1, record })),
  );
  expect(report.errors).toEqual([]);
  const learnerId = report.results[0]?.learnerId as string;
  return { learnerId, achievementIds: report.results.map((r) => r.achievementId) };
}

beforeAll(async () => {
  bank = await testBank();
  await importBundle(bank.db, OPERATOR, {
    providers: [provider("ln-a"), provider("ln-b")],
    units: [
      { ...coherentUnit("ln-a", "LN1", 3), status: "approved" },
      { ...coherentUnit("ln-a", "LN2", 5), status: "approved" },
    ],
  });
});

afterAll(async () => {
  await bank?.dispose();
});

describe("opening accounts and reading them", () => {
  it("createLearner opens an account with normalised identifiers; getLearner reads it back", async () => {
    const view = await createLearner(bank.db, OPERATOR, {
      givenName: "Grace",
      familyName: "Hopper",
      birthDate: "1990-12-09",
      identifiers: [email(" Grace@Example.ORG "), { kind: "national-id", value: "ie 1234-567.a", issuer: "ie" }],
    });
    expect(view).toMatchObject({
      status: "active",
      mergedInto: null,
      profile: { givenName: "Grace", familyName: "Hopper", birthDate: "1990-12-09" },
      mergedAccounts: [],
    });
    expect(view.identifiers).toEqual([
      { kind: "email", issuer: "", value: "grace@example.org" },
      { kind: "national-id", issuer: "IE", value: "IE1234567A" },
    ]);
    expect(await getLearner(bank.db, view.id)).toEqual(view);
  });

  it("refuses an identifier that is already taken, in any spelling: 'identifier-taken' (409), and opens nothing", async () => {
    const before = await bank.db.selectFrom("learner").select("id").execute();
    const error = await appError(
      createLearner(bank.db, OPERATOR, { givenName: "Other", identifiers: [email("GRACE@example.org")] }),
    );
    expect([error.code, error.status]).toEqual(["identifier-taken", 409]);
    expect(await bank.db.selectFrom("learner").select("id").execute()).toHaveLength(before.length);
  });

  it("getLearner of an unknown account is 'learner-not-found' (404)", async () => {
    const error = await appError(getLearner(bank.db, randomUUID()));
    expect([error.code, error.status]).toEqual(["learner-not-found", 404]);
  });

  it("statementOf lists the deposits with running balances and totals", async () => {
    const { learnerId, achievementIds } = await recordFor(
      "statement@example.org",
      ["LN1", "2025-01-15"],
      ["LN2", "2025-03-01"],
    );
    const statement = await statementOf(bank.db, learnerId);
    expect(statement.lines.map((l) => [l.type, l.status, l.credits, l.balance, l.effectiveOn, l.unit?.code])).toEqual([
      ["deposit", "active", 3, 3, "2025-01-15", "LN1"],
      ["deposit", "active", 5, 8, "2025-03-01", "LN2"],
    ]);
    expect(statement.entries.map((e) => e.achievementId)).toEqual(achievementIds);
    expect(statement.balances.total).toEqual({ ects: 8 });
    expect(statement.balances.byProvider).toEqual([{ providerId: "ln-a", credits: 8, creditSystem: "ects" }]);
  });
});

describe("merging accounts", () => {
  let survivor: Awaited<ReturnType<typeof recordFor>>;
  let merged: Awaited<ReturnType<typeof recordFor>>;

  beforeAll(async () => {
    survivor = await recordFor("survivor@example.org", ["LN1", "2025-01-10"]);
    merged = await recordFor("duplicate@example.org", ["LN2", "2025-02-10"]);
  });

  it("the survivor's statement includes the merged account's entries; its identifiers find the survivor", async () => {
    const view = await mergeLearners(
      bank.db,
      OPERATOR,
      survivor.learnerId,
      merged.learnerId,
      "Same person, two e-mails.",
    );
    expect(view.id).toBe(survivor.learnerId);
    expect(view.mergedAccounts).toEqual([merged.learnerId]);
    expect(view.identifiers.map((i) => i.value).sort()).toEqual(["duplicate@example.org", "survivor@example.org"]);

    const statement = await statementOf(bank.db, survivor.learnerId);
    expect(statement.entries.map((e) => e.achievementId).sort()).toEqual(
      [...survivor.achievementIds, ...merged.achievementIds].sort(),
    );
    expect(statement.balances.total).toEqual({ ects: 8 });

    expect((await findLearner(bank.db, OPERATOR, email("Duplicate@Example.org"))).id).toBe(survivor.learnerId);
    expect(await getLearner(bank.db, merged.learnerId)).toMatchObject({
      status: "merged",
      mergedInto: survivor.learnerId,
    });

    // New achievements for the merged account's identifier land in the survivor's account...
    const later = await recordFor("duplicate@example.org", ["LN1", "2025-05-05"]);
    expect(later.learnerId).toBe(survivor.learnerId);
    // ...and a record naming both accounts' identifiers is no longer a conflict.
    const both = await recordAchievements(bank, providerA, [
      {
        row: 1,
        record: {
          provider: "ln-a",
          unit: "LN2",
          achievedOn: "2025-05-06",
          learner: { identifiers: [email("survivor@example.org"), email("duplicate@example.org")] },
        },
      },
    ]);
    expect(both.errors).toEqual([]);
    expect(both.results[0]?.learnerId).toBe(survivor.learnerId);
  });

  it("merging an account that had itself absorbed another keeps one hop", async () => {
    const c = await recordFor("c@example.org", ["LN1", "2025-01-20"]);
    const d = await recordFor("d@example.org", ["LN2", "2025-02-20"]);
    await mergeLearners(bank.db, OPERATOR, c.learnerId, d.learnerId, "C and D are one person.");
    await mergeLearners(bank.db, OPERATOR, survivor.learnerId, c.learnerId, "C is the survivor's person too.");

    const rows = await bank.db
      .selectFrom("learner")
      .select(["id", "status", "merged_into"])
      .where("id", "in", [c.learnerId, d.learnerId])
      .execute();
    expect(rows.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [
        { id: c.learnerId, status: "merged", merged_into: survivor.learnerId },
        { id: d.learnerId, status: "merged", merged_into: survivor.learnerId },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect((await findLearner(bank.db, OPERATOR, email("d@example.org"))).id).toBe(survivor.learnerId);
    const statement = await statementOf(bank.db, survivor.learnerId);
    expect(statement.entries.map((e) => e.achievementId)).toEqual(
      expect.arrayContaining([...c.achievementIds, ...d.achievementIds]),
    );
    // survivor LN1 + merged LN2 + two later records (LN1, LN2) + C's LN1 + D's LN2
    expect(statement.balances.total).toEqual({ ects: 3 + 5 + 3 + 5 + 3 + 5 });
    expect((await getLearner(bank.db, survivor.learnerId)).mergedAccounts.sort()).toEqual(
      [merged.learnerId, c.learnerId, d.learnerId].sort(),
    );
  });

  it("refuses to merge a merged account, into a merged account, or an account into itself", async () => {
    const again = await appError(mergeLearners(bank.db, OPERATOR, survivor.learnerId, merged.learnerId, "again"));
    expect([again.code, again.status]).toEqual(["learner-not-active", 409]);
    const intoMerged = await appError(
      mergeLearners(bank.db, OPERATOR, merged.learnerId, survivor.learnerId, "backwards"),
    );
    expect([intoMerged.code, intoMerged.status]).toEqual(["learner-not-active", 409]);
    const self = await appError(mergeLearners(bank.db, OPERATOR, survivor.learnerId, survivor.learnerId, "itself"));
    expect(self.code).toBe("merge-same-account");
  });

  it("needs a reason and a registry administrator", async () => {
    const e = await recordFor("e@example.org", ["LN1", "2025-01-21"]);
    const noReason = await appError(mergeLearners(bank.db, OPERATOR, survivor.learnerId, e.learnerId, "  "));
    expect(noReason.code).toBe("reason-required");
    const byProvider = await appError(mergeLearners(bank.db, providerA, survivor.learnerId, e.learnerId, "I think so"));
    expect([byProvider.code, byProvider.status]).toEqual(["registry-admin-only", 403]);
    expect((await getLearner(bank.db, e.learnerId)).status).toBe("active");
  });
});

describe("revoking achievements", () => {
  it("a revocation appends a reversal, marks the deposit 'revoked' and lowers the balance", async () => {
    const { learnerId, achievementIds } = await recordFor(
      "revoke@example.org",
      ["LN1", "2025-04-01"],
      ["LN2", "2025-04-02"],
    );
    const [ln1] = achievementIds as [string, string];
    const statement = await revokeAchievement(
      bank.db,
      providerA,
      learnerId,
      ln1,
      "Assessment found to be plagiarised.",
    );
    const deposit = statement.entries.find((e) => e.achievementId === ln1 && e.type === "deposit");
    const reversal = statement.entries.find((e) => e.achievementId === ln1 && e.type === "reversal");
    expect(deposit?.status).toBe("revoked");
    expect(reversal).toMatchObject({
      credits: -3,
      reversesEntryId: deposit?.id,
      reason: "Assessment found to be plagiarised.",
      effectiveOn: today(),
      status: "active",
    });
    expect(statement.balances.total).toEqual({ ects: 5 });
    expect(statement.lines.at(-1)?.balance).toBe(5);

    const twice = await appError(revokeAchievement(bank.db, providerA, learnerId, ln1, "Again."));
    expect([twice.code, twice.status]).toEqual(["already-revoked", 409]);
    expect((await statementOf(bank.db, learnerId)).entries).toHaveLength(3);
  });

  it("a correction marks the deposit 'corrected', and the same (unit, date) can then be recorded again", async () => {
    const { learnerId, achievementIds } = await recordFor("correct@example.org", ["LN1", "2025-04-03"]);
    const [wrong] = achievementIds as [string];
    const statement = await revokeAchievement(bank.db, providerA, learnerId, wrong, "Wrong grade entered.", true);
    expect(statement.entries.find((e) => e.achievementId === wrong && e.type === "deposit")?.status).toBe("corrected");
    expect(statement.balances.total).toEqual({ ects: 0 });

    const again = await recordFor("correct@example.org", ["LN1", "2025-04-03"]);
    expect(again.learnerId).toBe(learnerId);
    expect(again.achievementIds[0]).not.toBe(wrong);
    const after = await statementOf(bank.db, learnerId);
    expect(after.entries.map((e) => [e.type, e.status, e.credits])).toEqual([
      ["deposit", "corrected", 3],
      ["deposit", "active", 3],
      ["reversal", "active", -3],
    ]);
    expect(after.balances.total).toEqual({ ects: 3 });
  });

  it("only the provider that recorded it (or the registry) may revoke, and a reason is needed", async () => {
    const { learnerId, achievementIds } = await recordFor("revoke-other@example.org", ["LN1", "2025-04-04"]);
    const id = achievementIds[0] as string;
    const other = await appError(revokeAchievement(bank.db, providerB, learnerId, id, "Not mine to revoke."));
    expect([other.code, other.status]).toEqual(["not-your-provider", 403]);
    const noReason = await appError(revokeAchievement(bank.db, providerA, learnerId, id, " "));
    expect(noReason.code).toBe("reason-required");
    expect((await statementOf(bank.db, learnerId)).balances.total).toEqual({ ects: 3 });
  });
});

describe("erasing personal data", () => {
  it("removes the profile and identifiers but keeps the entries and the balance", async () => {
    const { learnerId } = await recordFor("erase-me@example.org", ["LN1", "2025-05-01"], ["LN2", "2025-05-02"]);
    const before = await statementOf(bank.db, learnerId);
    expect((await getLearner(bank.db, learnerId)).profile).toMatchObject({
      givenName: "Given",
      familyName: "erase-me",
    });

    const view = await erasePersonalData(bank.db, OPERATOR, learnerId);
    expect(view).toMatchObject({ id: learnerId, status: "erased", profile: {}, identifiers: [] });
    expect(
      await bank.db.selectFrom("learner_profile").select("learner_id").where("learner_id", "=", learnerId).execute(),
    ).toEqual([]);
    expect(
      await bank.db.selectFrom("learner_identifier").select("value").where("learner_id", "=", learnerId).execute(),
    ).toEqual([]);
    const missing = await appError(findLearner(bank.db, OPERATOR, email("erase-me@example.org")));
    expect(missing.code).toBe("learner-not-found");

    const after = await statementOf(bank.db, learnerId);
    expect(after.entries).toEqual(before.entries);
    expect(after.balances).toEqual(before.balances);
  });

  it("only a registry administrator may erase", async () => {
    const { learnerId } = await recordFor("keep-me@example.org", ["LN1", "2025-05-03"]);
    const error = await appError(erasePersonalData(bank.db, providerA, learnerId));
    expect([error.code, error.status]).toEqual(["registry-admin-only", 403]);
    expect((await getLearner(bank.db, learnerId)).identifiers).toHaveLength(1);
  });
});

describe("who may see an account", () => {
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    mine = (await recordFor("see-me@example.org", ["LN1", "2025-06-01"])).learnerId;
    theirs = (await createLearner(bank.db, OPERATOR, { identifiers: [email("someone-else@example.org")] })).id;
  });

  it("the learner sees their own account and not another's", async () => {
    await expect(assertMaySeeLearner(bank.db, learnerActor(mine), mine)).resolves.toBeUndefined();
    const error = await appError(assertMaySeeLearner(bank.db, learnerActor(mine), theirs));
    expect([error.code, error.status]).toEqual(["not-your-learner", 403]);
  });

  it("a provider sees the accounts it recorded achievements in, and no other", async () => {
    await expect(assertMaySeeLearner(bank.db, providerA, mine)).resolves.toBeUndefined();
    const notRecorded = await appError(assertMaySeeLearner(bank.db, providerB, mine));
    expect([notRecorded.code, notRecorded.status]).toEqual(["not-your-learner", 403]);
    const empty = await appError(assertMaySeeLearner(bank.db, providerA, theirs));
    expect(empty.code).toBe("not-your-learner");
  });

  it("registry administrators and assessors see every account; the public none", async () => {
    await expect(assertMaySeeLearner(bank.db, OPERATOR, theirs)).resolves.toBeUndefined();
    await expect(assertMaySeeLearner(bank.db, assessor, theirs)).resolves.toBeUndefined();
    const error = await appError(
      assertMaySeeLearner(bank.db, { kind: "public", role: "public", label: "public" }, mine),
    );
    expect(error.code).toBe("not-your-learner");
  });
});
