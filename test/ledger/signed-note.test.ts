/**
 * Signed notes (c2sp.org/signed-note): the spec's examples and the Go reference implementation's
 * known-answer example, key encodings, the rules on unknown and invalid signatures, and a precise
 * refusal of every malformed note.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LedgerError } from "../../src/ledger/errors.ts";
import {
  computeKeyId,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKeys,
  isValidKeyName,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  signNote,
} from "../../src/ledger/signed-note.ts";
import { noteVerifierFromKey } from "../../src/ledger/verifier-keys.ts";
import { fencedBlocks, GO_NOTE_EXAMPLE, indentedBlockAfter } from "./spec-examples.ts";

const [poem = "", example = ""] = fencedBlocks("signed-note");
const exampleKey = indentedBlockAfter("signed-note", "The following verifier key").trim();

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof LedgerError) return error.code;
    throw error;
  }
  return undefined;
}

describe("signed notes: the spec's examples", () => {
  it("verifies the example note with the example verifier key", () => {
    expect(exampleKey).toBe("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    const opened = openNote(example, [ed25519NoteVerifier(exampleKey)]);
    expect(opened.text).toBe("This is an example message.\n");
    expect(opened.verified.map((s) => [s.name, s.keyId])).toEqual([["example.com/foo", 0x530d903a]]);
    expect(opened.unknown).toEqual([]);
  });

  it("computes the example key's ID as SHA-256(name || 0x0A || 0x01 || key)[:4]", () => {
    const key = parseVerifierKey(exampleKey);
    expect(key).toMatchObject({ name: "example.com/foo", keyId: 0x530d903a, type: 1 });
    expect(computeKeyId("example.com/foo", 1, key.publicKey)).toBe(0x530d903a);
    expect(formatVerifierKey("example.com/foo", key.publicKey)).toBe(exampleKey);
  });

  it("splits a text with blank lines at the LAST blank line (the poem)", () => {
    const parsed = parseNote(poem);
    expect(parsed.text).toBe(
      "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n",
    );
    expect(parsed.signatures.map((s) => s.name)).toEqual(["quasimodo.example/salvatore"]);
    expect(codeOf(() => openNote(poem, [ed25519NoteVerifier(exampleKey)]))).toBe("note-unverified");
  });

  it("reproduces the Go reference example byte for byte (Ed25519 is deterministic)", () => {
    const signer = ed25519NoteSigner(GO_NOTE_EXAMPLE.signerKey);
    const note = signNote(GO_NOTE_EXAMPLE.text, [signer]);
    expect(note).toBe(`${GO_NOTE_EXAMPLE.text}\n${GO_NOTE_EXAMPLE.signatureLine}\n`);
    const parsed = parseSignerKey(GO_NOTE_EXAMPLE.signerKey);
    expect(formatVerifierKey(parsed.name, parsed.publicKey)).toBe(GO_NOTE_EXAMPLE.verifierKey);
    expect(formatSignerKey(parsed.name, parsed.privateKey)).toBe(GO_NOTE_EXAMPLE.signerKey);
    expect(openNote(note, [noteVerifierFromKey(GO_NOTE_EXAMPLE.verifierKey)]).verified).toHaveLength(1);
  });
});

describe("signed notes: signatures", () => {
  const alice = generateNoteKeys("example.org/alice");
  const bob = generateNoteKeys("example.org/bob");
  const text = "hello\n\nworld\n";

  it("signs with several keys and verifies each known one", () => {
    const note = signNote(text, [ed25519NoteSigner(alice.signerKey), ed25519NoteSigner(bob.signerKey)]);
    const both = openNote(note, [ed25519NoteVerifier(alice.verifierKey), ed25519NoteVerifier(bob.verifierKey)]);
    expect(both.text).toBe(text);
    expect(both.verified.map((s) => s.name)).toEqual(["example.org/alice", "example.org/bob"]);
    const onlyBob = openNote(note, [ed25519NoteVerifier(bob.verifierKey)]);
    expect(onlyBob.verified.map((s) => s.name)).toEqual(["example.org/bob"]);
    expect(onlyBob.unknown.map((s) => s.name)).toEqual(["example.org/alice"]);
  });

  it("signs through a KeyObject or a key store's signing function alike", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const direct = ed25519NoteSigner({ name: "kms.example/k1", privateKey });
    const rawPublic = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
    const viaStore = ed25519NoteSigner({
      name: "kms.example/k1",
      publicKey: rawPublic,
      sign: (message) => sign(null, message, privateKey),
    });
    expect(viaStore.keyId).toBe(direct.keyId);
    expect(signNote(text, [viaStore])).toBe(signNote(text, [direct]));
    const verifier = ed25519NoteVerifier({ name: "kms.example/k1", publicKey });
    expect(openNote(signNote(text, [viaStore]), [verifier]).verified).toHaveLength(1);
  });

  it("rejects the whole note when a known key's signature is bad", () => {
    const note = signNote(text, [ed25519NoteSigner(alice.signerKey)]);
    const tampered = note.replace("world", "World");
    expect(codeOf(() => openNote(tampered, [ed25519NoteVerifier(alice.verifierKey)]))).toBe("note-signature-invalid");
  });

  it("ignores a signature that shares only the name, or only the key ID, with a known key", () => {
    const impostor = generateNoteKeys("example.org/alice"); // same name, other key, other ID
    const note = signNote(text, [ed25519NoteSigner(impostor.signerKey)]);
    expect(codeOf(() => openNote(note, [ed25519NoteVerifier(alice.verifierKey)]))).toBe("note-unverified");
    const withBoth = signNote(text, [ed25519NoteSigner(impostor.signerKey), ed25519NoteSigner(alice.signerKey)]);
    const opened = openNote(withBoth, [ed25519NoteVerifier(alice.verifierKey)]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unknown).toHaveLength(1);
  });

  it("counts a repeated signature once", () => {
    const note = signNote(text, [ed25519NoteSigner(alice.signerKey), ed25519NoteSigner(alice.signerKey)]);
    expect(parseNote(note).signatures).toHaveLength(2);
    expect(openNote(note, [ed25519NoteVerifier(alice.verifierKey)]).verified).toHaveLength(1);
  });

  it("accepts 16 signatures and refuses more than the limit", () => {
    const signers = Array.from({ length: 16 }, (_, i) =>
      ed25519NoteSigner(generateNoteKeys(`example.org/k${i}`).signerKey),
    );
    const note = signNote(text, signers);
    expect(parseNote(note).signatures).toHaveLength(16);
    expect(codeOf(() => parseNote(note, { maxSignatures: 15 }))).toBe("note-too-many-signatures");
    const many = `${text}\n${`${parseNote(note).signatures[0]?.line}\n`.repeat(101)}`;
    expect(codeOf(() => parseNote(many))).toBe("note-too-many-signatures");
  });

  it("refuses to sign text that cannot be a note", () => {
    const signer = ed25519NoteSigner(alice.signerKey);
    expect(codeOf(() => signNote("no newline", [signer]))).toBe("note-malformed");
    expect(codeOf(() => signNote("bell \u0007\n", [signer]))).toBe("note-malformed");
    expect(codeOf(() => signNote(text, []))).toBe("invalid-argument");
  });
});

describe("signed notes: malformed notes", () => {
  const signer = ed25519NoteSigner(generateNoteKeys("example.org/k").signerKey);
  const good = signNote("text\n", [signer]);
  const line = good.split("\n")[2] as string;
  const base64 = line.split(" ")[2] as string;

  it.each([
    ["no final newline", good.slice(0, -1), "does not end with a newline"],
    ["no blank line", `text\n${line}\n`, "no blank line"],
    ["no signature", "text\n\n", "no signature line"],
    ["blank line after the signatures", `${good}\n`, "no signature line"],
    ["a control character", good.replace("text", "te\tt"), "control character"],
    ["a carriage return", good.replace("text\n", "text\r\n"), "control character"],
    ["a hyphen instead of the em dash", good.replace("—", "-"), "em dash"],
    ["no space after the em dash", good.replace("— ", "—"), "em dash"],
    ["no signature after the name", `text\n\n— example.org/k\n`, "no valid key name"],
    ["a name with a plus", good.replace("example.org/k", "example.org+k"), "no valid key name"],
    ["an empty name", good.replace("example.org/k ", " "), "no valid key name"],
    ["two spaces", good.replace(`k ${base64}`, `k  ${base64}`), "base64"],
    ["base64 without padding", good.replace(base64, base64.replace(/=+$/, "")), "base64"],
    ["base64 with a bad character", good.replace(base64, `!${base64.slice(1)}`), "base64"],
    ["a signature too short for a key ID", good.replace(base64, "AAAA"), "too short"],
  ])("refuses a note with %s", (_what, note, why) => {
    let error: unknown;
    try {
      parseNote(note);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LedgerError);
    expect(error).toMatchObject({ code: "note-malformed" });
    expect((error as Error).message).toContain(why);
  });

  it("takes a signature-like line before the last blank line as text", () => {
    const parsed = parseNote(good.replace(`${line}\n`, `${line}\n\n${line}\n`));
    expect(parsed.text).toBe(`text\n\n${line}\n`);
    expect(parsed.signatures).toHaveLength(1);
  });

  it("refuses bytes that are not UTF-8, and reads bytes that are", () => {
    const bytes = Buffer.from(good, "utf8");
    expect(parseNote(bytes).text).toBe("text\n");
    expect(codeOf(() => parseNote(Buffer.concat([Buffer.from([0xff]), bytes])))).toBe("note-malformed");
  });
});

describe("signed notes: keys", () => {
  it("checks key names", () => {
    expect(isValidKeyName("example.com/log42")).toBe(true);
    expect(isValidKeyName("oid/1.3.6.1.4.1")).toBe(true);
    for (const name of ["", "a b", "a+b", "a\u00a0b", "a\u2003b", "a\nb"]) expect(isValidKeyName(name)).toBe(false);
  });

  it.each([
    ["two parts", "example.com/foo+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"],
    ["a wrong key ID", "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"],
    ["an upper-case key ID", "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"],
    ["another name", "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"],
    ["an unsupported type", "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"],
    ["a short key", "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U0="],
    ["bad base64", "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2"],
    ["a space in the name", "example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"],
  ])("refuses a verifier key with %s", (_what, vkey) => {
    expect(codeOf(() => parseVerifierKey(vkey))).toBe("key-invalid");
  });

  it("refuses bad signer keys without repeating the secret", () => {
    const { signerKey } = generateNoteKeys("example.org/s");
    const secret = signerKey.split("+")[4] as string;
    for (const bad of [
      signerKey.replace("PRIVATE+KEY", "PRIVATE+KEYS"),
      signerKey.replace(/\+[0-9a-f]{8}\+/, "+00000000+"),
      `${signerKey}+extra`,
      signerKey.replace("example.org/s", "example.org/t"),
    ]) {
      let error: unknown;
      try {
        parseSignerKey(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: "key-invalid" });
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it("keeps plain signatures and cosignatures apart by type", () => {
    const cosigner = generateNoteKeys("witness.example/w", SIGNATURE_TYPE_COSIGNATURE_V1);
    expect(codeOf(() => ed25519NoteSigner(cosigner.signerKey))).toBe("key-invalid");
    expect(codeOf(() => ed25519NoteVerifier(cosigner.verifierKey))).toBe("key-invalid");
    expect(parseVerifierKey(cosigner.verifierKey).type).toBe(4);
  });
});
