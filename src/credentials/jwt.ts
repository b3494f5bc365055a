/**
 * VC-JOSE: credentials as compact JWS (Open Badges 3.0 §8.2 "JSON Web Token Proof Format"). The payload
 * is the credential itself plus the registered claims (`iss` = issuer id, `jti` = credential id, `sub` =
 * subject id when there is one, `nbf` = validFrom, `exp` = validUntil); the header names the key with
 * `kid`. Signing goes through a `Signer`, so the same key store serves both proof formats; verification
 * is `jose`'s.
 */
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { CredentialError } from "./errors.ts";
import type { Signer } from "./keys.ts";

const encoder = new TextEncoder();
const b64url = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === "string" ? encoder.encode(bytes) : bytes).toString("base64url");

const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

type Credential = Record<string, unknown>;

const issuerId = (credential: Credential): string | undefined => {
  const issuer = credential.issuer;
  if (typeof issuer === "string") return issuer;
  if (issuer && typeof issuer === "object" && typeof (issuer as { id?: unknown }).id === "string") {
    return (issuer as { id: string }).id;
  }
  return undefined;
};

/** The JWT claims a credential implies. */
export function jwtClaims(credential: Credential): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const iss = issuerId(credential);
  if (iss) claims.iss = iss;
  if (typeof credential.id === "string") claims.jti = credential.id;
  const subject = credential.credentialSubject as { id?: unknown } | undefined;
  if (subject && typeof subject.id === "string") claims.sub = subject.id;
  if (typeof credential.validFrom === "string") claims.nbf = seconds(credential.validFrom);
  if (typeof credential.validUntil === "string") claims.exp = seconds(credential.validUntil);
  return claims;
}

/** Signs a credential as a compact JWS (EdDSA). */
export async function signJwt(credential: Credential, signer: Signer): Promise<string> {
  const header = { alg: "EdDSA", typ: "JWT", kid: signer.id };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify({ ...credential, ...jwtClaims(credential) }))}`;
  const signature = await signer.sign({ data: encoder.encode(signingInput) });
  return `${signingInput}.${b64url(signature)}`;
}

export const looksLikeJwt = (text: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text);

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The credential inside: the payload itself (VC 2.0 / OB 3.0), or its `vc` claim (VC 1.1 JWTs). */
  credential: Credential;
}

/** Decodes without verifying; throws `malformed-jwt` with a sentence for anything that is not one. */
export function decodeJwt(jwt: string): DecodedJwt {
  const text = jwt.trim();
  if (!looksLikeJwt(text)) {
    throw new CredentialError("malformed-jwt", "The text is not a compact JWT (three base64url parts joined by dots).");
  }
  const [h, p] = text.split(".") as [string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    throw new CredentialError("malformed-jwt", "The JWT's header or payload is not base64url-encoded JSON.");
  }
  if (!isObject(header) || !isObject(payload)) {
    throw new CredentialError("malformed-jwt", "The JWT's header and payload must both be JSON objects.");
  }
  const credential = isObject(payload.vc) ? { ...payload.vc } : payload;
  return { header, payload, credential };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a JWT's signature with the given public key (a JWK). Returns a sentence saying why it fails,
 * or null when it is valid.
 */
export async function verifyJwtSignature(jwt: string, jwk: JWK): Promise<string | null> {
  let algorithm: string | undefined;
  try {
    algorithm = decodeProtectedHeader(jwt).alg;
  } catch {
    return "The JWT header cannot be read.";
  }
  const allowed = ["EdDSA", "Ed25519", "RS256", "ES256", "PS256", "ES384", "RS384", "RS512", "ES512"];
  if (!algorithm || !allowed.includes(algorithm)) return `The JWT algorithm '${algorithm ?? "none"}' is not accepted.`;
  try {
    const key = await importJWK(jwk, algorithm);
    await compactVerify(jwt.trim(), key, { algorithms: [algorithm] });
    return null;
  } catch (error) {
    return `The JWT signature does not verify with the issuer's key (${(error as Error).message}).`;
  }
}

/** Claims that must agree with the credential they wrap; a mismatch means the token was tampered. */
export function jwtClaimProblems(decoded: DecodedJwt): string[] {
  if (decoded.credential !== decoded.payload) return []; // VC 1.1 `vc` claim: claims are the only copy
  const expected = jwtClaims(decoded.credential);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(expected)) {
    const actual = decoded.payload[name];
    if (actual !== undefined && actual !== value) {
      problems.push(`The JWT claim '${name}' (${String(actual)}) disagrees with the credential (${String(value)}).`);
    }
  }
  return problems;
}
