/**
 * The transparency log on a bank (PGlite, and PostgreSQL on the second pass): every write path leaves
 * its leaf in its own transaction (and none when it rolls back); the sequencer builds exactly the tree
 * of the entries in their order, tiles and bundles as the ledger would, in one transaction per batch
 * that a damaged log or a failure leaves untouched; two sequencers never interleave; proofs read from
 * stored tiles verify for any leaf and any two sizes; the log holds no personal data and erasure
 * unlinks a learner.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCheckpoint } from "../../src/ledger/checkpoint.ts";
import { decodeBase64Strict } from "../../src/ledger/encoding.ts";
import { decodeEntryBundle } from "../../src/ledger/entry-bundles.ts";
import { leafHash } from "../../src/ledger/hashes.ts";
import { ed25519NoteVerifier } from "../../src/ledger/signed-note.ts";
import { TreeBuilder } from "../../src/ledger/tree-builder.ts";
import { verifyConsistency, verifyInclusion } from "../../src/ledger/verify-proofs.ts";
import { OPERATOR } from "../../src/services/actor.ts";
import { importBundle } from "../../src/services/bundle-import.ts";
import { changeStatus } from "../../src/services/credential-status.ts";
import { issueCredential } from "../../src/services/credentials.ts";
import { erasePersonalData } from "../../src/services/learners.ts";
import { appendLogEvents } from "../../src/services/log-events.ts";
import { actOnAccreditation } from "../../src/services/providers.ts";
import { recordAchievements } from "../../src/services/recording.ts";
import { bulkReissue } from "../../src/services/reissue.ts";
import { sequenceBatch } from "../../src/services/sequencer.ts";
import {
  consistencyProofBetween,
  credentialEvents,
  credentialInclusionProof,
  eventInclusionProof,
  logInfo,
  publishedCheckpoint,
  tileResource,
} from "../../src/services/transparency-log.ts";
import { actOnUnit } from "../../src/services/units.ts";
import { verifyWithBank } from "../../src/services/verification.ts";
import { credentialById } from "../../src/store/credentials-repo.ts";
import { latestCheckpoint } from "../../src/store/log-repo.ts";
import { testBank } from "../support/bank.ts";
import { appError, coherentUnit, provider } from "../support/fixtures.ts";

type TestBank = Awaited<ReturnType<typeof testBank>>;
let bank: TestBank;

const record = (unit: string, email: string, achievedOn = "2025-03-01") => ({
  provider: "log-a",
  unit,
  achievedOn,
  learner: {
    identifiers: [{ kind: "email" as const, value: email }],
    givenName: "Grace",
    familyName: "Hopper",
    birthDate: "1906-12-09",
  },
});

async function recordMany(unit: string, emails: string[]) {
  const report = await recordAchievements(
    bank,
    OPERATOR,
    emails.map((email, row) => ({ row, record: record(unit, email) })),
  );
  expect(report.errors).toEqual([]);
  return report.results;
}

interface EntryInOrder {
  id: string;
  kind: string;
  record: string;
  leafHash: Buffer;
}

/** Every entry in the log's order ((xid, id)), straight from the table. */
async function entriesInOrder(): Promise<EntryInOrder[]> {
  const { rows } = await sql<{ id: string; kind: string; record: Uint8Array; leaf_hash: Uint8Array }>`
    select id, kind, record, leaf_hash from log_entry order by xid, id`.execute(bank.db);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    record: Buffer.from(r.record).toString("utf8"),
    leafHash: Buffer.from(r.leaf_hash),
  }));
}

const count = async (table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(bank.db)).rows[0]?.n);

beforeAll(async () => {
  bank = await testBank({ PUBLIC_URL: "https://bank.example", LOG_SEQUENCE_BATCH: "300" });
  await importBundle(bank.db, OPERATOR, {
    providers: [provider("log-a")],
    units: [
      { ...coherentUnit("log-a", "L1", 3), status: "approved" },
      { ...coherentUnit("log-a", "L2", 4), status: "approved" },
    ],
  });
});

afterAll(async () => {
  await bank?.dispose();
});

