/**
 * Signed notes, c2sp.org/signed-note@v1.0.0: a UTF-8 text ending in a newline, a blank line, then one
 * or more signature lines `— <key name> <base64(key ID || signature)>`. Checkpoints and cosignatures
 * are notes, so this module is the trust boundary of the log: a note's text means nothing until a
 * signature by a known key has been verified.
 *
 * Also the key encodings of the note ecosystem: key IDs, verifier keys (vkeys,
 * `<name>+<hex key ID>+<base64(type || public key)>`) and signer keys
 * (`PRIVATE+KEY+<name>+<hex key ID>+<base64(type || private key)>`, the format of Go's
 * golang.org/x/mod/sumdb/note). Signature type 0x01 (Ed25519 over the note text) is implemented here;
 * 0x04 (timestamped cosignatures) in cosignature.ts.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import {
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyBytes,
  ed25519PublicKeyFromBytes,
  ed25519Seed,
  ed25519Sign,
  ed25519Verify,
} from "./ed25519.ts";
import { decodeBase64Strict, decodeUtf8Strict, encodeBase64, isNoteSafeText, truncate } from "./encoding.ts";
import { LedgerError } from "./errors.ts";
import { sha256 } from "./hashes.ts";

/** Signature type of plain Ed25519 note signatures. */
export const SIGNATURE_TYPE_ED25519 = 0x01;
/** Signature type of timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;

/**
 * The default cap on signature lines. The spec requires accepting at least 16 and asks verifiers to set
 * some limit, so a hostile note cannot make us verify thousands of signatures.
 */
export const DEFAULT_MAX_SIGNATURES = 100;

const SIGNATURE_PREFIX = "— "; // U+2014 EM DASH, space

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  /** The key ID, a uint32. */
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Buffer;
  /** The line as it appears in the note, without its newline. */
  readonly line: string;
}

/** A note split into text and signatures, nothing verified. */
export interface ParsedNote {
  /** The signed text, ending in a newline (without the blank separator line). */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A known key that can check signatures on notes: matched to signature lines by name AND key ID. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Whether `signature` (the bytes after the key ID) is valid on `text` (the note text's UTF-8 bytes). */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** A key that can sign notes. `sign` returns the signature bytes that follow the key ID. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array;
}

/** A note whose signatures have been checked. */
export interface OpenedNote {
  readonly text: string;
  /** Signatures by known keys, all valid (one per key). */
  readonly verified: readonly (NoteSignature & { readonly verifier: NoteVerifier })[];
  /** Signatures by keys not among the verifiers: ignored, as the spec requires, but kept for the caller. */
  readonly unknown: readonly NoteSignature[];
}

export interface NoteOptions {
  /** At most this many signature lines (default 100). */
  readonly maxSignatures?: number;
}

/** A key's name is non-empty and has no Unicode space and no plus sign. */
export function isValidKeyName(name: string): boolean {
  // \s covers the Unicode spaces; U+0085 (NEXT LINE) is a space to Go's unicode.IsSpace but not to \s.
  return name.length > 0 && isNoteSafeText(name) && !/[\s+\u0085]/u.test(name);
}

/** The recommended key ID: the first 4 bytes, big-endian, of SHA-256(name || 0x0A || type || public key). */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = sha256(Buffer.concat([Buffer.from(`${name}\n`, "utf8"), Buffer.of(type), publicKey]));
  return digest.readUInt32BE(0);
}

/** The key ID as the 8 lowercase hex digits of a vkey. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, "0");
}

/**
 * Splits a note into its text and signature lines, checking the format strictly (UTF-8, no control
 * characters but newline, the blank line, every signature line well formed). Verifies nothing: use
 * `openNote` before trusting the text. Throws `note-malformed` or `note-too-many-signatures`.
 */
