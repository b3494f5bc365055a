/**
 * The witness's decisions (c2sp.org/tlog-witness add-checkpoint): it cosigns a log that only appends,
 * and refuses, with the spec's status and a precise reason, an unknown log, a bad or missing signature,
 * a rollback, a stale old size, a fork, a bad proof. Also the request and response formats, with the
 * spec's example request.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Checkpoint, signCheckpoint } from "../../src/ledger/checkpoint.ts";
import { cosignatureTimestamp, cosignatureVerifier, ed25519Cosigner } from "../../src/ledger/cosignature.ts";
import { emptyTreeRoot } from "../../src/ledger/hashes.ts";
import { consistencyProof } from "../../src/ledger/proofs.ts";
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  generateNoteKeys,
  openNote,
  SIGNATURE_TYPE_COSIGNATURE_V1,
} from "../../src/ledger/signed-note.ts";
import { TreeBuilder } from "../../src/ledger/tree-builder.ts";
import {
  type AddCheckpointDecision,
  addCosignatures,
  decideAddCheckpoint,
  formatAddCheckpointRequest,
  originHash,
  parseAddCheckpointRequest,
  parseConflictBody,
  type WitnessLogState,
} from "../../src/ledger/witness.ts";
import { MemoryTileStore, syntheticLeafHash, syntheticLeafHashes } from "./reference-tree.ts";
import { indentedBlockAfter } from "./spec-examples.ts";

const ORIGIN = "bank.example/log";
const logKeys = generateNoteKeys(ORIGIN);
const logSigner = ed25519NoteSigner(logKeys.signerKey);
const log = { origin: ORIGIN, verifiers: [ed25519NoteVerifier(logKeys.verifierKey)] };
const witnessKeys = generateNoteKeys("witness.example/w1", SIGNATURE_TYPE_COSIGNATURE_V1);
const cosigner = ed25519Cosigner(witnessKeys.signerKey);
const NOW = 1_750_000_000;

/** A log of 100 leaves with its tiles and the root of every size; `fork` diverges from leaf 15 on. */
class TestLog {
  readonly store = new MemoryTileStore();
  readonly roots: Buffer[] = [];
  constructor(leaves: readonly Buffer[]) {
    const builder = new TreeBuilder();
    this.roots.push(builder.root);
    for (const leaf of leaves) {
      const result = builder.append([leaf]);
      this.store.write(result.tiles);
      this.roots.push(result.root);
    }
  }
  checkpoint(size: number, signers = [logSigner]): string {
    const checkpoint: Checkpoint = { origin: ORIGIN, size, root: this.roots[size] as Buffer, extensions: [] };
    return signCheckpoint(checkpoint, signers);
  }
  async request(oldSize: number, size: number, proof?: readonly Uint8Array[]) {
    const consistency = proof ?? (oldSize === 0 ? [] : await consistencyProof(this.store, oldSize, size));
    const body = formatAddCheckpointRequest({ oldSize, proof: consistency, checkpointNote: this.checkpoint(size) });
    return parseAddCheckpointRequest(body);
  }
}

let main: TestLog;
let fork: TestLog;
beforeAll(() => {
  main = new TestLog(syntheticLeafHashes(0, 100));
  fork = new TestLog([
    ...syntheticLeafHashes(0, 15),
    ...Array.from({ length: 85 }, (_, i) => syntheticLeafHash(10_000 + i)),
  ]);
});

function decide(request: Awaited<ReturnType<TestLog["request"]>>, state: WitnessLogState | undefined, witnessed = log) {
  return decideAddCheckpoint({ request, log: witnessed, state, cosigners: [cosigner], timestamp: NOW });
}

function expectRefusal(decision: AddCheckpointDecision, status: number, reason: string) {
  expect(decision).toMatchObject({ outcome: "refuse", status, reason });
  if (decision.outcome === "refuse") expect(decision.message).toMatch(/\.$/);
}

