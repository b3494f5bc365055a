/**
 * Issuer keys: Ed25519 key pairs in the Multikey encoding (`z6Mk…` public keys), generated and parsed
 * with `@digitalbazaar/ed25519-multikey`, and their secret halves sealed with the bank's master key
 * (AES-256-GCM from node:crypto) before they reach the database.
 *
 * All signing goes through the `Signer` interface, the same shape the Digital Bazaar suites take, so a
 * hardware or cloud key store can stand in for the local signer without touching issuance.
 */
import { createCipheriv, createDecipheriv, createHmac, type KeyObject, randomBytes } from "node:crypto";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { createKeyObjectSigner, ed25519KeyObjects } from "./canonize/data-integrity-fast.ts";
import { CredentialError } from "./errors.ts";

/** Signs bytes with one key. `id` is the key's verification method URL (DID URL). */
export interface Signer {
  readonly id: string;
  readonly algorithm: "Ed25519";
  sign(input: { data: Uint8Array }): Promise<Uint8Array>;
  /**
   * The secret key, for a key held in this process only: bulk issuance hands it to worker threads to sign
   * there (src/services/signing-pool.ts). A signer backed by a hardware or cloud key store leaves it out,
   * and everything it signs is signed through `sign`.
   */
  readonly privateKey?: KeyObject;
}

export interface KeyPairMaterial {
  publicKeyMultibase: string;
  secretKeyMultibase: string;
}

export async function generateKeyPair(): Promise<KeyPairMaterial> {
  const pair = await Ed25519Multikey.generate();
  return { publicKeyMultibase: pair.publicKeyMultibase, secretKeyMultibase: pair.secretKeyMultibase };
}

/**
 * A signer that holds the secret key in this process, as a node:crypto key object imported once (the
 * Multikey library's own signer imports the key again for every signature, a third of the cost).
 */
export async function localSigner(verificationMethod: string, material: KeyPairMaterial): Promise<Signer> {
  const pair = await Ed25519Multikey.from({ type: "Multikey", id: verificationMethod, ...material });
  const { privateKey } = ed25519KeyObjects({ publicKey: pair.publicKey, secretKey: pair.secretKey });
  if (!privateKey) throw new CredentialError("invalid-key", `Key ${verificationMethod} has no secret half.`);
  return createKeyObjectSigner(verificationMethod, privateKey);
}

/** The raw 32-byte Ed25519 public key of a Multikey-encoded one; throws for anything else. */
export async function publicKeyBytes(publicKeyMultibase: string): Promise<Uint8Array> {
  try {
    const pair = await Ed25519Multikey.from({ type: "Multikey", publicKeyMultibase });
    return pair.publicKey as Uint8Array;
  } catch {
    throw new CredentialError(
      "invalid-public-key",
      `'${publicKeyMultibase.slice(0, 80)}' is not an Ed25519 public key in the Multikey encoding.`,
    );
  }
}

/** The public key as a JWK (for VC-JOSE verification with `jose`). */
export async function publicKeyJwk(publicKeyMultibase: string): Promise<Record<string, string>> {
  const pair = await Ed25519Multikey.from({ type: "Multikey", publicKeyMultibase });
  return Ed25519Multikey.toJwk({ keyPair: pair });
}

// ── Sealing secret keys with the master key ────────────────────────────────────────────────────

const SEAL_VERSION = "v1";

/** A 32-byte master key from configuration: 64 hex characters or 44 base64 characters. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (bytes.length !== 32) {
    throw new CredentialError(
      "invalid-master-key",
      "The master key must be 32 random bytes written as 64 hexadecimal or 44 base64 characters.",
    );
  }
  return bytes;
}

export const newMasterKey = (): string => randomBytes(32).toString("base64");

/**
 * A fingerprint of the master key, stored beside the sealed keys so a bank started with the wrong
 * master key says so at once instead of failing at the first signature.
 */
export const masterKeyFingerprint = (masterKey: Buffer): string =>
  createHmac("sha256", masterKey).update("creditbank master key fingerprint v1").digest("hex").slice(0, 32);

/**
 * Seals a secret key. The key's verification method id is the associated data, so a sealed secret
 * copied onto another key's row does not open.
 */
export function sealSecret(secret: string, masterKey: Buffer, keyId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(keyId, "utf8"));
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [SEAL_VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(
    ".",
  );
}

export function openSecret(sealed: string, masterKey: Buffer, keyId: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== SEAL_VERSION || !iv || !tag || body === undefined) {
    throw new CredentialError("sealed-key-unreadable", `The stored secret of key ${keyId} is not in a known format.`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64"));
    decipher.setAAD(Buffer.from(keyId, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new CredentialError(
      "wrong-master-key",
      `The master key does not open the stored secret of key ${keyId}; start the bank with the master key it was created with.`,
    );
  }
}
