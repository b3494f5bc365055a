/**
 * The verifier's "recorded in the bank's log" check, with a log built here in memory behind the
 * `transparencyLog` port: a record naming the credential and the SHA-256 of its exact text, included
 * under a checkpoint signed by the log's key, passes; anything else (another text, a bad proof, another
 * key, a record the log lacks) fails; a record not yet sequenced is a warning; no port, or a port with
 * nothing to say, adds no check at all.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type LogLookup, type VerificationReport, verifyCredential } from "../../src/credentials/verifier.ts";
import { signCheckpoint } from "../../src/ledger/checkpoint.ts";
import { leafHash } from "../../src/ledger/hashes.ts";
import { inclusionProof } from "../../src/ledger/proofs.ts";
import { ed25519NoteSigner, generateNoteKeys } from "../../src/ledger/signed-note.ts";
import { TreeBuilder } from "../../src/ledger/tree-builder.ts";
import { MemoryTileStore, syntheticLeafHashes } from "../ledger/reference-tree.ts";
import { standardsDir } from "../support/standards.ts";

const OB = (path: string) => join(standardsDir(), "openbadges-3.0/examples/validator", path);
const text = readFileSync(OB("simple.json"), "utf8");
const credential = JSON.parse(text) as { id: string };
const jwt = readFileSync(OB("simple-vc-jwt-rs256.jwt"), "utf8").trim();

const ORIGIN = "bank.example/log";
const keys = generateNoteKeys(ORIGIN);
const otherKeys = generateNoteKeys(ORIGIN);
const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/** A log of 300 leaves whose leaf 123 is `record`; the lookup the bank's port would return. */
async function recorded(
  record: string,
  signerKey = keys.signerKey,
): Promise<Extract<LogLookup, { state: "recorded" }>> {
  const leaves = syntheticLeafHashes(0, 300);
  leaves[123] = leafHash(Buffer.from(record, "utf8"));
  const builder = new TreeBuilder();
  const store = new MemoryTileStore();
  store.write(builder.append(leaves).tiles);
  const proof = await inclusionProof(store, 123, 300);
  return {
    state: "recorded",
    origin: ORIGIN,
    verifierKey: keys.verifierKey,
    checkpoint: signCheckpoint({ origin: ORIGIN, size: 300, root: builder.root, extensions: [] }, [
      ed25519NoteSigner(signerKey),
    ]),
    leafIndex: 123,
    record,
    proof: proof.map((h) => h.toString("base64")),
  };
}

const recordOf = (id: string, hash: string) =>
  JSON.stringify({
    at: "2026-01-01T00:00:00.000Z",
    credential: id,
    issuer: "p",
    kind: "credential.issued",
    sha256: hash,
    v: 1,
  });

const logCheck = (report: VerificationReport) => report.checks.filter((c) => c.id === "log");

async function verifyWith(lookup: LogLookup | null, input: string | Record<string, unknown> = text) {
  const asked: unknown[] = [];
  const report = await verifyCredential(input, {
    statusList: async () => null,
    transparencyLog: async (c) => {
      asked.push(c);
      return lookup;
    },
  });
  return { report, asked };
}

describe("the log check", () => {
  it("passes when the signed log includes a record of this credential's id and exact text", async () => {
    // The bank stores a credential as JSON.stringify writes it; a pretty-printed copy (this file) parses
    // back to the same JSON, so it is recognised as the same text.
    expect(text.trim()).not.toBe(JSON.stringify(credential));
    const { report, asked } = await verifyWith(
      await recorded(recordOf(credential.id, sha256(JSON.stringify(credential)))),
    );
    expect(logCheck(report)).toEqual([
      { id: "log", status: "pass", message: expect.stringMatching(/leaf 123 of the tree of 300 leaves/) },
    ]);
    expect(asked[0]).toMatchObject({ id: credential.id, types: expect.arrayContaining(["VerifiableCredential"]) });
  });

  it("hashes a VC-JWT as the compact JWS itself", async () => {
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString("utf8"));
    const id = (payload.vc?.id ?? payload.jti) as string;
    const { report } = await verifyWith(await recorded(recordOf(id, sha256(jwt))), jwt);
    expect(logCheck(report)[0]?.status).toBe("pass");
  });

  it("fails for another text, another id, a proof that does not lead to the root, another key", async () => {
    const good = await recorded(recordOf(credential.id, sha256(JSON.stringify(credential))));
    const otherText = await verifyWith(await recorded(recordOf(credential.id, sha256("something else"))));
    expect(logCheck(otherText.report)[0]).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/different text/),
    });
    const otherId = await verifyWith(await recorded(recordOf("urn:uuid:another", sha256(JSON.stringify(credential)))));
    expect(logCheck(otherId.report)[0]?.message).toMatch(/names urn:uuid:another/);
    const badProof = await verifyWith({ ...good, proof: [...good.proof.slice(1), good.proof[0] as string] });
    expect(logCheck(badProof.report)[0]).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/not proven/),
    });
    const wrongIndex = await verifyWith({ ...good, leafIndex: 124 });
    expect(logCheck(wrongIndex.report)[0]?.status).toBe("fail");
    const forged = await verifyWith(
      await recorded(recordOf(credential.id, sha256(JSON.stringify(credential))), otherKeys.signerKey),
    );
    expect(logCheck(forged.report)[0]).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/not validly signed/),
    });
    for (const report of [otherText, otherId, badProof, wrongIndex, forged].map((r) => r.report)) {
      expect(report.verified).toBe(false);
    }
  });

  it("fails when the bank has no record; warns while the record waits to be sequenced", async () => {
    const missing = await verifyWith({ state: "missing", message: "This bank's log has no record of issuing it." });
    expect(logCheck(missing.report)).toEqual([
      { id: "log", status: "fail", message: "This bank's log has no record of issuing it." },
    ]);
    const pending = await verifyWith({ state: "pending", message: "Not yet in the log's tree." });
    expect(logCheck(pending.report)).toEqual([{ id: "log", status: "warning", message: "Not yet in the log's tree." }]);
    expect(pending.report.checks.filter((c) => c.status === "fail").map((c) => c.id)).not.toContain("log");
  });

  it("is skipped without the port, or when the port has nothing to say (another issuer's credential)", async () => {
    const skipped = await verifyWith(null);
    expect(logCheck(skipped.report)).toEqual([]);
    const none = await verifyCredential(text, { statusList: async () => null });
    expect(logCheck(none)).toEqual([]);
  });
});
