/**
 * `eddsa-rdfc-2022` Data Integrity proofs (W3C VC Data Integrity EdDSA Cryptosuites v1.0, §3.3) without the
 * Digital Bazaar proof machinery: once canonicalization is fast, `vc.issue` / `jsigs.verify` spend most of
 * their time around it (Ed25519 key import on every signature, proof-set and purpose handling, controller
 * document fetch). The algorithms:
 *
 * - proof configuration: the proof options (`type`, `created`, `verificationMethod`, `cryptosuite`,
 *   `proofPurpose`) with the document's `@context`, canonicalized with RDFC-1.0;
 * - transformation: the document without `proof`, canonicalized with RDFC-1.0;
 * - hashing: SHA-256(canonical proof configuration) ‖ SHA-256(canonical document);
 * - serialization: Ed25519 over the 64 hash bytes (the caller's signer, or node:crypto to verify);
 *   `proofValue` = multibase base58btc (`z…`).
 *
 * Output is the Digital Bazaar stack's (`vc.issue` with `DataIntegrityProof` + the stock cryptosuite):
 * the same proof object, key order and proofValue for the same key and `created`, including its two
 * conveniences: `created` written as `YYYY-MM-DDTHH:MM:SSZ`, and the Data Integrity context added when
 * the document has neither it nor the VC 2.0 context. Canonicalization runs with the eddsa-rdfc-2022
 * cryptosuite's jsonld options (`rdfDirection: "i18n-datatype"`, `base: null`, safe mode).
 *
 * Verification checks the signature and the proof's form only; whether the key belongs to the issuer and
 * whether `proofPurpose` is the one expected are the caller's checks (the bank's verifier resolves keys).
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify as verifySignature } from "node:crypto";
import * as base58btc from "base58-universal";
import { CredentialError } from "../errors.ts";
import type { CanonizeOptions, Canonizer } from "./canonizer.ts";

const DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2";
const VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
const PROOF_TYPE = "DataIntegrityProof";
const CRYPTOSUITE = "eddsa-rdfc-2022";
/** The eddsa-rdfc-2022 cryptosuite's jsonld options. */
const CANONIZE: CanonizeOptions = { rdfDirection: "i18n-datatype", base: null };

/** Signs bytes with an Ed25519 key (the interface of the Digital Bazaar signers and the bank's Signer). */
export interface Ed25519Signer {
  sign(input: { data: Uint8Array }): Promise<Uint8Array> | Uint8Array;
}

export interface SignEddsaRdfc2022Options {
  signer: Ed25519Signer;
  /** The verification method's URL (e.g. a DID URL). */
  verificationMethod: string;
  /** Default: now. Written as the Digital Bazaar suite writes it: `YYYY-MM-DDTHH:MM:SSZ`. */
  created?: string | Date;
  /** Default: "assertionMethod". */
  proofPurpose?: string;
  /** For presentations: the verifier's challenge and domain, bound into the proof. */
  challenge?: string;
  domain?: string;
}

export interface EddsaRdfc2022Proof {
  type: typeof PROOF_TYPE;
  created?: string;
  verificationMethod: string;
  cryptosuite: typeof CRYPTOSUITE;
  proofPurpose: string;
  proofValue: string;
  [property: string]: unknown;
}

type JsonObject = Record<string, unknown>;

/** `created` as the Digital Bazaar suite writes it (data-integrity lib/util.js w3cDate). */
function w3cDate(created: string | Date | undefined): string {
  const date = created === undefined ? new Date() : new Date(created);
  if (Number.isNaN(date.getTime())) {
    throw new CredentialError("invalid-proof-options", `"created" (${String(created)}) is not a date.`);
  }
  return `${date.toISOString().slice(0, -5)}Z`;
}

const includesContext = (context: unknown, url: string): boolean =>
  context === url || (Array.isArray(context) && context.includes(url));

/** The document's @context, with the Data Integrity context added when neither it nor VC 2.0 is there. */
function withSuiteContext(context: unknown): unknown {
  if (includesContext(context, DATA_INTEGRITY_V2_CONTEXT) || includesContext(context, VC_V2_CONTEXT)) return context;
  const existing = context ?? [];
  return Array.isArray(existing) ? [...existing, DATA_INTEGRITY_V2_CONTEXT] : [existing, DATA_INTEGRITY_V2_CONTEXT];
}

const sha256 = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/** SHA-256(canonical proof configuration) ‖ SHA-256(canonical document). */
async function hashData(unsecured: JsonObject, proofConfig: JsonObject, canonizer: Canonizer): Promise<Buffer> {
  const [canonicalProof, canonicalDocument] = await Promise.all([
    canonizer.canonize(proofConfig, CANONIZE),
    canonizer.canonize(unsecured, CANONIZE),
  ]);
  return Buffer.concat([sha256(canonicalProof), sha256(canonicalDocument)]);
}

/**
 * Adds an eddsa-rdfc-2022 proof; returns a new document (the input is not changed). An existing proof is
 * kept and the new one appended (a proof set), the new proof covering the document without its proofs.
 */