describe("what is logged", () => {
  it("a bundle import logs the provider's accreditation and each unit approved", async () => {
    const entries = await entriesInOrder();
    expect(entries.map((e) => e.kind)).toEqual(["provider.accredited", "unit.approved", "unit.approved"]);
    const accredited = JSON.parse(entries[0]?.record ?? "{}");
    expect(accredited).toMatchObject({
      v: 1,
      kind: "provider.accredited",
      provider: "log-a",
      framework: "eqf",
      levels: ["3", "6"],
      fields: ["*"],
      status: "active",
    });
    const approved = JSON.parse(entries[1]?.record ?? "{}");
    expect(approved).toMatchObject({ kind: "unit.approved", provider: "log-a", version: 1 });
    expect(approved.spec).toMatch(/^[0-9a-f]{64}$/);
  });

  it("recording logs one issuance per credential, in the recording's transaction, naming no person", async () => {
    const before = await count("log_entry");
    const results = await recordMany("L1", ["grace@example.org", "alan@example.org"]);
    const entries = (await entriesInOrder()).slice(before);
    expect(entries.map((e) => e.kind)).toEqual(["credential.issued", "credential.issued"]);
    for (const [i, entry] of entries.entries()) {
      const credential = await credentialById(bank.db, results[i]?.credentialId as string);
      const parsed = JSON.parse(entry.record);
      expect(Object.keys(parsed).sort()).toEqual(["at", "credential", "issuer", "kind", "learner", "sha256", "v"]);
      expect(parsed.credential).toBe(`urn:uuid:${credential?.id}`);
      expect(parsed.issuer).toBe("log-a");
      expect(parsed.learner).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.leafHash.equals(leafHash(Buffer.from(entry.record)))).toBe(true);
      // No personal data: names, birth date, e-mail, learner id are absent from the record.
      for (const personal of ["Grace", "Hopper", "1906", "example.org", credential?.learner_id as string]) {
        expect(entry.record).not.toContain(personal);
      }
    }
  });

  it("a failed transaction leaves no leaf, and no change without its leaf", async () => {
    const before = await count("log_entry");
    await expect(
      bank.db.transaction().execute(async (tx) => {
        await appendLogEvents(tx, [{ kind: "credential.revoked", credentialId: randomUUID(), issuer: "log-a" }]);
        throw new Error("the change fails after its leaf was written");
      }),
    ).rejects.toThrow(/fails/);
    expect(await count("log_entry")).toBe(before);
    // And a bad event (an unknown learner salt cannot happen; an oversized batch is one statement) in
    // a committed change: the change and its leaves arrive together.
    const results = await recordMany("L2", ["joan@example.org"]);
    const credential = await credentialById(bank.db, results[0]?.credentialId as string);
    const logged = (await entriesInOrder()).filter((e) => e.record.includes(credential?.id as string));
    expect(logged).toHaveLength(1);
  });

  it("revocation, suspension, reinstatement and reissue are logged; reasons are not", async () => {
    const [first] = await recordMany("L1", ["ada.status@example.org"]);
    const id = first?.credentialId as string;
    await changeStatus(bank, OPERATOR, id, "suspend", "Grace Hopper asked for it");
    await changeStatus(bank, OPERATOR, id, "reinstate", "sorted");
    const report = await bulkReissue(bank, OPERATOR, [{ credential: id, reason: "grade corrected", grade: "A" }]);
    expect(report.outcomes[0]?.status).toBe("reissued");
    const replacement = String(report.outcomes[0]?.replacement).replace("urn:uuid:", "");
    const events = await credentialEvents(bank, id);
    expect(events.map((e) => e.kind)).toEqual([
      "credential.issued",
      "credential.suspended",
      "credential.reinstated",
      "credential.revoked",
    ]);
    for (const e of events) expect(e.record).not.toMatch(/Grace|asked|sorted|corrected/);
    const reissued = await credentialEvents(bank, replacement);
    expect(JSON.parse(reissued[0]?.record as string)).toMatchObject({
      kind: "credential.issued",
      replaces: `urn:uuid:${id}`,
    });
  });

  it("register changes are logged: a unit suspended and reinstated, an accreditation suspended", async () => {
    const before = await count("log_entry");
    const unit = await bank.db.selectFrom("unit").select("id").where("code", "=", "L2").executeTakeFirstOrThrow();
    await bank.db.transaction().execute((tx) => actOnUnit(tx, OPERATOR, unit.id, 1, "suspend", "review"));
    await bank.db.transaction().execute((tx) => actOnUnit(tx, OPERATOR, unit.id, 1, "reinstate"));
    const accreditation = await bank.db
      .selectFrom("accreditation")
      .select("id")
      .where("provider_id", "=", "log-a")
      .executeTakeFirstOrThrow();
    await actOnAccreditation(bank.db, OPERATOR, "log-a", accreditation.id, "suspend", "audit");
    await actOnAccreditation(bank.db, OPERATOR, "log-a", accreditation.id, "reinstate");
    const kinds = (await entriesInOrder()).slice(before).map((e) => e.kind);
    expect(kinds).toEqual(["unit.suspended", "unit.reinstated", "provider.suspended", "provider.reinstated"]);
  });

  it("a VC API credential is logged by the id its document carries", async () => {
    const issued = await issueCredential(bank, OPERATOR, {
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      id: "urn:example:vc-api-1",
      type: ["VerifiableCredential"],
      credentialSubject: { id: "did:example:holder" },
    });
    const entries = (await entriesInOrder()).filter((e) => e.record.includes("urn:example:vc-api-1"));
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]?.record as string)).toMatchObject({ credential: "urn:example:vc-api-1" });
    const report = await verifyWithBank(bank, issued.document);
    expect(report.checks.find((c) => c.id === "log")?.status).toBe("pass");
  });

  it("erasing a learner deletes the salt of their commitment; the log is untouched", async () => {
    const [result] = await recordMany("L2", ["erase.me@example.org"]);
    const learnerId = result?.learnerId as string;
    const salts = async () =>
      Number(
        (
          await sql<{
            n: string;
          }>`select count(*) as n from learner_log_salt where learner_id = ${learnerId}::uuid`.execute(bank.db)
        ).rows[0]?.n,
      );
    expect(await salts()).toBe(1);
    await bank.log.sequencer.sequenceAll();
    const before = await latestCheckpoint(bank.db);
    const entriesBefore = await count("log_entry");
    await erasePersonalData(bank.db, OPERATOR, learnerId);
    expect(await salts()).toBe(0);
    expect(await count("log_entry")).toBe(entriesBefore);
    // The log still verifies: the same checkpoint, and the credential's proof still holds.
    expect((await latestCheckpoint(bank.db))?.size).toBe(before?.size);
    const proof = await credentialInclusionProof(bank, result?.credentialId as string);
    expect(proof.leafIndex).toBeGreaterThanOrEqual(0);
  });
});

