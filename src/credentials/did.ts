/**
 * DIDs: `did:web` identities under the bank's public URL (did:web method spec, §3.2 "Create":
 * host with an optional percent-encoded port, path segments joined by colons) and `did:key` for Ed25519
 * Multikeys, which resolves from the identifier alone.
 */
import { CredentialError } from "./errors.ts";

export const DID_CONTEXT = "https://www.w3.org/ns/did/v1";
export const MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1";

/** The did:web of a resource at `segments` under the bank's public URL (no segments: the bank itself). */
export function didWeb(publicUrl: string, segments: string[] = []): string {
  const url = new URL(publicUrl);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const path = url.pathname
    .split("/")
    .filter(Boolean)
    .concat(segments)
    .map((s) => encodeURIComponent(s));
  return ["did:web", host, ...path].join(":");
}

/** Where a did:web's document lives (always https, as the method requires). */
export function didWebDocumentUrl(did: string): string {
  if (!did.startsWith("did:web:")) throw new CredentialError("not-did-web", `'${did}' is not a did:web.`);
  const [host, ...path] = did.slice("did:web:".length).split(":");
  if (!host) throw new CredentialError("invalid-did", `'${did}' names no host.`);
  const decodedHost = decodeURIComponent(host);
  const decodedPath = path.map((p) => decodeURIComponent(p));
  if (decodedPath.some((p) => p === "" || p === "." || p === ".." || p.includes("/"))) {
    throw new CredentialError("invalid-did", `'${did}' has an empty or unsafe path segment.`);
  }
  return decodedPath.length === 0
    ? `https://${decodedHost}/.well-known/did.json`
    : `https://${decodedHost}/${decodedPath.join("/")}/did.json`;
}

export interface VerificationMethod {
  id: string;
  type: "Multikey";
  controller: string;
  publicKeyMultibase: string;
}

export interface DidDocument {
  "@context": string[];
  id: string;
  verificationMethod: VerificationMethod[];
  assertionMethod: string[];
  authentication?: string[];
  alsoKnownAs?: string[];
  service?: Array<{ id: string; type: string; serviceEndpoint: string }>;
}

/** The verification method id of a key: the DID with the key itself as the fragment. */
export const verificationMethodId = (did: string, publicKeyMultibase: string): string => `${did}#${publicKeyMultibase}`;

export function didDocument(
  did: string,
  keys: Array<{ publicKeyMultibase: string; assertion: boolean }>,
  extra: Pick<DidDocument, "alsoKnownAs" | "service"> = {},
): DidDocument {
  const methods = keys.map((k) => ({
    id: verificationMethodId(did, k.publicKeyMultibase),
    type: "Multikey" as const,
    controller: did,
    publicKeyMultibase: k.publicKeyMultibase,
  }));
  const assertion = keys.filter((k) => k.assertion).map((k) => verificationMethodId(did, k.publicKeyMultibase));
  return {
    "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
    id: did,
    verificationMethod: methods,
    assertionMethod: assertion,
    authentication: assertion,
    ...extra,
  };
}

/**
 * The DID document of a did:key (Ed25519 Multikeys only: `did:key:z6Mk…`). The key's own encoding is
 * checked by the caller when it parses the public key.
 */
export function didKeyDocument(did: string): DidDocument {
  const key = did.slice("did:key:".length).split("#")[0] ?? "";
  if (!did.startsWith("did:key:") || !/^z6Mk[1-9A-HJ-NP-Za-km-z]{40,50}$/.test(key)) {
    throw new CredentialError(
      "unsupported-did-key",
      `'${did.slice(0, 120)}' is not an Ed25519 did:key (did:key:z6Mk…); other key types are not supported.`,
    );
  }
  return didDocument(`did:key:${key}`, [{ publicKeyMultibase: key, assertion: true }]);
}

/** Finds a verification method in a DID document by its id (absolute, or a fragment relative to the DID). */
export function findVerificationMethod(document: DidDocument, id: string): VerificationMethod | undefined {
  return document.verificationMethod?.find(
    (m) => m.id === id || (m.id.startsWith("#") && `${document.id}${m.id}` === id),
  );
}
