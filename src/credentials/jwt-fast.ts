/**
 * VC-JWT (compact JWS, EdDSA over Ed25519) on node:crypto directly, for bulk work: the same tokens as
 * src/credentials/jwt.ts, at close to the cost of the Ed25519 operation itself.
 *
 * Signing: `signJwtWithKey` gives exactly what `signJwt` gives for the same credential and key (Ed25519
 * signatures are deterministic, so the token is byte for byte the same; bench/credentials.ts checks it on
 * every benchmarked credential). What it saves: the Signer round trip (a promise and a copy of the
 * signature), the header encoded again for every token, and the extra copies of the signing input.
 * Signing is split in two so that the part that reads the credential object (`jwtPayloadJson`, one
 * `JSON.stringify`) can run on the thread that holds the object while the rest (base64url, Ed25519) runs
 * in a worker (src/services/signing-pool.ts), with only a string crossing between them.
 *
 * Verification: `verifyJwtSignatureFast` answers as `verifyJwtSignature` (jose) does, with the same
 * sentences, for the tokens the bank issues: a bare Ed25519 JWK (`kty` OKP, `crv` Ed25519, `x`, optionally
 * `kid`), a header with `alg` EdDSA or Ed25519 and no `crit` or `b64`. The public
 * key is imported once per key (jose's `importJWK` on every call costs about a fifth of an Ed25519 verify).
 * Every other token or key goes to jose, which stays the verifier of record for everything else.
 */
import { createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import type { JWK } from "jose";
import { jsonText } from "./json-text.ts";
import { jwtClaims, verifyJwtSignature } from "./jwt.ts";

type Credential = Record<string, unknown>;

const headerSegments = new Map<string, string>();

/** The base64url header `signJwt` writes for a key id, encoded once per key id. */
export function jwtHeaderSegment(kid: string): string {
  let segment = headerSegments.get(kid);
  if (segment === undefined) {
    segment = Buffer.from(JSON.stringify({ alg: "EdDSA", typ: "JWT", kid }), "utf8").toString("base64url");
    if (headerSegments.size >= 256) headerSegments.clear();
    headerSegments.set(kid, segment);
  }
  return segment;
}

/** The JWT payload `signJwt` signs for a credential (the credential plus its registered claims), as JSON. */
export function jwtPayloadJson(credential: Credential): string {
  // jsonText is JSON.stringify that copies in the texts of the parts credentials share (src/credentials/json-text.ts).
  return jsonText({ ...credential, ...jwtClaims(credential) });
}

/** The compact JWS for a payload made by `jwtPayloadJson`, signed with an Ed25519 private key. */
export function signJwtPayload(payloadJson: string, kid: string, privateKey: KeyObject): string {
  const signingInput = `${jwtHeaderSegment(kid)}.${Buffer.from(payloadJson, "utf8").toString("base64url")}`;
  // base64url text is ASCII: latin1 turns it into bytes without a UTF-8 pass.
  return `${signingInput}.${sign(null, Buffer.from(signingInput, "latin1"), privateKey).toString("base64url")}`;
}

/** `signJwt(credential, signer)` for a local Ed25519 key: the same token, synchronously. */
export function signJwtWithKey(credential: Credential, kid: string, privateKey: KeyObject): string {
  return signJwtPayload(jwtPayloadJson(credential), kid, privateKey);
}

const publicKeys = new Map<string, KeyObject>();

/** The node:crypto key of a bare Ed25519 JWK (imported once per `x`), or null for any other JWK. */
export function ed25519PublicKeyOfJwk(jwk: JWK | Record<string, unknown>): KeyObject | null {
  const { kty, crv, x, ...rest } = jwk as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519" || typeof x !== "string" || x.length !== 43) return null;
  for (const [name, value] of Object.entries(rest)) {
    // `alg`, `use`, `key_ops` and the like could make jose refuse the key: leave such keys to jose.
    if (!(name === "kid" && typeof value === "string")) return null;
  }
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

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * The fast check of an EdDSA compact JWS: true or false, or "unsupported" for anything it leaves to jose
 * (a header it does not read the way jose does, a malformed token: jose words the sentence then).
 */
export function verifyEd25519Jwt(jwt: string, publicKey: KeyObject): boolean | "unsupported" {
  const first = jwt.indexOf(".");
  const second = jwt.indexOf(".", first + 1);
  if (first <= 0 || second < 0 || jwt.indexOf(".", second + 1) >= 0) return "unsupported";
  const h = jwt.slice(0, first);
  const s = jwt.slice(second + 1);
  // Lengths jose's strict base64url decoding would refuse, and characters outside the alphabet.
  if (h.length % 4 === 1 || (second - first - 1) % 4 === 1 || s.length !== 86) return "unsupported";
  if (!SEGMENT.test(h) || !SEGMENT.test(s) || !SEGMENT.test(jwt.slice(first + 1, second))) return "unsupported";
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
  } catch {
    return "unsupported";
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return "unsupported";
  const { alg } = header as { alg?: unknown };
  if ((alg !== "EdDSA" && alg !== "Ed25519") || "crit" in header || "b64" in header) return "unsupported";
  return verify(null, Buffer.from(jwt.slice(0, second), "latin1"), publicKey, Buffer.from(s, "base64url"));
}

/**
 * `verifyJwtSignature(jwt, jwk)` with the public key imported once: null when the signature is valid,
 * otherwise the sentence saying why not. What the fast check does not cover, jose checks.
 */
export async function verifyJwtSignatureFast(jwt: string, jwk: JWK | Record<string, unknown>): Promise<string | null> {
  const key = ed25519PublicKeyOfJwk(jwk);
  const text = jwt.trim();
  const fast = key ? verifyEd25519Jwt(text, key) : "unsupported";
  if (fast === true) return null;
  if (fast === "unsupported") return verifyJwtSignature(text, jwk as JWK);
  // jose's words for a signature that does not verify.
  return "The JWT signature does not verify with the issuer's key (signature verification failed).";
}