export async function signEddsaRdfc2022<T extends object>(
  document: T,
  options: SignEddsaRdfc2022Options,
  canonizer: Canonizer,
): Promise<T & { proof: EddsaRdfc2022Proof | unknown[] }> {
  if (typeof options.verificationMethod !== "string" || options.verificationMethod.length === 0) {
    throw new CredentialError("invalid-proof-options", "A verification method is required to sign.");
  }
  const secured: JsonObject = { ...(document as JsonObject) };
  secured["@context"] = withSuiteContext(secured["@context"]);
  const unsecured: JsonObject = { ...secured };
  delete unsecured.proof;
  const proof: JsonObject = {
    type: PROOF_TYPE,
    created: w3cDate(options.created),
    verificationMethod: options.verificationMethod,
    cryptosuite: CRYPTOSUITE,
    proofPurpose: options.proofPurpose ?? "assertionMethod",
    ...(options.challenge !== undefined ? { challenge: options.challenge } : {}),
    ...(options.domain !== undefined ? { domain: options.domain } : {}),
  };
  const data = await hashData(unsecured, { "@context": secured["@context"], ...proof }, canonizer);
  const signature = await options.signer.sign({ data: new Uint8Array(data) });
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw new CredentialError("signing-failed", "The signer did not return a 64-byte Ed25519 signature.");
  }
  proof.proofValue = `z${base58btc.encode(signature)}`;
  const existing = secured.proof;
  secured.proof = existing === undefined ? proof : [...(Array.isArray(existing) ? existing : [existing]), proof];
  return secured as T & { proof: EddsaRdfc2022Proof | unknown[] };
}

// data-integrity lib/util.js XMLDateTimeRegExp (unanchored, as the Digital Bazaar suite tests it).
const XML_DATE_TIME =
  /-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?/;

const publicKeys = new Map<string, KeyObject>();

/** A node:crypto Ed25519 public key from a KeyObject or the 32 raw bytes (imports cached). */
function publicKeyObject(publicKey: KeyObject | Uint8Array): KeyObject | null {
  if (publicKey instanceof KeyObject) {
    return publicKey.type === "public" && publicKey.asymmetricKeyType === "ed25519" ? publicKey : null;
  }
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return null;
  const x = Buffer.from(publicKey).toString("base64url");
  let key = publicKeys.get(x);
  if (!key) {
    try {
      key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    } catch {
      return null;
    }
    if (publicKeys.size >= 1024) publicKeys.clear();
    publicKeys.set(x, key);
  }
  return key;
}

/**
 * Verifies one eddsa-rdfc-2022 proof of `document` (one of its `proof` values) with an Ed25519 public key.
 * False for a wrong signature, a malformed proof, or a document jsonld cannot canonicalize in safe mode.
 */
export async function verifyEddsaRdfc2022Proof(
  document: object,
  proof: object,
  publicKey: KeyObject | Uint8Array,
  canonizer: Canonizer,
): Promise<boolean> {
  const options: JsonObject = { ...(proof as JsonObject) };
  const { proofValue } = options;
  if (options.type !== PROOF_TYPE || options.cryptosuite !== CRYPTOSUITE) return false;
  if (typeof proofValue !== "string" || proofValue[0] !== "z") return false;
  for (const date of ["created", "expires"]) {
    if (options[date] !== undefined && !(typeof options[date] === "string" && XML_DATE_TIME.test(options[date]))) {
      return false;
    }
  }
  const key = publicKeyObject(publicKey);
  if (!key) return false;
  let signature: Uint8Array | undefined;
  try {
    signature = base58btc.decode(proofValue.slice(1));
  } catch {
    return false;
  }
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  delete options.proofValue;

  const unsecured: JsonObject = { ...(document as JsonObject) };
  delete unsecured.proof;
  // A proof with its own @context: the document's must start with it, and it is the context of both.
  if ("@context" in options) {
    const own = [options["@context"]].flat();
    const documents = [unsecured["@context"]].flat();
    if (!own.every((item, i) => JSON.stringify(item) === JSON.stringify(documents[i]))) return false;
    unsecured["@context"] = options["@context"];
  }
  const { "@context": ownContext, ...rest } = options;
  const proofConfig = { "@context": withSuiteContext(ownContext ?? unsecured["@context"]), ...rest };
  try {
    const data = await hashData(unsecured, proofConfig, canonizer);
    return verifySignature(null, data, key, signature);
  } catch {
    return false;
  }
}

/** A signer over a node:crypto Ed25519 private key, imported once (the Multikey signer imports per call). */
export function createKeyObjectSigner(
  id: string,
  privateKey: KeyObject,
): {
  id: string;
  algorithm: "Ed25519";
  sign(input: { data: Uint8Array }): Promise<Uint8Array>;
  privateKey: KeyObject;
} {
  if (privateKey.type !== "private" || privateKey.asymmetricKeyType !== "ed25519") {
    throw new CredentialError("invalid-key", "An Ed25519 private key is required.");
  }
  return {
    id,
    algorithm: "Ed25519",
    sign: async ({ data }) => new Uint8Array(sign(null, data, privateKey)),
    privateKey,
  };
}

/** node:crypto key objects from raw Ed25519 key bytes (secret key: the 32-byte seed, or seed ‖ public key). */
export function ed25519KeyObjects(raw: { publicKey: Uint8Array; secretKey?: Uint8Array }): {
  publicKey: KeyObject;
  privateKey: KeyObject | null;
} {
  if (raw.publicKey.length !== 32) throw new CredentialError("invalid-key", "An Ed25519 public key is 32 bytes.");
  const x = Buffer.from(raw.publicKey).toString("base64url");
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  if (!raw.secretKey) return { publicKey, privateKey: null };
  if (raw.secretKey.length !== 32 && raw.secretKey.length !== 64) {
    throw new CredentialError("invalid-key", "An Ed25519 secret key is 32 bytes (or 64 with the public key).");
  }
  const d = Buffer.from(raw.secretKey.subarray(0, 32)).toString("base64url");
  const privateKey = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", x, d }, format: "jwk" });
  return { publicKey, privateKey };
}