export function parseNote(note: string | Uint8Array, options: NoteOptions = {}): ParsedNote {
  const message = typeof note === "string" ? note : decodeUtf8Strict(note);
  if (message === null) throw malformed("it is not valid UTF-8");
  if (!isNoteSafeText(message)) throw malformed("it contains a control character other than newline");
  if (!message.endsWith("\n")) throw malformed("it does not end with a newline");
  // The text ends at the LAST blank line: the text itself may contain blank lines.
  const split = message.lastIndexOf("\n\n");
  if (split < 0) throw malformed("no blank line separates the text from the signatures");
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2, -1).split("\n");
  if (lines.length === 1 && lines[0] === "") throw malformed("it has no signature line");
  const max = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  if (lines.length > max) {
    throw new LedgerError(
      "note-too-many-signatures",
      `The note has ${lines.length} signatures; at most ${max} are accepted.`,
    );
  }
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** One signature line (without its newline). Throws `note-malformed`. */
export function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw malformed(`the signature line '${truncate(line)}' does not start with an em dash and a space`);
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(" ");
  const name = space < 0 ? "" : rest.slice(0, space);
  if (!isValidKeyName(name)) throw malformed(`the signature line '${truncate(line)}' has no valid key name`);
  const bytes = decodeBase64Strict(rest.slice(space + 1));
  if (bytes === null) throw malformed(`the signature of '${name}' is not valid standard base64`);
  if (bytes.length < 5) throw malformed(`the signature of '${name}' is too short to hold a key ID and a signature`);
  return { name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4), line };
}

/**
 * Parses a note and verifies it against known keys. Signatures by unknown keys (name and key ID not
 * both matching a verifier) are ignored. Throws `note-signature-invalid` when a signature by a known key
 * fails (the spec lets a client reject the whole note, and a bad signature by a trusted key is a sign of
 * tampering), and `note-unverified` when no known key signed the note.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: NoteOptions = {},
): OpenedNote {
  const parsed = parseNote(note, options);
  const text = Buffer.from(parsed.text, "utf8");
  const verified: (NoteSignature & { verifier: NoteVerifier })[] = [];
  const unknown: NoteSignature[] = [];
  for (const signature of parsed.signatures) {
    const candidates = verifiers.filter((v) => v.name === signature.name && v.keyId === signature.keyId);
    if (candidates.length === 0) {
      if (!unknown.some((other) => other.line === signature.line)) unknown.push(signature);
      continue;
    }
    const verifier = candidates.find((candidate) => candidate.verify(text, signature.signature));
    if (!verifier) {
      throw new LedgerError(
        "note-signature-invalid",
        `The signature of '${signature.name}' (key ${formatKeyId(signature.keyId)}) on the note is invalid.`,
        { name: signature.name, keyId: signature.keyId },
      );
    }
    if (!verified.some((known) => known.verifier === verifier)) verified.push({ ...signature, verifier });
  }
  if (verified.length === 0) {
    const names = [...new Set(parsed.signatures.map((s) => s.name))].join(", ");
    throw new LedgerError("note-unverified", `The note is not signed by any known key (it is signed by: ${names}).`);
  }
  return { text: parsed.text, verified, unknown };
}

/** Formats a signature line (without newline). */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const bytes = Buffer.allocUnsafe(4 + signature.length);
  bytes.writeUInt32BE(keyId, 0);
  bytes.set(signature, 4);
  return `${SIGNATURE_PREFIX}${name} ${encodeBase64(bytes)}`;
}

/** The signature line of one signer on a note text. */
export function signatureLine(text: string, signer: NoteSigner): string {
  assertNoteText(text);
  if (!isValidKeyName(signer.name)) throw new LedgerError("key-invalid", `'${signer.name}' is not a valid key name.`);
  return formatSignatureLine(signer.name, signer.keyId, signer.sign(Buffer.from(text, "utf8")));
}

/** Signs a note text (ending in a newline) with one or more signers. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (signers.length === 0) throw new LedgerError("invalid-argument", "A note needs at least one signer.");
  return formatNote(
    text,
    signers.map((signer) => signatureLine(text, signer)),
  );
}

/** A note from its text and signature lines (lines without newlines). */
export function formatNote(text: string, signatureLines: readonly string[]): string {
  assertNoteText(text);
  return `${text}\n${signatureLines.map((line) => `${line}\n`).join("")}`;
}