describe("sequencing", () => {
  it("builds exactly the tree of the entries in their order: same root, tiles and bundles as the ledger's", async () => {
    // More entries than a batch (300) and than a tile (256), from many small transactions.
    for (let i = 0; i < 7; i++) {
      await bank.db.transaction().execute((tx) =>
        appendLogEvents(
          tx,
          Array.from({ length: 97 }, () => ({
            kind: "credential.revoked" as const,
            credentialId: randomUUID(),
            issuer: "log-a",
          })),
        ),
      );
    }
    const last = await bank.log.sequencer.sequenceAll();
    const entries = await entriesInOrder();
    expect(last?.size).toBe(entries.length);
    const builder = new TreeBuilder();
    const tiles = new Map<string, Buffer>();
    for (const entry of entries) {
      for (const tile of builder.append([entry.leafHash]).tiles)
        tiles.set(`${tile.level}/${tile.index}`, Buffer.from(tile.hashes));
    }
    expect(builder.root.equals(last?.root as Buffer)).toBe(true);
    // Every stored tile is the ledger's, and every entry bundle decodes to the records in order.
    for (const [key, hashes] of tiles) {
      const [level, index] = key.split("/").map(Number) as [number, number];
      const served = await tileResource(bank, { kind: "tile", level, index, width: hashes.length / 32 });
      expect(served.bytes.equals(hashes), key).toBe(true);
    }
    for (let b = 0; b * 256 < entries.length; b++) {
      const width = Math.min(256, entries.length - b * 256);
      const bundle = await tileResource(bank, { kind: "entries", index: b, width });
      const decoded = decodeEntryBundle(bundle.bytes, width).map((e) => e.toString("utf8"));
      expect(decoded).toEqual(entries.slice(b * 256, b * 256 + width).map((e) => e.record));
    }
    // A checkpoint per batch: batches were at most 300 leaves.
    const sizes = (
      await sql<{ s: string }>`select tree_size as s from log_checkpoint order by tree_size`.execute(bank.db)
    ).rows.map((r) => Number(r.s));
    for (let i = 1; i < sizes.length; i++)
      expect((sizes[i] as number) - (sizes[i - 1] as number)).toBeLessThanOrEqual(300);
  });

  it("publishes checkpoints signed by the log's key with its origin", async () => {
    const { note, size } = await publishedCheckpoint(bank);
    const opened = openCheckpoint(note, [ed25519NoteVerifier(bank.log.keys.verifierKey)], {
      origin: "bank.example/log",
    });
    expect(opened.checkpoint.size).toBe(size);
    expect(bank.log.keys.verifierKey).toMatch(/^bank\.example\/log\+[0-9a-f]{8}\+/);
    const info = await logInfo(bank);
    expect(info).toMatchObject({ origin: "bank.example/log", treeSize: size, pending: 0 });
  });

  it("two sequencers at once never append an entry twice nor skip one", async () => {
    for (let i = 0; i < 4; i++) {
      await bank.db.transaction().execute((tx) =>
        appendLogEvents(
          tx,
          Array.from({ length: 150 }, () => ({
            kind: "credential.revoked" as const,
            credentialId: randomUUID(),
            issuer: "log-a",
          })),
        ),
      );
    }
    const keys = { origin: bank.log.keys.origin, signer: bank.log.keys.signer };
    const runs = await Promise.all([
      sequenceBatch(bank.db, keys, 200),
      sequenceBatch(bank.db, keys, 200),
      sequenceBatch(bank.db, keys, 200),
    ]);
    await bank.log.sequencer.sequenceAll();
    const appended = runs.reduce((sum, r) => sum + (r?.appended ?? 0), 0);
    expect(appended).toBeGreaterThan(0);
    const entries = await entriesInOrder();
    const latest = await latestCheckpoint(bank.db);
    expect(latest?.size).toBe(entries.length);
    const builder = new TreeBuilder();
    builder.append(entries.map((e) => e.leafHash));
    expect(builder.root.equals(latest?.root as Buffer)).toBe(true);
    const bundles = await count("log_bundle");
    expect(bundles).toBe(Math.ceil(entries.length / 256));
  });

  it("refuses to build on damaged tiles, and a failed batch writes nothing", async () => {
    await bank.log.sequencer.sequenceAll();
    const latest = await latestCheckpoint(bank.db);
    const size = latest?.size as number;
    expect(size % 256).not.toBe(0);
    await bank.db
      .transaction()
      .execute((tx) =>
        appendLogEvents(tx, [{ kind: "credential.revoked", credentialId: randomUUID(), issuer: "log-a" }]),
      );
    // Damage the partial level-0 tile (what the next batch would extend).
    const index = Math.floor(size / 256);
    await sql`update log_tile set hashes = overlay(hashes placing '\\xffff'::bytea from 1 for 2)
              where level = 0 and tile_index = ${index}`.execute(bank.db);
    const counts = async () => [await count("log_checkpoint"), await count("log_bundle")];
    const before = await counts();
    const error = await appError(bank.log.sequencer.sequenceAll());
    expect(error.code).toBe("log-state-corrupt");
    expect(await counts()).toEqual(before);
    expect((await latestCheckpoint(bank.db))?.size).toBe(size);
    // Repaired (the hashes restored from the entries), sequencing resumes.
    const entries = await entriesInOrder();
    const repaired = Buffer.concat(entries.slice(index * 256, size).map((e) => e.leafHash));
    await sql`update log_tile set hashes = ${repaired} where level = 0 and tile_index = ${index}`.execute(bank.db);
    expect((await bank.log.sequencer.sequenceAll())?.size).toBe(size + 1);
  });
});

