/**
 * Bulk issuance: a large recording signs its credentials in the bank's worker threads and takes its status
 * slots from a reserve filled before each batch's transaction. What must hold either way: exactly one
 * credential per achievement, each verifying, each with its own status slot; the same credentials whether
 * signed in workers or on the calling thread; and a re-run issues nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "../../src/credentials/jwt.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { signCredential } from "../../src/services/issuance.ts";
import { type NumberedRecord, recordAchievements } from "../../src/services/recording.ts";
import { StatusSlotReserve } from "../../src/services/status-slots.ts";
import { verifyWithBank } from "../../src/services/verification.ts";
import { type IssuerKeyRow, keyById } from "../../src/store/credentials-repo.ts";
import { testBank } from "../support/bank.ts";
import { coherentUnit, provider } from "../support/fixtures.ts";

type TestBank = Awaited<ReturnType<typeof testBank>>;
let bank: TestBank;

const UNITS = ["BK1", "BK2", "BK3"];

/** `count` achievements of `learners` learners across the units of two providers, rows numbered from `from`. */
function records(count: number, learners: number, tag: string, from = 0): NumberedRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    row: from + i,
    record: {
      provider: i % 2 === 0 ? "bulk-a" : "bulk-b",
      unit: UNITS[i % UNITS.length] as string,
      achievedOn: `2025-0${1 + (i % 9)}-1${i % 10}`,
      result: "passed",
      learner: {
        identifiers: [{ kind: "email" as const, value: `${tag}-${i % learners}@bulk.example` }],
        givenName: "Grace",
        familyName: "Hopper",
      },
    },
  }));
}

beforeAll(async () => {
  bank = await testBank({ PUBLIC_URL: "https://bulk.example" });
  await importBundle(bank.db, OPERATOR, {
    providers: [provider("bulk-a"), provider("bulk-b")],
    units: ["bulk-a", "bulk-b"].flatMap((p) =>
      UNITS.map((code, i) => ({ ...coherentUnit(p, code, 2 + i), status: "approved" as const })),
    ),
  });
});

afterAll(async () => {
  await bank?.dispose();
});

async function credentialsOf(achievementIds: string[]) {
  return bank.db
    .selectFrom("credential")
    .select(["id", "achievement_id", "document", "proof_format", "status_list_id", "status_index"])
    .where("achievement_id", "in", achievementIds)
    .execute();
}

describe.each(["jwt", "data-integrity"] as const)("bulk issuance with %s proofs in worker threads", (format) => {
  it("issues one verifying credential per achievement, each with its own status slot, and nothing on a re-run", async () => {
    // Learners span batches, and a few rows repeat an earlier row of their batch (the same achievement).
    const base = records(300, 120, format);
    const input = [...base, ...[3, 150, 250].map((i) => ({ ...(base[i] as NumberedRecord), row: 300 + i }))];
    input.sort((x, y) => (x.row % 300) - (y.row % 300) || x.row - y.row);
    const tally = { signedAhead: 0, signedInTransaction: 0 };
    const first = await recordAchievements(bank, OPERATOR, input, {
      format,
      batchSize: 100,
      signInWorkers: true,
      signing: tally,
    });
    expect(first.errors).toEqual([]);
    expect(first.recorded).toBe(300);
    expect(first.unchanged).toBe(3);
    // Credentials are signed ahead of each batch's transaction; every one issued is counted once.
    expect(tally.signedAhead).toBeGreaterThan(0);
    expect(tally.signedAhead + tally.signedInTransaction).toBe(first.recorded);
    expect(bank.signing.running).not.toBeNull();
    const achievementIds = first.results.map((r) => r.achievementId);
    expect(new Set(achievementIds).size).toBe(first.recorded);

    const stored = await credentialsOf(achievementIds);
    expect(stored).toHaveLength(first.recorded);
    expect(new Set(stored.map((c) => c.achievement_id)).size).toBe(first.recorded);
    expect(new Set(stored.map((c) => `${c.status_list_id}#${c.status_index}`)).size).toBe(first.recorded);
    expect(new Set(stored.map((c) => c.proof_format))).toEqual(new Set([format]));
    expect([...new Set(first.results.map((r) => r.credentialId))].sort()).toEqual(stored.map((c) => c.id).sort());

    // Each credential names its own slot, and a sample verifies with every check passing.
    for (const c of stored) {
      const credential = format === "jwt" ? decodeJwt(c.document).payload : JSON.parse(c.document);
      expect(credential.credentialStatus.statusListIndex).toBe(String(c.status_index));
    }
    if (format === "jwt") {
      // Ed25519 is deterministic: the token signed in a worker is the one this thread would sign.
      const sample = stored[0] as (typeof stored)[number];
      const { payload } = decodeJwt(sample.document);
      const credential = Object.fromEntries(
        Object.entries(payload).filter(([k]) => !["iss", "jti", "sub", "nbf", "exp"].includes(k)),
      );
      const { key_id } = await bank.db
        .selectFrom("credential")
        .select("key_id")
        .where("id", "=", sample.id)
        .executeTakeFirstOrThrow();
      const signer = await bank.keys.signerFor((await keyById(bank.db, key_id)) as IssuerKeyRow);
      expect(await signCredential(credential, signer, "jwt")).toBe(sample.document);
    }
    for (const c of stored.filter((_, i) => i % 37 === 0)) {
      const report = await verifyWithBank(bank, c.document);
      expect(report.checks.filter((k) => k.status === "fail")).toEqual([]);
      expect(report.verified).toBe(true);
    }

    const againTally = { signedAhead: 0, signedInTransaction: 0 };
    const again = await recordAchievements(bank, OPERATOR, input, {
      format,
      batchSize: 100,
      signInWorkers: true,
      signing: againTally,
    });
    expect(again.unchanged).toBe(input.length);
    // Nothing looked new, so nothing was signed (nor a status bit spent) ahead.
    expect(againTally).toEqual({ signedAhead: 0, signedInTransaction: 0 });
    expect(again.recorded).toBe(0);
    expect(await credentialsOf(achievementIds)).toHaveLength(first.recorded);
  });
});