/** Throws `note-malformed` unless `text` can be the text of a note. */
export function assertNoteText(text: string): void {
  if (!text.endsWith("\n")) throw malformed("the text does not end with a newline");
  if (!isNoteSafeText(text)) throw malformed("the text contains a control character other than newline");
}

// --- Keys ---------------------------------------------------------------------------------------------

/** A parsed verifier key. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Buffer;
}

/** A parsed signer key. */
export interface SignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly privateKey: KeyObject;
  readonly publicKey: Buffer;
}

/** The signature types whose keys this module can parse: both are Ed25519 key pairs. */
const ED25519_TYPES: readonly number[] = [SIGNATURE_TYPE_ED25519, SIGNATURE_TYPE_COSIGNATURE_V1];

/**
 * Parses a vkey `<name>+<hex key ID>+<base64(type || public key)>` of type 0x01 or 0x04 and checks that
 * its key ID is the one the name and key imply. Throws `key-invalid`.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const what = `The verifier key '${truncate(vkey)}'`;
  const parts = splitKey(vkey, 3);
  if (parts.length !== 3) throw badKey(what, "a verifier key has three parts separated by '+'");
  const [name = "", idHex = "", keyText = ""] = parts;
  if (!isValidKeyName(name)) throw badKey(what, "the key name is not valid");
  const keyId = parseKeyIdHex(what, idHex);
  const { type, key } = decodeTypedKey(what, keyText);
  if (computeKeyId(name, type, key) !== keyId) throw badKey(what, "the key ID does not match the name and key");
  return { name, keyId, type, publicKey: key };
}

/** Formats a vkey for an Ed25519 public key (raw 32 bytes or a KeyObject) and a signature type. */
export function formatVerifierKey(
  name: string,
  publicKey: Uint8Array | KeyObject,
  type = SIGNATURE_TYPE_ED25519,
): string {
  if (!isValidKeyName(name)) throw new LedgerError("key-invalid", `'${name}' is not a valid key name.`);
  const key = publicKey instanceof Uint8Array ? Buffer.from(publicKey) : ed25519PublicKeyBytes(publicKey);
  ed25519PublicKeyFromBytes(key); // checks the length
  return `${name}+${formatKeyId(computeKeyId(name, type, key))}+${encodeBase64(Buffer.concat([Buffer.of(type), key]))}`;
}

/** Parses a signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>`. Throws `key-invalid`. */
export function parseSignerKey(skey: string): SignerKey {
  const parts = splitKey(skey, 5);
  // Never quote a private key in an error message.
  const what = "The signer key";
  if (parts.length !== 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") {
    throw badKey(what, "a signer key is PRIVATE+KEY+<name>+<key ID>+<key>");
  }
  const [, , name = "", idHex = "", keyText = ""] = parts;
  if (!isValidKeyName(name)) throw badKey(what, "the key name is not valid");
  const keyId = parseKeyIdHex(what, idHex);
  const { type, key: seed } = decodeTypedKey(what, keyText);
  const privateKey = ed25519PrivateKeyFromSeed(seed);
  const publicKey = ed25519PublicKeyBytes(privateKey);
  if (computeKeyId(name, type, publicKey) !== keyId) throw badKey(what, "the key ID does not match the name and key");
  return { name, keyId, type, privateKey, publicKey };
}

/** Formats a signer key for an Ed25519 private KeyObject. Handle the result as a secret. */
export function formatSignerKey(name: string, privateKey: KeyObject, type = SIGNATURE_TYPE_ED25519): string {
  if (!isValidKeyName(name)) throw new LedgerError("key-invalid", `'${name}' is not a valid key name.`);
  const keyId = computeKeyId(name, type, ed25519PublicKeyBytes(privateKey));
  const body = encodeBase64(Buffer.concat([Buffer.of(type), ed25519Seed(privateKey)]));
  return `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${body}`;
}

