/**
 * Ed25519 through node:crypto, with the raw 32-byte key encodings the note formats use (RFC 8032 public
 * key; the 32-byte seed as private key). Only key encoding lives here: signing and verifying are
 * node:crypto's `sign(null, …)` and `verify(null, …)`.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { LedgerError } from "./errors.ts";

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

// RFC 8410 PKCS#8 wrapping of an Ed25519 seed: SEQUENCE { version 0, AlgorithmIdentifier id-Ed25519,
// OCTET STRING { OCTET STRING seed } }. It is how node:crypto accepts a raw seed.
const PKCS8_SEED_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The 32-byte public key of an Ed25519 KeyObject (public, or private: its public half). */
export function ed25519PublicKeyBytes(key: KeyObject): Buffer {
  assertEd25519(key);
  const jwk = (key.type === "private" ? createPublicKey(key) : key).export({ format: "jwk" });
  return Buffer.from(jwk.x ?? "", "base64url");
}

/** A public KeyObject from a 32-byte Ed25519 public key. Throws `key-invalid` for a wrong length. */
export function ed25519PublicKeyFromBytes(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new LedgerError("key-invalid", `An Ed25519 public key has 32 bytes, not ${publicKey.length}.`);
  }
  try {
    return createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") },
      format: "jwk",
    });
  } catch {
    throw new LedgerError("key-invalid", "The bytes are not an Ed25519 public key.");
  }
}

/** A private KeyObject from a 32-byte Ed25519 seed. */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_SEED_BYTES) {
    throw new LedgerError("key-invalid", `An Ed25519 private key seed has 32 bytes, not ${seed.length}.`);
  }
  return createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** The 32-byte seed of an Ed25519 private KeyObject. */
export function ed25519Seed(privateKey: KeyObject): Buffer {
  assertEd25519(privateKey);
  if (privateKey.type !== "private") throw new LedgerError("key-invalid", "A private Ed25519 key is needed.");
  return Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url");
}

/** An Ed25519 signature by a private KeyObject. */
export function ed25519Sign(message: Uint8Array, privateKey: KeyObject): Buffer {
  return sign(null, message, privateKey);
}

/** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`. Never throws. */
export function ed25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, message, publicKey, signature);
  } catch {
    return false;
  }
}

function assertEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new LedgerError("key-invalid", `An Ed25519 key is needed, not ${key.asymmetricKeyType ?? key.type}.`);
  }
}
