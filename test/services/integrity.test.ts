// The account tables name their learner, achievement, provider and unit version by key, without
// foreign keys (docs/decisions/0006): after everything that writes accounts, nothing may dangle.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR } from "../../src/services/actor.ts";
import { loadDemo } from "../../src/services/demo-loader.ts";
import { erasePersonalData, mergeLearners, revokeAchievement } from "../../src/services/learners.ts";
import { checkAccountIntegrity } from "../../src/store/integrity.ts";
import { testBank } from "../support/bank.ts";

const CLEAN = {
  achievementsWithoutLearner: 0,
  achievementsWithoutUnitVersion: 0,
  achievementsWithoutProvider: 0,
  entriesWithoutLearner: 0,
  entriesWithoutAchievement: 0,
  reversalsWithoutDeposit: 0,
  achievementsWithoutCredential: 0,
  credentialsWithoutAchievement: 0,
};

describe("account integrity", () => {
  let bank: Awaited<ReturnType<typeof testBank>>;
  beforeAll(async () => {
    bank = await testBank();
    await loadDemo(bank);
  });
  afterAll(async () => bank.dispose());

  it("holds after the demo's recording, a merge, a revocation and an erasure", async () => {
    expect(await checkAccountIntegrity(bank.db)).toEqual(CLEAN);
    const [a, b] = await bank.db
      .selectFrom("learner")
      .select("id")
      .orderBy("created_at")
      .orderBy("id")
      .limit(2)
      .execute();
    if (!a || !b) throw new Error("the demo has learners");
    await mergeLearners(bank.db, OPERATOR, a.id, b.id, "same person");
    const achievement = await bank.db
      .selectFrom("achievement")
      .select(["id", "learner_id"])
      .where("learner_id", "=", b.id)
      .executeTakeFirstOrThrow();
    await revokeAchievement(bank.db, OPERATOR, a.id, achievement.id, "issued in error");
    await erasePersonalData(bank.db, OPERATOR, a.id);
    expect(await checkAccountIntegrity(bank.db)).toEqual(CLEAN);
  });

  it("finds an orphan when one is made behind the services' back", async () => {
    const entry = await bank.db.selectFrom("account_entry").selectAll().limit(1).executeTakeFirstOrThrow();
    await bank.db
      .insertInto("account_entry")
      .values({
        ...entry,
        id: undefined,
        achievement_id: "00000000-0000-4000-8000-000000000000",
        recorded_at: new Date(),
      } as never)
      .execute();
    expect((await checkAccountIntegrity(bank.db)).entriesWithoutAchievement).toBe(1);
  });
});