describe("streamed input", () => {
  it("records from an async iterable a batch at a time and, without results kept, reports counts and errors only", async () => {
    const input = records(250, 100, "stream");
    let pulled = 0;
    let progressCalls = 0;
    let pulledAtFirstProgress: number | undefined;
    async function* stream() {
      for (const r of input) {
        pulled++;
        yield r;
      }
      yield { row: 999, record: { ...(input[0]?.record as object), unit: "NO-SUCH-UNIT" } } as NumberedRecord;
    }
    const report = await recordAchievements(bank, OPERATOR, stream(), {
      batchSize: 60,
      keepResults: false,
      expectedRows: 251,
      onProgress: (_done, total) => {
        progressCalls++;
        pulledAtFirstProgress ??= pulled;
        expect(total).toBe(251);
      },
    });
    expect(pulled).toBe(250);
    // The first batch was written before the input was read to its end: it is pulled, not loaded.
    expect(pulledAtFirstProgress).toBeLessThan(250);
    expect(progressCalls).toBe(5); // 251 rows in batches of 60
    expect(report.rows).toBe(251);
    expect(report.recorded + report.unchanged).toBe(250);
    expect(report.results).toEqual([]);
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[999, "unknown-unit"]]);
    const count = await bank.db
      .selectFrom("credential as c")
      .innerJoin("achievement as a", "a.id", "c.achievement_id")
      .innerJoin("learner_identifier as i", "i.learner_id", "a.learner_id")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("i.value", "like", "stream-%")
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(report.recorded);
  });
});

describe("status slots set aside before a batch", () => {
  it("hands out each slot once, across reserves and the allocation inside a transaction", async () => {
    const a = new StatusSlotReserve();
    const b = new StatusSlotReserve();
    await a.reserve(bank.db, "bulk-a", 5);
    await b.reserve(bank.db, "bulk-a", 3);
    await a.reserve(bank.db, "bulk-a", 4); // already holds 5: takes nothing more
    expect(a.available("bulk-a")).toBe(5);
    const taken = [...(a.take("bulk-a", 4) ?? []), ...(b.take("bulk-a", 3) ?? [])];
    expect(a.take("bulk-a", 2)).toBeNull(); // one left: too few, and none taken
    expect(a.available("bulk-a")).toBe(1);
    // A recording in between allocates from the same lists without colliding with what the reserves hold.
    const report = await recordAchievements(bank, OPERATOR, records(10, 10, "slots"), { batchSize: 10 });
    const issued = await credentialsOf(report.results.map((r) => r.achievementId));
    const all = [...taken, ...(a.take("bulk-a", 1) ?? [])].map((s) => `${s.listId}#${s.index}`);
    const used = issued.map((c) => `${c.status_list_id}#${c.status_index}`);
    expect(new Set([...all, ...used]).size).toBe(all.length + used.length);
  });
});