describe("proofs from stored tiles", () => {
  it("the inclusion proof of any leaf verifies against its checkpoint; a changed byte fails", async () => {
    await bank.log.sequencer.sequenceAll();
    const entries = await entriesInOrder();
    const checkpoints = (
      await sql<{ s: string }>`select tree_size as s from log_checkpoint order by tree_size`.execute(bank.db)
    ).rows.map((r) => Number(r.s));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: entries.length - 1 }), fc.nat({ max: checkpoints.length - 1 }), async (i, c) => {
        const size = Math.max(checkpoints[c] as number, i + 1);
        const atSize = checkpoints.find((s) => s >= size) as number;
        const proof = await eventInclusionProof(bank, entries[i]?.id as string, atSize);
        expect(proof.leafIndex).toBe(i);
        expect(proof.record).toBe(entries[i]?.record);
        const root = decodeBase64Strict(proof.rootHash) as Buffer;
        const path = proof.proof.map((h) => decodeBase64Strict(h) as Buffer);
        const leaf = leafHash(Buffer.from(proof.record));
        expect(verifyInclusion(leaf, i, atSize, path, root).ok).toBe(true);
        const tampered = Buffer.from(proof.record);
        tampered.writeUInt8(tampered.readUInt8(tampered.length - 2) ^ 1, tampered.length - 2);
        expect(verifyInclusion(leafHash(tampered), i, atSize, path, root).ok).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it("the consistency proof between any two published sizes verifies; a changed hash fails", async () => {
    const checkpoints = (
      await sql<{
        s: string;
        r: Uint8Array;
      }>`select tree_size as s, root as r from log_checkpoint order by tree_size`.execute(bank.db)
    ).rows.map((r) => ({ size: Number(r.s), root: Buffer.from(r.r) }));
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: checkpoints.length - 1 }),
        fc.nat({ max: checkpoints.length - 1 }),
        async (a, b) => {
          const [older, newer] = [checkpoints[Math.min(a, b)], checkpoints[Math.max(a, b)]] as [
            { size: number; root: Buffer },
            { size: number; root: Buffer },
          ];
          const view = await consistencyProofBetween(bank, older.size, newer.size);
          expect(view.fromRoot).toBe(older.root.toString("base64"));
          const proof = view.proof.map((h) => decodeBase64Strict(h) as Buffer);
          expect(verifyConsistency(older.size, newer.size, proof, older.root, newer.root).ok).toBe(true);
          if (proof.length > 0) {
            const bad = proof.map((h) => Buffer.from(h));
            const first = bad[0] as Buffer;
            first.writeUInt8(first.readUInt8(0) ^ 1, 0);
            expect(verifyConsistency(older.size, newer.size, bad, older.root, newer.root).ok).toBe(false);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("the verifier's log check passes for a credential of this bank, and fails for a changed copy", async () => {
    const [result] = await recordMany("L1", ["verify.log@example.org"]);
    const row = await credentialById(bank.db, result?.credentialId as string);
    // Not yet sequenced: the bank's verifier sequences what waits, then proves it.
    const report = await verifyWithBank(bank, row?.document as string);
    const log = report.checks.find((c) => c.id === "log");
    expect(log?.status, log?.message).toBe("pass");
    // A copy with one field changed: the proof fails first, and the log names another text.
    const changed = JSON.parse(row?.document as string);
    changed.credentialSubject.achievement.name = "Another unit";
    const bad = await verifyWithBank(bank, changed);
    expect(bad.checks.find((c) => c.id === "log")?.status).toBe("fail");
    expect(bad.checks.find((c) => c.id === "log")?.message).toMatch(/different text/);
  });

  it("the API's errors: no such credential or event, a size without a checkpoint", async () => {
    expect((await appError(credentialInclusionProof(bank, randomUUID()))).code).toBe("log-credential-not-found");
    expect((await appError(eventInclusionProof(bank, "999999999"))).code).toBe("log-event-not-found");
    const entries = await entriesInOrder();
    expect((await appError(eventInclusionProof(bank, entries[0]?.id as string, 2))).code).toBe("checkpoint-not-found");
    expect((await appError(consistencyProofBetween(bank, 0))).code).toBe("size-out-of-range");
  });
});

describe("a bank upgraded from before the log", () => {
  it("logs the register and every credential it holds at the first start, once; they then verify", async () => {
    const old = await testBank({ PUBLIC_URL: "https://old.example" });
    try {
      await importBundle(old.db, OPERATOR, {
        providers: [provider("old-a")],
        units: [{ ...coherentUnit("old-a", "O1", 3), status: "approved" }],
      });
      const report = await recordAchievements(
        old,
        OPERATOR,
        ["x@old.example", "y@old.example"].map((email, row) => ({
          row,
          record: { ...record("O1", email), provider: "old-a" },
        })),
      );
      const [first] = report.results;
      await changeStatus(old, OPERATOR, first?.credentialId as string, "suspend", "checking");
      // As it was before the log: no entries, no checkpoints, the log not begun.
      for (const table of ["log_checkpoint", "log_tile", "log_bundle", "log_entry", "learner_log_salt"]) {
        await sql`delete from ${sql.table(table)}`.execute(old.db);
      }
      await sql`delete from bank_setting where key = 'log.begun'`.execute(old.db);
      const { beginLogWithWhatExists } = await import("../../src/services/log-events.ts");
      expect(await beginLogWithWhatExists(old.db)).toBe(5); // accreditation, unit, 2 credentials, 1 suspension
      expect(await beginLogWithWhatExists(old.db)).toBe(0);
      const kinds = (await sql<{ kind: string }>`select kind from log_entry order by xid, id`.execute(old.db)).rows.map(
        (r) => r.kind,
      );
      // The register first; then each credential (by id) with its status.
      expect(kinds.slice(0, 2)).toEqual(["provider.accredited", "unit.approved"]);
      expect([...kinds.slice(2)].sort()).toEqual(["credential.issued", "credential.issued", "credential.suspended"]);
      const second = await credentialById(old.db, report.results[1]?.credentialId as string);
      const verified = await verifyWithBank(old, second?.document as string);
      expect(verified.checks.find((c) => c.id === "log")?.status).toBe("pass");
    } finally {
      await old.dispose();
    }
  });
});