/** A new random Ed25519 key pair as a signer key and its verifier key. */
export function generateNoteKeys(
  name: string,
  type = SIGNATURE_TYPE_ED25519,
): { signerKey: string; verifierKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { signerKey: formatSignerKey(name, privateKey, type), verifierKey: formatVerifierKey(name, publicKey, type) };
}

/** A verifier of plain Ed25519 note signatures (type 0x01) from a vkey, or a name and public key. */
export function ed25519NoteVerifier(key: string | { name: string; publicKey: Uint8Array | KeyObject }): NoteVerifier {
  const parsed = parseVerifierKey(typeof key === "string" ? key : formatVerifierKey(key.name, key.publicKey));
  if (parsed.type !== SIGNATURE_TYPE_ED25519) {
    throw new LedgerError("key-invalid", `The key of '${parsed.name}' is of type ${parsed.type}, not Ed25519 (1).`);
  }
  const publicKey = ed25519PublicKeyFromBytes(parsed.publicKey);
  return {
    name: parsed.name,
    keyId: parsed.keyId,
    verify: (text, signature) => ed25519Verify(text, signature, publicKey),
  };
}

/**
 * A signer of plain Ed25519 note signatures (type 0x01): from a signer key string, from a private
 * KeyObject, or from a public key and a signing function (a key store or HSM that never hands out the
 * private key; it must return the 64-byte Ed25519 signature of the message it is given).
 */
export function ed25519NoteSigner(
  key:
    | string
    | { readonly name: string; readonly privateKey: KeyObject }
    | { readonly name: string; readonly publicKey: Uint8Array; readonly sign: (message: Uint8Array) => Uint8Array },
): NoteSigner {
  if (typeof key === "string") {
    const parsed = parseSignerKey(key);
    if (parsed.type !== SIGNATURE_TYPE_ED25519) {
      throw new LedgerError("key-invalid", `The signer key of '${parsed.name}' is not of type Ed25519 (1).`);
    }
    return ed25519NoteSigner({ name: parsed.name, privateKey: parsed.privateKey });
  }
  if (!isValidKeyName(key.name)) throw new LedgerError("key-invalid", `'${key.name}' is not a valid key name.`);
  const publicKey = "privateKey" in key ? ed25519PublicKeyBytes(key.privateKey) : Buffer.from(key.publicKey);
  ed25519PublicKeyFromBytes(publicKey); // checks the length
  const sign = "privateKey" in key ? (message: Uint8Array) => ed25519Sign(message, key.privateKey) : key.sign;
  return { name: key.name, keyId: computeKeyId(key.name, SIGNATURE_TYPE_ED25519, publicKey), sign };
}

/**
 * Splits a key string at its first `parts - 1` plus signs: the last part is base64, whose alphabet
 * includes '+', so it keeps any further plus signs.
 */
function splitKey(text: string, parts: number): string[] {
  const result: string[] = [];
  let rest = text;
  while (result.length < parts - 1) {
    const plus = rest.indexOf("+");
    if (plus < 0) break;
    result.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  result.push(rest);
  return result;
}

function parseKeyIdHex(what: string, idHex: string): number {
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw badKey(what, "the key ID is not 8 lowercase hex digits");
  return Number.parseInt(idHex, 16);
}

function decodeTypedKey(what: string, keyText: string): { type: number; key: Buffer } {
  const bytes = decodeBase64Strict(keyText);
  if (bytes === null || bytes.length === 0) throw badKey(what, "the key is not valid standard base64");
  const type = bytes[0] as number;
  if (!ED25519_TYPES.includes(type)) throw badKey(what, `signature type ${type} is not supported (only 1 and 4)`);
  const key = bytes.subarray(1);
  if (key.length !== 32) throw badKey(what, `an Ed25519 key has 32 bytes, not ${key.length}`);
  return { type, key };
}

/** `subject` names the key; for a signer key it must not quote the key, which is a secret. */
function badKey(subject: string, why: string): LedgerError {
  return new LedgerError("key-invalid", `${subject} is not a valid key: ${why}.`);
}

function malformed(why: string): LedgerError {
  return new LedgerError("note-malformed", `The note is malformed: ${why}.`);
}