describe("witness: add-checkpoint", () => {
  it("cosigns a first checkpoint, then each consistent extension, and keeps the latest state", async () => {
    const first = decide(await main.request(0, 10), undefined);
    expect(first.outcome).toBe("cosign");
    if (first.outcome !== "cosign") return;
    expect(first.status).toBe(200);
    expect(first.state).toEqual({ size: 10, root: main.roots[10] });
    expect(first.responseBody).toBe(`${first.cosignatureLines[0]}\n`);

    // The cosigned checkpoint carries the log's signature and the witness's, both valid.
    const opened = openNote(first.cosignedCheckpoint, [...log.verifiers, cosignatureVerifier(witnessKeys.verifierKey)]);
    expect(opened.verified.map((s) => s.name)).toEqual([ORIGIN, "witness.example/w1"]);
    expect(cosignatureTimestamp(opened.verified[1]?.signature ?? Buffer.alloc(0))).toBe(NOW);

    let state: WitnessLogState = first.state;
    for (const size of [11, 16, 16, 64, 65, 100]) {
      const next = decide(await main.request(state.size, size), state);
      expect(next).toMatchObject({ outcome: "cosign", state: { size } });
      if (next.outcome === "cosign") state = next.state;
    }
  });

  it("the log side adds the witness's cosignatures to its checkpoint", async () => {
    const decision = decide(await main.request(0, 20), undefined);
    if (decision.outcome !== "cosign") throw new Error("expected a cosignature");
    const witnessVerifier = cosignatureVerifier(witnessKeys.verifierKey);
    const merged = addCosignatures(main.checkpoint(20), decision.responseBody, [witnessVerifier]);
    expect(merged).toBe(decision.cosignedCheckpoint);
    expect(addCosignatures(merged, decision.responseBody, [witnessVerifier])).toBe(merged);
    const stranger = cosignatureVerifier(
      generateNoteKeys("witness.example/w2", SIGNATURE_TYPE_COSIGNATURE_V1).verifierKey,
    );
    expect(() => addCosignatures(main.checkpoint(20), decision.responseBody, [stranger])).toThrow(
      expect.objectContaining({ code: "note-unverified" }),
    );
    expect(() => addCosignatures(main.checkpoint(20), "garbage\n", [witnessVerifier])).toThrow(
      expect.objectContaining({ code: "witness-response-malformed" }),
    );
  });

  it("refuses an unknown log with 404", async () => {
    const request = await main.request(0, 10);
    const unknown = decideAddCheckpoint({
      request,
      log: undefined,
      state: undefined,
      cosigners: [cosigner],
      timestamp: NOW,
    });
    expectRefusal(unknown, 404, "unknown-log");
    expectRefusal(
      decide(await main.request(0, 10), undefined, { ...log, origin: "other.example/log" }),
      404,
      "unknown-log",
    );
  });

  it("refuses a checkpoint without a trusted signature, or with a bad one, with 403", async () => {
    const stranger = ed25519NoteSigner(generateNoteKeys(ORIGIN).signerKey);
    const unsigned = parseAddCheckpointRequest(
      formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpointNote: main.checkpoint(10, [stranger]) }),
    );
    expectRefusal(decide(unsigned, undefined), 403, "no-trusted-signature");
    const tampered = main
      .checkpoint(10)
      .replace(main.roots[10]?.toString("base64") ?? "", main.roots[11]?.toString("base64") ?? "");
    const forged = parseAddCheckpointRequest(
      formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpointNote: tampered }),
    );
    expectRefusal(decide(forged, undefined), 403, "invalid-signature");
  });

  it("refuses a rollback: 400 when the old size is the stored one, 409 otherwise", async () => {
    const state = { size: 50, root: main.roots[50] as Buffer };
    const smaller = await main.request(40, 40);
    const decision = decide({ ...smaller, oldSize: 50 }, state);
    expectRefusal(decision, 400, "rollback");
    const stale = decide(await main.request(30, 40), state);
    expectRefusal(stale, 409, "rollback");
    expect(stale).toMatchObject({ latestSize: 50, responseBody: "50\n", misbehaviour: false });
  });

  it("answers a stale old size with 409 and the size it holds, which the client parses", async () => {
    const state = { size: 50, root: main.roots[50] as Buffer };
    const decision = decide(await main.request(40, 60), state);
    expectRefusal(decision, 409, "old-size-mismatch");
    if (decision.outcome !== "refuse" || decision.responseBody === undefined) throw new Error("expected a body");
    expect(parseConflictBody(decision.responseBody)).toBe(50);
    // Retrying with that size succeeds.
    expect(decide(await main.request(50, 60), state).outcome).toBe("cosign");
    // A witness that never cosigned holds 0.
    expectRefusal(decide(await main.request(40, 60), undefined), 409, "old-size-mismatch");
    expect(() => parseConflictBody("50")).toThrow(expect.objectContaining({ code: "witness-response-malformed" }));
  });

  it("refuses an old size above the checkpoint's with 400", async () => {
    const request = await main.request(0, 10);
    expectRefusal(decide({ ...request, oldSize: 11 }, undefined), 400, "old-size-too-large");
  });

  it("refuses a fork: same size with another root, or a proof that does not reach the stored root (422)", async () => {
    const state = { size: 20, root: main.roots[20] as Buffer };
    const sameSize = decide(await fork.request(20, 20, []), state);
    expectRefusal(sameSize, 422, "fork");
    expect(sameSize).toMatchObject({ misbehaviour: true });
    // The forked log's own proof from its size 20 does not lead to the root the witness holds.
    const larger = decide(await fork.request(20, 40), state);
    expectRefusal(larger, 422, "inconsistent");
    expect(larger).toMatchObject({ misbehaviour: true });
  });

  it("refuses a wrong or misplaced proof with 422", async () => {
    const state = { size: 20, root: main.roots[20] as Buffer };
    const good = await main.request(20, 40);
    const flipped = good.proof.map((hash, i) => (i === 0 ? Buffer.from(hash.map((b) => b ^ 1)) : hash));
    expectRefusal(decide({ ...good, proof: flipped }, state), 422, "inconsistent");
    expectRefusal(decide({ ...good, proof: good.proof.slice(1) }, state), 422, "inconsistent");
    expectRefusal(decide({ ...(await main.request(20, 20, [])), proof: good.proof }, state), 422, "inconsistent");
    expectRefusal(decide({ ...(await main.request(0, 40)), proof: good.proof }, undefined), 422, "proof-not-empty");
  });

  it("cosigns the empty tree only with the empty tree's root", async () => {
    const empty = decide(await main.request(0, 0), undefined);
    expect(empty).toMatchObject({ outcome: "cosign", state: { size: 0 } });
    const bad = signCheckpoint({ origin: ORIGIN, size: 0, root: main.roots[1] as Buffer, extensions: [] }, [logSigner]);
    const request = parseAddCheckpointRequest(
      formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpointNote: bad }),
    );
    expectRefusal(decide(request, undefined), 422, "empty-tree-root");
    expect(emptyTreeRoot()).toEqual(main.roots[0]);
  });

  it("cosigns the same checkpoint again (a fresh timestamp, same state)", async () => {
    const state = { size: 30, root: main.roots[30] as Buffer };
    expect(decide(await main.request(30, 30, []), state)).toMatchObject({ outcome: "cosign", state });
  });
});

