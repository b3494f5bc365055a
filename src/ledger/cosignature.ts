/**
 * Ed25519 checkpoint cosignatures, c2sp.org/tlog-cosignature (the `cosignature/v1` format): a witness's
 * timestamped statement that the checkpoint is the largest consistent tree it has seen for the log.
 *
 * A cosignature is a note signature line whose key ID uses signature type 0x04,
 * SHA-256(name || "\n" || 0x04 || public key)[:4], and whose signature bytes are
 * timestamp (uint64, big-endian, POSIX seconds) || Ed25519 signature of
 *
 *     cosignature/v1\n
 *     time <timestamp>\n
 *     <the checkpoint's note text>
 *
 * The verifier below is a `NoteVerifier`, so `openNote(note, [logKey, ...witnessKeys])` checks the log's
 * signature and the witnesses' cosignatures in one pass.
 */
import type { KeyObject } from "node:crypto";
import {
  ED25519_SIGNATURE_BYTES,
  ed25519PublicKeyBytes,
  ed25519PublicKeyFromBytes,
  ed25519Sign,
  ed25519Verify,
} from "./ed25519.ts";
import { LedgerError } from "./errors.ts";
import {
  computeKeyId,
  formatVerifierKey,
  isValidKeyName,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE_COSIGNATURE_V1,
  signatureLine,
} from "./signed-note.ts";

const HEADER = "cosignature/v1\n";
/** The spec caps timestamps at 2^63 - 1. */
const MAX_TIMESTAMP = 2n ** 63n - 1n;
const TIMESTAMP_BYTES = 8;

/** A witness key able to cosign: its name, key ID (type 0x04), public key, and a raw Ed25519 signer. */
export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Buffer;
  /** The 64-byte Ed25519 signature of a message (the cosigned message, built here). */
  readonly signMessage: (message: Uint8Array) => Uint8Array;
}

/** The message an Ed25519 cosignature signs. `timestamp` is POSIX seconds. */
export function cosignatureMessage(checkpointText: string | Uint8Array, timestamp: number | bigint): Buffer {
  const text = typeof checkpointText === "string" ? Buffer.from(checkpointText, "utf8") : checkpointText;
  return Buffer.concat([Buffer.from(`${HEADER}time ${BigInt(timestamp)}\n`, "utf8"), text]);
}

/**
 * A cosigner from a signer key of type 0x04 (`PRIVATE+KEY+<name>+<id>+<base64(0x04 || seed)>`), a
 * private KeyObject, or a public key and a signing function (a key store that keeps the private key).
 */
export function ed25519Cosigner(
  key:
    | string
    | { readonly name: string; readonly privateKey: KeyObject }
    | { readonly name: string; readonly publicKey: Uint8Array; readonly sign: (message: Uint8Array) => Uint8Array },
): Cosigner {
  if (typeof key === "string") {
    const parsed = parseSignerKey(key);
    if (parsed.type !== SIGNATURE_TYPE_COSIGNATURE_V1) {
      throw new LedgerError("key-invalid", `The signer key of '${parsed.name}' is not a cosignature key (type 4).`);
    }
    return ed25519Cosigner({ name: parsed.name, privateKey: parsed.privateKey });
  }
  if (!isValidKeyName(key.name)) throw new LedgerError("key-invalid", `'${key.name}' is not a valid key name.`);
  const publicKey = "privateKey" in key ? ed25519PublicKeyBytes(key.privateKey) : Buffer.from(key.publicKey);
  ed25519PublicKeyFromBytes(publicKey); // checks the length
  const signMessage = "privateKey" in key ? (message: Uint8Array) => ed25519Sign(message, key.privateKey) : key.sign;
  return {
    name: key.name,
    keyId: computeKeyId(key.name, SIGNATURE_TYPE_COSIGNATURE_V1, publicKey),
    publicKey,
    signMessage,
  };
}

/** The cosigner's verifier key (vkey of type 0x04), to publish. */
export function cosignerVerifierKey(cosigner: Cosigner): string {
  return formatVerifierKey(cosigner.name, cosigner.publicKey, SIGNATURE_TYPE_COSIGNATURE_V1);
}

/** The cosigner as a `NoteSigner` at a fixed timestamp (POSIX seconds, > 0). */
export function cosignatureNoteSigner(cosigner: Cosigner, timestamp: number): NoteSigner {
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0) {
    throw new LedgerError("invalid-argument", `A cosignature timestamp is POSIX seconds above 0, not ${timestamp}.`);
  }
  return {
    name: cosigner.name,
    keyId: cosigner.keyId,
    sign: (text) => {
      const signature = cosigner.signMessage(cosignatureMessage(text, timestamp));
      if (signature.length !== ED25519_SIGNATURE_BYTES) {
        throw new LedgerError("key-invalid", `The cosigner's signer returned ${signature.length} bytes, not 64.`);
      }
      const bytes = Buffer.allocUnsafe(TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES);
      bytes.writeBigUInt64BE(BigInt(timestamp), 0);
      bytes.set(signature, TIMESTAMP_BYTES);
      return bytes;
    },
  };
}

/** The cosignature line (without newline) of `cosigner` on a checkpoint's note text, at `timestamp`. */
export function cosignatureLine(checkpointText: string, cosigner: Cosigner, timestamp: number): string {
  return signatureLine(checkpointText, cosignatureNoteSigner(cosigner, timestamp));
}

/** A `NoteVerifier` of a witness's cosignatures, from its vkey (type 0x04) or its name and public key. */
export function cosignatureVerifier(key: string | { name: string; publicKey: Uint8Array | KeyObject }): NoteVerifier {
  const parsed = parseVerifierKey(
    typeof key === "string" ? key : formatVerifierKey(key.name, key.publicKey, SIGNATURE_TYPE_COSIGNATURE_V1),
  );
  if (parsed.type !== SIGNATURE_TYPE_COSIGNATURE_V1) {
    throw new LedgerError(
      "key-invalid",
      `The key of '${parsed.name}' is of type ${parsed.type}, not a cosignature key (4).`,
    );
  }
  const publicKey = ed25519PublicKeyFromBytes(parsed.publicKey);
  return {
    name: parsed.name,
    keyId: parsed.keyId,
    verify: (text, signature) => {
      if (signature.length !== TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES) return false;
      const timestamp = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).readBigUInt64BE(0);
      if (timestamp > MAX_TIMESTAMP) return false;
      const message = cosignatureMessage(text, timestamp);
      return ed25519Verify(message, signature.subarray(TIMESTAMP_BYTES), publicKey);
    },
  };
}

/**
 * The timestamp (POSIX seconds) of a cosignature's signature bytes (`NoteSignature.signature`). Throws
 * `cosignature-malformed` if the bytes are not a timestamped Ed25519 signature.
 */
export function cosignatureTimestamp(signature: Uint8Array): number {
  if (signature.length !== TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES) {
    throw new LedgerError(
      "cosignature-malformed",
      `A cosignature has 72 bytes after the key ID, not ${signature.length}.`,
    );
  }
  const timestamp = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).readBigUInt64BE(0);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new LedgerError("cosignature-malformed", `The cosignature timestamp ${timestamp} is beyond any real time.`);
  }
  return Number(timestamp);
}
