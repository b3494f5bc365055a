/**
 * Ed25519 cosignatures (c2sp.org/tlog-cosignature, cosignature/v1): the signed message's layout, the
 * 0x04 key ID, the timestamp in the signature bytes (checked against the spec's example), round trips
 * through notes, and refusal of tampering.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { formatCheckpoint } from "../../src/ledger/checkpoint.ts";
import {
  cosignatureLine,
  cosignatureMessage,
  cosignatureNoteSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignerVerifierKey,
  ed25519Cosigner,
} from "../../src/ledger/cosignature.ts";
import { ed25519PublicKeyBytes } from "../../src/ledger/ed25519.ts";
import { LedgerError } from "../../src/ledger/errors.ts";
import { emptyTreeRoot } from "../../src/ledger/hashes.ts";
import {
  computeKeyId,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatNote,
  formatSignatureLine,
  generateNoteKeys,
  openNote,
  parseNote,
  parseSignatureLine,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  signNote,
} from "../../src/ledger/signed-note.ts";
import { noteVerifierFromKey } from "../../src/ledger/verifier-keys.ts";
import { fencedBlocks, indentedBlockAfter } from "./spec-examples.ts";

const checkpointText = formatCheckpoint({
  origin: "bank.example/log",
  size: 42,
  root: emptyTreeRoot(),
  extensions: [],
});

describe("cosignatures", () => {
  it("signs the message of the spec: header, time line, then the checkpoint text", () => {
    const example = indentedBlockAfter("tlog-cosignature", "zeroes.");
    const [, , ...checkpointLines] = example.split("\n");
    expect(cosignatureMessage(checkpointLines.join("\n"), 1_679_315_147).toString("utf8")).toBe(example);
    expect(example.startsWith("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n")).toBe(true);
  });

  it("reads the timestamp of the spec's example cosignature", () => {
    const [example = ""] = fencedBlocks("tlog-cosignature");
    const witness = parseNote(example).signatures.find((s) => s.name === "witness.example.com/w1");
    expect(witness?.signature.length).toBe(8 + 64);
    expect(cosignatureTimestamp(witness?.signature ?? Buffer.alloc(0))).toBe(1_679_315_147);
  });

  it("uses key IDs of type 0x04, distinct from a plain key's", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const cosigner = ed25519Cosigner({ name: "witness.example/w1", privateKey });
    const publicKey = ed25519PublicKeyBytes(privateKey);
    expect(cosigner.keyId).toBe(computeKeyId("witness.example/w1", SIGNATURE_TYPE_COSIGNATURE_V1, publicKey));
    expect(cosigner.keyId).not.toBe(ed25519NoteSigner({ name: "witness.example/w1", privateKey }).keyId);
    expect(parseVerifierKey(cosignerVerifierKey(cosigner))).toEqual({
      name: "witness.example/w1",
      keyId: cosigner.keyId,
      type: 4,
      publicKey,
    });
  });

  it("round-trips through a note next to the log's signature", () => {
    const log = generateNoteKeys("bank.example/log");
    const witness = generateNoteKeys("witness.example/w1", SIGNATURE_TYPE_COSIGNATURE_V1);
    const cosigner = ed25519Cosigner(witness.signerKey);
    const signed = signNote(checkpointText, [ed25519NoteSigner(log.signerKey)]);
    const line = cosignatureLine(checkpointText, cosigner, 1_700_000_000);
    const cosigned = `${signed}${line}\n`;
    const opened = openNote(cosigned, [noteVerifierFromKey(log.verifierKey), noteVerifierFromKey(witness.verifierKey)]);
    expect(opened.verified.map((s) => s.name)).toEqual(["bank.example/log", "witness.example/w1"]);
    expect(cosignatureTimestamp(opened.verified[1]?.signature ?? Buffer.alloc(0))).toBe(1_700_000_000);
    // The same note through signNote with a cosigner at a fixed time.
    expect(signNote(checkpointText, [cosignatureNoteSigner(cosigner, 1_700_000_000)])).toBe(
      formatNote(checkpointText, [line]),
    );
  });

  it("works with a key store's signing function", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const viaStore = ed25519Cosigner({
      name: "witness.example/hsm",
      publicKey: ed25519PublicKeyBytes(publicKey),
      sign: (message) => sign(null, message, privateKey),
    });
    const line = cosignatureLine(checkpointText, viaStore, 5);
    expect(line).toBe(cosignatureLine(checkpointText, ed25519Cosigner({ name: "witness.example/hsm", privateKey }), 5));
    const verifier = cosignatureVerifier({ name: "witness.example/hsm", publicKey });
    expect(openNote(formatNote(checkpointText, [line]), [verifier]).verified).toHaveLength(1);
  });

  it("fails on another checkpoint, another time, or a timestamp past 2^63 - 1", () => {
    const witness = generateNoteKeys("witness.example/w1", SIGNATURE_TYPE_COSIGNATURE_V1);
    const cosigner = ed25519Cosigner(witness.signerKey);
    const verifier = cosignatureVerifier(witness.verifierKey);
    const line = parseSignatureLine(cosignatureLine(checkpointText, cosigner, 1_700_000_000));
    const text = Buffer.from(checkpointText);
    expect(verifier.verify(text, line.signature)).toBe(true);
    expect(verifier.verify(Buffer.from(checkpointText.replace("42", "43")), line.signature)).toBe(false);
    const otherTime = Buffer.from(line.signature);
    otherTime.writeBigUInt64BE(1_700_000_001n, 0);
    expect(verifier.verify(text, otherTime)).toBe(false);
    const huge = Buffer.from(line.signature);
    huge.writeBigUInt64BE(2n ** 63n, 0);
    expect(verifier.verify(text, huge)).toBe(false);
    expect(verifier.verify(text, line.signature.subarray(0, 71))).toBe(false);
    // A bad cosignature by a known witness key rejects the note.
    const forged = formatNote(checkpointText, [formatSignatureLine(line.name, line.keyId, otherTime)]);
    expect(() => openNote(forged, [verifier])).toThrow(expect.objectContaining({ code: "note-signature-invalid" }));
    // A plain Ed25519 verifier of the same key does not accept a cosignature: the key IDs differ.
    const plain = ed25519NoteVerifier({ name: "witness.example/w1", publicKey: cosigner.publicKey });
    expect(() => openNote(formatNote(checkpointText, [line.line]), [plain])).toThrow(
      expect.objectContaining({ code: "note-unverified" }),
    );
  });

  it("refuses malformed timestamps and keys", () => {
    expect(() => cosignatureTimestamp(Buffer.alloc(71))).toThrow(
      expect.objectContaining({ code: "cosignature-malformed" }),
    );
    const tooLate = Buffer.alloc(72);
    tooLate.writeBigUInt64BE(2n ** 60n, 0);
    expect(() => cosignatureTimestamp(tooLate)).toThrow(LedgerError);
    const cosigner = ed25519Cosigner(generateNoteKeys("w", SIGNATURE_TYPE_COSIGNATURE_V1).signerKey);
    expect(() => cosignatureNoteSigner(cosigner, 0)).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() => ed25519Cosigner(generateNoteKeys("w").signerKey)).toThrow(
      expect.objectContaining({ code: "key-invalid" }),
    );
    expect(() => cosignatureVerifier(generateNoteKeys("w").verifierKey)).toThrow(
      expect.objectContaining({ code: "key-invalid" }),
    );
    const shortSigner = ed25519Cosigner({ name: "w", publicKey: cosigner.publicKey, sign: () => Buffer.alloc(10) });
    expect(() => cosignatureLine(checkpointText, shortSigner, 1)).toThrow(
      expect.objectContaining({ code: "key-invalid" }),
    );
  });
});