describe("witness: request format", () => {
  it("parses the spec's example request", () => {
    const body = indentedBlockAfter("tlog-witness", "Example request body:");
    const request = parseAddCheckpointRequest(body);
    expect(request.oldSize).toBe(20_852_014);
    expect(request.proof).toHaveLength(4);
    expect(request.checkpoint).toMatchObject({ origin: "example.com/behind-the-sofa", size: 20_852_163 });
    expect(formatAddCheckpointRequest(request)).toBe(body);
  });

  it.each([
    ["no old line", "10\n\n", "first line"],
    ["a leading zero", "old 010\n\n", "first line"],
    ["no empty line", "old 10\n", "no empty line"],
    ["a bad proof line", "old 10\nnot base64!\n\n", "proof line 1"],
    ["a short proof hash", `old 10\n${Buffer.alloc(31).toString("base64")}\n\n`, "proof line 1"],
    ["64 proof lines", `old 10\n${`${Buffer.alloc(32).toString("base64")}\n`.repeat(64)}\n`, "more than 63"],
    ["no checkpoint", "old 10\n\n", "checkpoint is not valid"],
    [
      "an unsigned checkpoint",
      "old 0\n\nexample.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
      "checkpoint is not valid",
    ],
  ])("refuses a request with %s (400)", (_what, body, why) => {
    let error: unknown;
    try {
      parseAddCheckpointRequest(body);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "witness-request-malformed" });
    expect((error as Error).message).toContain(why);
  });

  it("accepts 63 proof lines and refuses invalid UTF-8", () => {
    const checkpoint = main.checkpoint(5);
    const proof = Array.from({ length: 63 }, () => Buffer.alloc(32));
    expect(
      parseAddCheckpointRequest(formatAddCheckpointRequest({ oldSize: 1, proof, checkpointNote: checkpoint })).proof,
    ).toHaveLength(63);
    expect(() => parseAddCheckpointRequest(Buffer.from([0x6f, 0xff]))).toThrow(
      expect.objectContaining({ code: "witness-request-malformed" }),
    );
  });

  it("hashes the origin for the monitoring path", () => {
    expect(originHash("example.com/behind-the-sofa")).toMatch(/^[0-9a-f]{64}$/);
    expect(originHash("a")).toBe("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
  });
});
